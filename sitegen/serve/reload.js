/*
 * Live reload for `sitegen serve`, injected into every HTML page it serves.
 *
 * The page tells the server its path and the version (a hash) of the bytes
 * it was served.  After a save, the server re-renders the open pages the
 * change touched and tells each one what to do:
 *
 *   hello    registered; nothing to do
 *   reload   this page's own bytes changed (or a script or image it uses)
 *   css      {"urls": [...]}: stylesheets changed; swap them, no reload
 *   overlay  {"title", "text"}: the page cannot be rendered; show the error
 *   clear    the error is fixed and the page did not change; hide it
 *
 * Browsers allow about six connections per host, so tabs must not hold one
 * each.  Every tab of the browser shares one event stream, held by a
 * shared worker (/__sitegen/worker.js), which registers each page on it and
 * passes its messages on.  Where shared workers are missing, a tab opens a
 * stream of its own (/__sitegen/events?path=...&v=...) and closes it while
 * hidden, so only visible tabs hold a connection; when shown again it
 * reconnects with the version it holds, and the server tells it to reload
 * if the page went stale meanwhile.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var version = (script && script.getAttribute("data-version")) || "";
  var state = (window.__sitegen = { connected: false, shared: false, version: version });
  var overlay = null;

  var handlers = {
    hello: function () {
      state.connected = true;
    },
    reload: function () {
      state.connected = false;
      location.reload();
    },
    css: function (data) {
      swapStylesheets(data.urls);
    },
    overlay: function (data) {
      showOverlay(data);
    },
    clear: function () {
      hideOverlay();
    }
  };

  function handle(name, data) {
    if (handlers.hasOwnProperty(name)) {
      handlers[name](data || {});
    }
  }

  // -- one stream for every tab: the shared worker ---------------------------

  function openShared() {
    var worker;
    try {
      worker = new SharedWorker("/__sitegen/worker.js", { name: "sitegen-live-reload" });
    } catch (error) {
      return false;
    }
    var port = worker.port;
    var opened = false;
    var open = function () {
      opened = true;
      port.postMessage({ type: "open", path: location.pathname, version: version });
    };
    worker.onerror = function () {
      if (!state.connected) {
        openOwn();  // the worker failed to start: fall back
      }
    };
    port.onmessage = function (message) {
      handle(message.data.event, message.data.data);
    };
    port.start();
    window.addEventListener("pagehide", function () {
      opened = false;
      state.connected = false;
      port.postMessage({ type: "close" });
    });
    window.addEventListener("pageshow", function () {
      if (!opened) {
        open();  // back from the back-forward cache
      }
    });
    state.shared = true;
    open();
    return true;
  }

  // -- a stream of its own, held while the tab is visible --------------------

  var source = null;

  function openOwn() {
    state.shared = false;
    connect();
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        disconnect();
      } else {
        connect();
      }
    });
    window.addEventListener("pagehide", disconnect);
    window.addEventListener("pageshow", connect);
  }

  function connect() {
    if (source || document.hidden) {
      return;
    }
    source = new EventSource(
      "/__sitegen/events?path=" + encodeURIComponent(location.pathname) +
      "&v=" + encodeURIComponent(version)
    );
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) {
        if (name === "reload") {
          disconnect();
        }
        handle(name, JSON.parse(event.data));
      });
    });
    source.onerror = function () {
      state.connected = false;
    };
  }

  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
    state.connected = false;
  }

  // -- stylesheets -----------------------------------------------------------

  function sameOrigin(link) {
    return new URL(link.href, location.href).origin === location.origin;
  }

  function swapStylesheets(urls) {
    var links = Array.prototype.filter.call(
      document.querySelectorAll('link[rel~="stylesheet"][href]'), sameOrigin
    );
    var matched = links.filter(function (link) {
      var path = decodeURIComponent(new URL(link.href, location.href).pathname);
      return urls.indexOf(path) !== -1;
    });
    // A changed sheet no <link> names is @imported by one: refresh them all.
    (matched.length ? matched : links).forEach(swap);
    state.swapped = (state.swapped || 0) + 1;
  }

  function swap(link) {
    var href = new URL(link.href, location.href);
    href.searchParams.set("sitegen", Date.now().toString(36));
    var copy = link.cloneNode(false);
    copy.href = href.toString();
    var done = function () {
      link.remove();
    };
    copy.addEventListener("load", done);
    copy.addEventListener("error", done);
    link.after(copy);
  }

  // -- the error overlay -----------------------------------------------------

  function showOverlay(error) {
    hideOverlay();
    overlay = document.createElement("sitegen-overlay");
    overlay.id = "__sitegen-overlay";
    var root = overlay.attachShadow({ mode: "open" });
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = "/__sitegen/overlay.css";
    var backdrop = document.createElement("div");
    backdrop.className = "sitegen-overlay";
    var panel = document.createElement("div");
    panel.className = "sitegen-error";
    panel.setAttribute("role", "alert");
    var heading = document.createElement("h1");
    heading.textContent = error.title;
    var text = document.createElement("pre");
    text.textContent = error.text;
    var note = document.createElement("p");
    note.textContent = "Fix the file and save: the page recovers by itself. " +
      "Esc or a click outside hides this.";
    panel.append(heading, text, note);
    backdrop.append(panel);
    root.append(sheet, backdrop);
    backdrop.addEventListener("click", function (event) {
      if (event.target === backdrop) {
        hideOverlay();
      }
    });
    document.documentElement.appendChild(overlay);
  }

  function hideOverlay() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      hideOverlay();
    }
  });

  if (!(window.SharedWorker && openShared())) {
    openOwn();
  }
})();
