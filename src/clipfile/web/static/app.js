/* Clipfile workbench: hover tips on highlights and highlight-layer switches. No dependencies. */
(function () {
  "use strict";
  var tip = document.getElementById("tip");

  // Highlights nest (an entity inside a claim inside a quote): show every layer's tip, innermost first.
  function tipsOf(el) {
    var lines = [];
    for (var e = el; e && e.getAttribute; e = e.parentElement) {
      var t = e.getAttribute("data-tip");
      if (t) lines.push(t);
      if (e.id === "doctext") break;
    }
    return lines.join("\n");
  }

  function show(el) {
    if (!tip) return;
    tip.textContent = tipsOf(el);  // textContent: the tip is never parsed as HTML
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
      for (var e = el; e && e.removeAttribute; e = e.parentElement) e.removeAttribute("title");
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
