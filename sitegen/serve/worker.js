/*
 * The shared worker of `sitegen serve`'s live reload (see reload.js).
 *
 * It holds the one event stream every tab of the browser shares
 * (/__sitegen/events?stream=KEY) and registers each open page on it with
 * POST /__sitegen/pages, under a tab number.  Events for a page carry its
 * number; the worker passes each to that tab.  When the stream reconnects
 * (the server restarted, the network dropped), the server's "hello" makes
 * the worker register every page again, with the version it holds, so
 * pages that went stale meanwhile are told to reload.
 */
"use strict";

var key = Date.now().toString(36) + Math.random().toString(36).slice(2);
var tabs = {};
var nextTab = 1;
var source = null;
var live = false;

function post(message) {
  message.stream = key;
  return fetch("/__sitegen/pages", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(message)
  });
}

function register(id) {
  var tab = tabs[id];
  post({ tab: Number(id), path: tab.path, version: tab.version }).then(function (response) {
    if (!response.ok && tabs[id] === tab) {
      live = false;  // the stream is gone: its next "hello" registers again
    }
  }, function () {});
}

function connect() {
  source = new EventSource("/__sitegen/events?stream=" + key);
  source.addEventListener("hello", function (event) {
    var data = JSON.parse(event.data);
    if (data.tab === undefined) {  // the stream's own: (re)register every page
      live = true;
      Object.keys(tabs).forEach(register);
      return;
    }
    deliver("hello", data);
  });
  ["reload", "css", "overlay", "clear"].forEach(function (name) {
    source.addEventListener(name, function (event) {
      deliver(name, JSON.parse(event.data));
    });
  });
  source.onerror = function () {
    live = false;
  };
}

function deliver(name, data) {
  var tab = tabs[data.tab];
  if (tab) {
    tab.port.postMessage({ event: name, data: data });
  }
}

self.onconnect = function (event) {
  var port = event.ports[0];
  var id = nextTab++;
  port.onmessage = function (message) {
    var data = message.data;
    if (data.type === "open") {
      tabs[id] = { port: port, path: data.path, version: data.version };
      if (!source) {
        connect();
      } else if (live) {
        register(id);
      }
    } else if (data.type === "close" && tabs[id]) {
      delete tabs[id];
      if (live) {
        post({ tab: id, closed: true }).catch(function () {});
      }
    }
  };
  port.start();
};
