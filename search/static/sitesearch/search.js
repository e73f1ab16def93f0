/*
 * Suggestions for the search boxes, and the filters open on wide screens.
 * Progressive enhancement: without this file the search boxes and the
 * filter form work as plain HTML forms.
 *
 * An input with data-suggest-url gets a <datalist> filled from
 * GET <url>?q=<what was typed> → {"results": [{"id", "name", "url"}]}.
 */
(function () {
  "use strict";

  var DELAY = 200;
  var MAX_LENGTH = 50;

  function enhance(input, index) {
    var list = document.createElement("datalist");
    list.id = "search-suggestions-" + index;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);

    var timer = null;
    var pending = null;
    var asked = "";

    function fill(typed, results) {
      list.textContent = "";
      results.forEach(function (service) {
        var option = document.createElement("option");
        option.value = service.name;
        // Browsers only offer options that contain what was typed: a name
        // found by its pinyin (falv → 免费法律咨询) carries the pinyin in its label.
        if (service.name.toLowerCase().indexOf(typed.toLowerCase()) === -1) {
          option.label = service.name + " · " + typed;
        }
        list.appendChild(option);
      });
    }

    function ask() {
      var typed = input.value.trim();
      if (!typed || typed.length > MAX_LENGTH || typed === asked) {
        return;
      }
      asked = typed;
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(typed);
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (body) {
          if (input.value.trim() === typed) {
            fill(typed, body.results || []);
          }
        })
        .catch(function () {
          // Aborted or offline: the box still searches without suggestions.
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
  }

  function openFiltersOnWideScreens() {
    if (!window.matchMedia("(min-width: 768px)").matches) {
      return;
    }
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  function start() {
    if (window.fetch && window.AbortController) {
      document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
    }
    openFiltersOnWideScreens();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
