// Search without a server: fetch the index once, filter it as the reader types.
(function () {
  "use strict";
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-input");
  const results = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  let index = null;

  function excerpt(text, term) {  // about 180 characters around the first match, in whole words
    const at = Math.max(0, text.toLowerCase().indexOf(term));
    const start = text.lastIndexOf(" ", Math.max(0, at - 60)) + 1;
    const stop = text.indexOf(" ", start + 180);
    const end = stop < 0 ? text.length : stop;
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function show(query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (!terms.length) {
      status.textContent = "";
      return;
    }
    const hits = index.filter(function (page) {
      const haystack = (page.title + " " + page.text).toLowerCase();
      return terms.every(function (term) { return haystack.includes(term); });
    });
    hits.sort(function (a, b) {  // title matches first
      const inA = terms.some(function (t) { return a.title.toLowerCase().includes(t); });
      const inB = terms.some(function (t) { return b.title.toLowerCase().includes(t); });
      return inB - inA;
    });
    for (const page of hits.slice(0, 30)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      const heading = page.headings.find(function (h) {
        return terms.some(function (t) { return h.text.toLowerCase().includes(t); });
      });
      link.href = heading ? page.url + "#" + heading.id : page.url;
      link.textContent = heading ? page.title + " › " + heading.text : page.title;
      const text = document.createElement("p");
      text.textContent = excerpt(page.text, terms[0]);
      item.append(link, text);
      results.append(item);
    }
    status.textContent = hits.length === 1 ? "1 page found" : hits.length + " pages found";
  }

  function update() {
    const query = input.value;
    history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : "?");
    if (index) show(query);
  }

  fetch(form.dataset.index)
    .then(function (response) { return response.json(); })
    .then(function (data) {
      index = data;
      input.value = new URLSearchParams(location.search).get("q") || input.value;
      show(input.value);
    })
    .catch(function () { status.textContent = "The search index could not be loaded."; });

  input.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
})();
