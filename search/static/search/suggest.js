// Search-as-you-type for any <input data-search-suggest data-search-api="/api/v1/search/">.
// Progressive enhancement: without this script the input's form still submits as usual.
// Suggestions are links to course pages (data-course-base: the main site's origin, "/" there);
// arrow keys move through them, Enter opens one, Escape closes the list.
(function () {
  "use strict";
  var DELAY_MS = 120;
  var LIMIT = 8;
  var script = document.currentScript;

  function addStyles() {
    if (!script || document.querySelector("link[data-search-styles]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = script.src.replace(/suggest\.js(\?.*)?$/, "search.css");
    link.setAttribute("data-search-styles", "");
    document.head.appendChild(link);
  }

  function enhance(input, index) {
    var api = input.getAttribute("data-search-api");
    var base = (input.getAttribute("data-course-base") || "/").replace(/\/$/, "");
    if (!api || !window.fetch) return;

    var wrapper = document.createElement("div");
    wrapper.className = "suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = "search-suggestions-" + index;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested courses");
    list.hidden = true;
    wrapper.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    var timer = null;
    var latest = 0;
    var active = -1;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function select(next) {
      var items = options();
      if (!items.length) return;
      if (active >= 0) items[active].setAttribute("aria-selected", "false");
      active = (next + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function render(data) {
      list.textContent = "";
      active = -1;
      if (!data.results.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = "No course matches “" + data.query + "”";
        list.appendChild(none);
      }
      data.results.forEach(function (hit, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var link = document.createElement("a");
        link.href = base + hit.url;
        link.tabIndex = -1;
        var code = document.createElement("span");
        code.className = "code";
        code.textContent = hit.code;
        var title = document.createElement("span");
        title.className = "title";
        // The API escapes everything in a highlight but its <mark> tags.
        if (hit.matched === "title") title.innerHTML = hit.highlight;
        else title.textContent = hit.title || "Untitled";
        link.appendChild(code);
        link.appendChild(title);
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function lookup() {
      var text = input.value.trim();
      if (text.length < 2) {
        close();
        return;
      }
      var ticket = ++latest;
      var url = api + (api.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text.slice(0, 200)) + "&limit=" + LIMIT;
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (ticket !== latest) return; // a newer keystroke is on its way
          if (data) render(data);
          else close();
        })
        .catch(function () {
          if (ticket === latest) close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim()) lookup();
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        select(active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].querySelector("a").href);
      } else if (event.key === "Escape") {
        event.preventDefault(); // a search field would clear itself too: the first Escape only closes the list
        close();
      }
    });
    input.addEventListener("blur", function () {
      // Late enough for a click on a suggestion to land first.
      setTimeout(close, 150);
    });
  }

  addStyles();
  Array.prototype.forEach.call(document.querySelectorAll("input[data-search-suggest]"), enhance);
})();
