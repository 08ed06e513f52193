/* Clipfile charts: small SVG charts drawn from JSON blocks on the page. No dependencies.
 *   <div class="chart" data-chart="bars|timeline|calibration" data-source="ID"></div>
 *   <script type="application/json" id="ID">[...]</script>
 * Labels go in through textContent, so data from documents never becomes markup. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(host, w, h) {
    return el("svg", { viewBox: "0 0 " + w + " " + h, width: "100%", role: "img", "class": "svgchart" }, host);
  }

  // Mentions per month: one bar per month, gaps filled with zero.
  function bars(host, data) {
    if (!data.length) { host.textContent = "No mentions."; return; }
    var months = [], counts = {};
    data.forEach(function (d) { counts[d.month] = d.n; });
    var first = data[0].month, last = data[data.length - 1].month;
    var y = +first.slice(0, 4), m = +first.slice(5, 7);
    if (!(y && m)) { months = data.map(function (d) { return d.month; }); }
    else {
      while (months.length < 240) {
        var key = y + "-" + (m < 10 ? "0" : "") + m;
        months.push(key);
        if (key >= last) break;
        m += 1; if (m > 12) { m = 1; y += 1; }
      }
    }
    var W = 600, H = 160, pad = 28, max = Math.max.apply(null, data.map(function (d) { return d.n; })) || 1;
    var s = svg(host, W, H), bw = Math.min(40, (W - pad * 2) / months.length);
    el("line", { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, "class": "axis" }, s);
    el("text", { x: 2, y: 14, "class": "lbl" }, s, String(max));
    months.forEach(function (mo, i) {
      var n = counts[mo] || 0, h = (H - pad * 2) * n / max;
      var r = el("rect", { x: pad + i * bw + 1, y: H - pad - h, width: Math.max(1, bw - 2), height: h, "class": "bar" }, s);
      el("title", {}, r, mo + ": " + n);
    });
    el("text", { x: pad, y: H - 8, "class": "lbl" }, s, months[0]);
    el("text", { x: W - pad, y: H - 8, "class": "lbl", "text-anchor": "end" }, s, months[months.length - 1]);
  }

  function toTime(v) {
    // ISO values truncated to their precision: 1978, 2020-08, 2020-08-20
    var p = String(v).split("-"), y = parseInt(p[0], 10);
    if (isNaN(y)) return null;
    return Date.UTC(y, p[1] ? parseInt(p[1], 10) - 1 : 6, p[2] ? parseInt(p[2], 10) : (p[1] ? 15 : 1));
  }

  // Dated events on one time axis; each point links to its source passage.
  function timeline(host, data) {
    var pts = data.map(function (d) { return { t: toTime(d.date), d: d }; }).filter(function (p) { return p.t !== null; });
    if (!pts.length) return;
    var W = 600, H = 120, pad = 30, lo = pts[0].t, hi = pts[pts.length - 1].t;
    if (hi === lo) { lo -= 1e10; hi += 1e10; }
    var s = svg(host, W, H);
    el("line", { x1: pad, y1: H / 2, x2: W - pad, y2: H / 2, "class": "axis" }, s);
    pts.forEach(function (p, i) {
      var x = pad + (W - pad * 2) * (p.t - lo) / (hi - lo);
      var a = el("a", { href: p.d.href }, s);
      var c = el("circle", { cx: x, cy: H / 2, r: 5, "class": "dot" }, a);
      el("title", {}, c, p.d.date + " — " + p.d.label);
      el("text", { x: x, y: i % 2 ? H / 2 + 22 : H / 2 - 12, "class": "lbl", "text-anchor": "middle" }, s, p.d.date);
    });
  }

  // Calibration: mean forecast (x) against observed frequency (y); the diagonal is perfect.
  function calibration(host, rows) {
    var W = 160, H = 160, pad = 22, span = W - pad * 2;
    var s = svg(host, W, H);
    el("rect", { x: pad, y: pad, width: span, height: span, "class": "frame" }, s);
    el("line", { x1: pad, y1: H - pad, x2: W - pad, y2: pad, "class": "diag" }, s);
    el("text", { x: W / 2, y: H - 4, "class": "lbl", "text-anchor": "middle" }, s, "forecast");
    el("text", { x: 4, y: pad - 6, "class": "lbl" }, s, "observed");
    rows.forEach(function (r) {
      if (!r.n) return;
      var c = el("circle", { cx: pad + span * r.mean_forecast, cy: H - pad - span * r.observed,
                             r: Math.min(9, 3 + Math.sqrt(r.n) * 1.5), "class": "dot" }, s);
      el("title", {}, c, Math.round(r.mean_forecast * 100) + "% forecast, " + Math.round(r.observed * 100) + "% came true (n=" + r.n + ")");
    });
  }

  var kinds = { bars: bars, timeline: timeline, calibration: calibration };
  document.querySelectorAll("[data-chart]").forEach(function (host) {
    var src = document.getElementById(host.getAttribute("data-source"));
    var draw = kinds[host.getAttribute("data-chart")];
    if (!src || !draw) return;
    try { draw(host, JSON.parse(src.textContent)); host.classList.add("drawn"); }
    catch (e) { host.textContent = "Chart unavailable: " + e.message; }
  });
})();
