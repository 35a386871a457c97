IRQLAB.section("interrupts", function (d, el) {
  var X = IRQLAB, LEFT = 64, RIGHT = 12, TOP = 10, H = 220, BOTTOM = 26;
  var COLORS = ["#2f81f7", "#e16f24", "#1a7f37", "#cf222e", "#8250df", "#bf8700", "#0598bc", "#d63384",
    "#6e7781", "#3fb950", "#a371f7", "#fb8f44"], OTHER = "#c4cbd3";
  var mode = "cpu", cursorT = null;
  // A CPU keeps its colour in every report (CPU n: colour n); irqs take colours by rank
  // (on machines of up to 12 CPUs; above, colours go by rank so that none repeats).
  var small = d.cpu.every(function (ln) { var m = /^CPU(\d+)$/.exec(ln.label); return !m || +m[1] < COLORS.length; });
  function color(ln, i) {
    if (ln.label.indexOf("other ") === 0) return OTHER;
    var m = /^CPU(\d+)$/.exec(ln.label);
    return COLORS[(m && small ? +m[1] : i) % COLORS.length];
  }
  var controls = X.el("div", { "class": "controls" });
  [["cpu", "per CPU"], ["irq", "per irq"]].forEach(function (m) {
    var lab = X.el("label"), r = X.el("input", { type: "radio", name: "int-mode", value: m[0] });
    if (m[0] === mode) r.checked = true;
    r.addEventListener("change", function () { mode = m[0]; draw(); });
    lab.appendChild(r); lab.appendChild(document.createTextNode(" " + m[1]));
    controls.appendChild(lab);
  });
  controls.appendChild(X.el("span", { "class": "muted" }, "interval " + X.time(d.step_ns) + "; marks: actions (blue), kernel log (grey, warnings amber), violations (red); click a mark"));
  el.appendChild(controls);
  var holder = X.el("div"), legend = X.el("div", { "class": "legend" });
  var detail = X.el("div", { "class": "detail", id: "int-detail" }, "\u00a0");
  el.appendChild(holder); el.appendChild(legend); el.appendChild(detail);
  var svg, xOf, span = d.buckets * d.step_ns;
  function draw() {
    holder.textContent = ""; legend.textContent = "";
    var series = d[mode], W = Math.max(600, Math.min(1200, (el.clientWidth || 1000) - 10));
    var plotW = W - LEFT - RIGHT, bw = plotW / d.buckets;
    svg = X.svg("svg", { width: W, height: TOP + H + BOTTOM, id: "int-svg" });
    xOf = function (t) { return LEFT + Math.min(1, t / span) * plotW; };
    var max = 1;
    for (var b = 0; b < d.buckets; b++) {
      var s = 0;
      series.forEach(function (ln) { s += ln.values[b]; });
      if (s > max) max = s;
    }
    svg.appendChild(X.svg("line", { x1: LEFT, y1: TOP + H, x2: LEFT + plotW, y2: TOP + H, stroke: "#888" }));
    svg.appendChild(X.svg("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: TOP + H, stroke: "#888" }));
    var ystep = 1;
    while (ystep * 10 <= max) ystep *= 10;
    ystep = max / ystep >= 5 ? ystep * 2 : max / ystep >= 2.5 ? ystep : ystep > 1 ? ystep / 2 : 1;
    for (var yv = 0; yv <= max; yv += ystep) {
      var y = TOP + H - yv / max * H, tx = X.svg("text", { x: LEFT - 4, y: y + 3, "text-anchor": "end" });
      tx.textContent = String(yv);
      svg.appendChild(tx);
      svg.appendChild(X.svg("line", { x1: LEFT - 3, x2: LEFT, y1: y, y2: y, stroke: "#888" }));
    }
    var tick = 1;
    while (tick * 10 <= span / 4) tick *= 10;
    tick = span / tick > 20 ? tick * 5 : span / tick > 8 ? tick * 2 : tick;
    for (var t = 0; t <= span; t += tick) {
      var tx2 = X.svg("text", { x: xOf(t), y: TOP + H + 14, "text-anchor": t === 0 ? "start" : "middle" });
      tx2.textContent = X.time(t);
      svg.appendChild(tx2);
      svg.appendChild(X.svg("line", { x1: xOf(t), x2: xOf(t), y1: TOP + H, y2: TOP + H + 4, stroke: "#888" }));
    }
    var g = X.svg("g", { id: "int-bars" });
    for (var b2 = 0; b2 < d.buckets; b2++) {
      var y0 = TOP + H;
      series.forEach(function (ln, i) {
        var v = ln.values[b2];
        if (!v) return;
        var h = v / max * H;
        var r = X.svg("rect", { x: LEFT + b2 * bw, y: y0 - h, width: Math.max(0.5, bw - 0.3), height: h,
          fill: color(ln, i) });
        var tt = X.svg("title");
        tt.textContent = ln.label + ": " + v + " in " + X.time(b2 * d.step_ns) + "\u2013" + X.time((b2 + 1) * d.step_ns);
        r.appendChild(tt);
        g.appendChild(r);
        y0 -= h;
      });
    }
    svg.appendChild(g);
    var mg = X.svg("g", { id: "int-marks" });
    d.marks.forEach(function (m) {
      var cls = m.kind === "dmesg" && m.level !== "info" && m.level !== "debug" ? "mark-warn" : "mark-" + m.kind;
      var x = xOf(m.t), ln = X.svg("line", { x1: x, x2: x, y1: TOP, y2: TOP + H, "class": "mark " + cls });
      var tt = X.svg("title");
      tt.textContent = X.time(m.t) + " " + m.kind + ": " + m.text;
      ln.appendChild(tt);
      ln.addEventListener("click", function () { detail.textContent = X.time(m.t) + " " + m.kind + ": " + m.text; X.emit("time", m.t); });
      mg.appendChild(ln);
    });
    svg.appendChild(mg);
    svg.appendChild(X.svg("line", { id: "int-cursor", "class": "cursor", x1: 0, x2: 0, y1: TOP, y2: TOP + H, visibility: "hidden" }));
    holder.appendChild(svg);
    series.forEach(function (ln, i) {
      var sp = X.el("span"), sw = X.el("i");
      sw.style.background = color(ln, i);
      sp.appendChild(sw); sp.appendChild(document.createTextNode(ln.label));
      legend.appendChild(sp);
    });
    if (!series.length) legend.textContent = "no handler ran";
    moveCursor();
  }
  function moveCursor() {
    var c = document.getElementById("int-cursor");
    if (!c || cursorT === null) return;
    var x = xOf(cursorT);
    c.setAttribute("x1", x); c.setAttribute("x2", x); c.setAttribute("visibility", "visible");
  }
  X.on("snapshot", function (t) { cursorT = t; moveCursor(); });
  draw();
});
