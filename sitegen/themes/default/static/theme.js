// sitegen's default theme: the light/dark toggle, copy buttons on code blocks,
// and search as you type in the header, from the site's search index.
(function () {
  "use strict";
  const root = document.documentElement;

  // -- light and dark ------------------------------------------------------
  const toggle = document.querySelector(".theme-toggle");
  function isDark() {
    const chosen = root.dataset.theme;
    return chosen ? chosen === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function label() {
    if (!toggle) return;
    toggle.setAttribute("aria-pressed", String(isDark()));
  }
  if (toggle) {
    label();
    toggle.addEventListener("click", function () {
      root.dataset.theme = isDark() ? "light" : "dark";
      try { localStorage.setItem("theme", root.dataset.theme); } catch (e) { /* private mode */ }
      label();
    });
  }

  // -- copy buttons ----------------------------------------------------------
  if (navigator.clipboard) {
    for (const pre of document.querySelectorAll("main pre:not(.mermaid)")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the code");
      button.addEventListener("click", function () {
        const code = pre.querySelector("code") || pre;
        navigator.clipboard.writeText(code.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      (pre.parentElement.classList.contains("highlight") ? pre.parentElement : pre).append(button);
    }
  }

  // -- search ----------------------------------------------------------------
  const form = document.querySelector(".site-search");
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector(".search-results");
  const pageList = document.querySelector(".search-page-results");
  const pageStatus = document.querySelector(".search-page-status");
  let index = null;

  function load() {
    if (!index) {
      index = fetch(form.dataset.index).then(function (r) { return r.json(); });
    }
    return index;
  }

  function excerpt(text, term) {
    const at = Math.max(0, text.toLowerCase().indexOf(term));
    const start = text.lastIndexOf(" ", Math.max(0, at - 50)) + 1;
    const stop = text.indexOf(" ", start + 140);
    const end = stop < 0 ? text.length : stop;
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function search(entries, query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    const hits = entries.filter(function (page) {
      const haystack = (page.title + " " + page.text).toLowerCase();
      return terms.every(function (t) { return haystack.includes(t); });
    });
    function inTitle(page) {
      return terms.some(function (t) { return page.title.toLowerCase().includes(t); });
    }
    hits.sort(function (a, b) { return inTitle(b) - inTitle(a); });
    return hits.map(function (page) {
      const heading = page.headings.find(function (h) {
        return terms.some(function (t) { return h.text.toLowerCase().includes(t); });
      });
      return {
        url: heading ? page.url + "#" + heading.id : page.url,
        title: heading ? page.title + " › " + heading.text : page.title,
        text: excerpt(page.text, terms[0]),
      };
    });
  }

  function render(target, hits) {
    target.replaceChildren();
    for (const hit of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      const text = document.createElement("p");
      text.textContent = hit.text;
      item.append(link, text);
      target.append(item);
    }
  }

  function show() {
    const query = input.value.trim();
    load().then(function (entries) {
      const hits = search(entries, query);
      if (pageList) {  // the search page lists every result in the page itself
        render(pageList, hits);
        pageStatus.textContent = query ? hits.length + (hits.length === 1 ? " page" : " pages") +
          " found" : "Type in the search box at the top of the page.";
        return;
      }
      render(list, hits.slice(0, 8));
      list.hidden = !query;
      if (query && !hits.length) {
        const none = document.createElement("li");
        const text = document.createElement("p");
        text.textContent = "No page found";
        none.append(text);
        list.append(none);
      }
      input.setAttribute("aria-expanded", String(!list.hidden));
    });
  }

  input.addEventListener("input", show);
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("keydown", function (event) {
    const first = list.querySelector("a");
    if (event.key === "Escape") {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    } else if (event.key === "ArrowDown" && first && !list.hidden) {
      event.preventDefault();
      first.focus();
    }
  });
  list.addEventListener("keydown", function (event) {
    const links = Array.from(list.querySelectorAll("a"));
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) {
      event.preventDefault();
      links[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? links[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      list.hidden = true;
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) list.hidden = true;
  });

  const asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    input.value = asked;
    show();
  }
})();

// Diagrams: Mermaid's script is on the page only where a page has one (page.needs).
(() => {
  if (!window.mermaid) return;
  const chosen = document.documentElement.dataset.theme;
  const dark = chosen ? chosen === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  window.mermaid.initialize({ startOnLoad: true, theme: dark ? "dark" : "default" });
})();
