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

  document.addEventListener("DOMContentLoaded", focusableScrollRegions);
  window.addEventListener("resize", focusableScrollRegions);
})();
