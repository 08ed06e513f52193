/* Clipfile workbench: hover tips on highlights and highlight-layer switches. No dependencies. */
(function () {
  "use strict";
  var tip = document.getElementById("tip");

  function show(el) {
    if (!tip) return;
    tip.textContent = el.getAttribute("data-tip");  // textContent: the tip is never parsed as HTML
    var r = el.getBoundingClientRect();
    tip.hidden = false;
    tip.style.left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4)) + "px";
    tip.style.top = (window.scrollY + r.bottom + 6) + "px";
  }
  function hide() { if (tip) tip.hidden = true; }

  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (el) {
      // Browsers show the title as well; keep ours only while hovering.
      if (el.title) { el.setAttribute("data-title", el.title); el.removeAttribute("title"); }
      show(el);
    }
  });
  document.addEventListener("mouseout", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (el && !el.contains(ev.relatedTarget)) hide();
  });
  document.addEventListener("focusin", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-tip]")) show(ev.target);
  });

  var text = document.getElementById("doctext");
  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (text) text.classList.toggle("hide-" + box.getAttribute("data-layer"), !box.checked);
    });
  });
})();
