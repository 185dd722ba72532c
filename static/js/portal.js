/* Committee Portal: small progressive enhancements (the pages work without JavaScript).
   Loaded from layout.html with `defer`; the CSP allows scripts from this site only. */
(function () {
  "use strict";

  /* A table wider than the screen scrolls inside .table-responsive: make that region reachable and
     scrollable by keyboard (WCAG 2.1.1), and name it after the table's caption for screen readers. */
  function focusableScrollRegions() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      var scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        var caption = region.querySelector("caption");
        var table = region.querySelector("table");
        var name = caption ? caption.textContent : (table && table.getAttribute("aria-label"));
        if (name && !region.hasAttribute("aria-label")) {
          region.setAttribute("aria-label", name.trim());
        }
      } else if (!scrolls && region.getAttribute("tabindex") === "0" && region.dataset.keep !== "1") {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
      }
    });
  }

  /* Type-ahead fields (portal/lookup.py): a text box with a <datalist>. As the user types, ask the field's address
     for the first matches and offer them; when the text is one of them, put its id in the hidden input so the
     server need not guess. Without this script the server resolves the typed text itself. */
  function lookupField(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var hidden = document.getElementById(input.dataset.lookupId);
    var timer = null, pending = null, ids = {};
    if (!list || !hidden) { return; }

    function choose() {
      hidden.value = Object.prototype.hasOwnProperty.call(ids, input.value) ? ids[input.value] : "";
    }

    function show(results) {
      ids = {};
      list.replaceChildren();
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.label;
        list.appendChild(option);
        ids[result.label] = String(result.id);
      });
      choose();
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) { show([]); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = input.dataset.lookup + (input.dataset.lookup.indexOf("?") < 0 ? "?" : "&") + "q=" +
        encodeURIComponent(text);
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}, signal: pending.signal})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (input.value.trim() === text) { show(data.results || []); } })
        .catch(function () { /* offline or superseded: the server resolves the text on submit */ });
    }

    input.addEventListener("input", function () {
      choose();
      if (hidden.value) { return; }  /* a suggestion was taken */
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
  }

  function lookupFields() {
    document.querySelectorAll("input[data-lookup]").forEach(lookupField);
  }

  document.addEventListener("DOMContentLoaded", lookupFields);
  document.addEventListener("DOMContentLoaded", focusableScrollRegions);
  window.addEventListener("resize", focusableScrollRegions);
})();
