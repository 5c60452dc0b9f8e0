// Title suggestions under every search box that carries data-autocomplete-url.
// No inline script (strict CSP); text is inserted with textContent only.
(function () {
  "use strict";
  var DELAY_MS = 200;

  function attach(input) {
    var url = input.getAttribute("data-autocomplete-url");
    var list = document.createElement("ul");
    var timer = null;
    var lastQuery = "";
    var controller = null;
    list.className = "suggestions";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.parentNode.style.position = "relative";
    input.parentNode.appendChild(list);

    function close() { list.hidden = true; list.textContent = ""; }

    function show(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        var type = document.createElement("span");
        li.setAttribute("role", "option");
        a.href = item.url;
        a.textContent = item.title;
        type.className = "type";
        type.textContent = item.type;
        a.appendChild(type);
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { "Accept": "application/json" }, signal: controller.signal
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (data) { show(data.suggestions || []); }).catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); }
      if (event.key === "ArrowDown" && !list.hidden && list.firstChild) {
        event.preventDefault();
        list.firstChild.querySelector("a").focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var current = document.activeElement.closest("li");
      if (!current) { return; }
      if (event.key === "ArrowDown" && current.nextSibling) { event.preventDefault(); current.nextSibling.querySelector("a").focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (current.previousSibling ? current.previousSibling.querySelector("a") : input).focus(); }
      if (event.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!list.contains(event.target) && event.target !== input) { close(); }
    });
  }

  document.querySelectorAll("input[data-autocomplete-url]").forEach(attach);
})();
