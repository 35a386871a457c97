IRQLAB.section("vectors", function (d, el) {
  var X = IRQLAB, WINDOW = 64, LEFT = 46, TOP = 16, COUNTERS = 200;
  var CW = Math.max(2, Math.min(6, Math.floor(((el.clientWidth || 1200) - LEFT - COUNTERS) / d.vectors)));
  var CH = d.cpus <= 8 ? 14 : d.cpus <= 32 ? 8 : 6;
  var names = {};
  d.states.forEach(function (s) { names[s[0]] = s[1]; });
  var decoded = d.rows.map(function (r) {
    var out = [], re = /([a-z])(\d+)/g, m;
    while ((m = re.exec(r)) !== null) for (var i = 0; i < +m[2]; i++) out.push(m[1]);
    return out;
  });
  var owners = {};
  d.owners.forEach(function (o) { owners[o[0] + ":" + o[1]] = o[2]; });
  var cur = d.snapshots.length - 1, first = 0;

  var controls = X.el("div", { "class": "controls" });
  var prev = X.el("button", { type: "button" }, "\u25c0");
  var slider = X.el("input", { type: "range", id: "vec-slider", min: 0, max: d.snapshots.length - 1, value: cur, step: 1 });
  var next = X.el("button", { type: "button" }, "\u25b6");
  var stamp = X.el("span", { "class": "stamp", id: "vec-stamp" });
  controls.appendChild(X.el("label", { "for": "vec-slider" }, "time:"));
  [prev, slider, next, stamp].forEach(function (e) { controls.appendChild(e); });
  el.appendChild(controls);
  if (d.cpus > WINDOW) {
    var pick = X.el("div", { "class": "controls" });
    pick.appendChild(X.el("label", null, "CPUs from"));
    var from = X.el("input", { type: "number", min: 0, max: d.cpus - 1, step: WINDOW, value: 0, id: "vec-first" });
    pick.appendChild(from);
    pick.appendChild(X.el("span", { "class": "muted" }, "(" + WINDOW + " of " + d.cpus + " CPUs drawn at a time)"));
    from.addEventListener("change", function () { first = Math.max(0, Math.min(d.cpus - 1, +from.value || 0)); build(); });
    el.appendChild(pick);
  }
  var legend = X.el("div", { "class": "legend" });
  d.states.forEach(function (s) {
    var sp = X.el("span"), sw = X.el("i", { "class": "sw" });
    sp.appendChild(sw); sp.appendChild(document.createTextNode(s[1] + " (" + s[0] + ")"));
    legend.appendChild(sp);
  });
  el.appendChild(legend);
  var holder = X.el("div");
  el.appendChild(holder);
  var detail = X.el("div", { "class": "detail", id: "vec-detail" }, "\u00a0");
  var totals = X.el("div", { "class": "muted", id: "vec-totals" });
  el.appendChild(detail);
  el.appendChild(totals);

  var svg, cells = [], counters = [], rowLabels = [], nrows = 0;
  function build() {
    holder.textContent = "";
    nrows = Math.min(WINDOW, d.cpus - first);
    var w = LEFT + d.vectors * CW + COUNTERS, h = TOP + nrows * CH + 4;
    svg = X.svg("svg", { width: w, height: h, id: "vec-svg", "data-cpus": nrows, "data-vectors": d.vectors });
    for (var v = 0; v < d.vectors; v += 32) {
      var tx = X.svg("text", { x: LEFT + v * CW, y: 11 });
      tx.textContent = "0x" + v.toString(16);
      svg.appendChild(tx);
    }
    cells = []; counters = []; rowLabels = [];
    for (var r = 0; r < nrows; r++) {
      var c = first + r, y = TOP + r * CH;
      // Rows too thin for a label each are labelled every 8 CPUs.
      var lb = X.svg("text", { x: 2, y: y + CH - 2 });
      lb.textContent = CH >= 8 || c % 8 === 0 ? "CPU" + c : "";
      svg.appendChild(lb);
      rowLabels.push(lb);
      var row = [];
      for (var v2 = 0; v2 < d.vectors; v2++) {
        var rect = X.svg("rect", { x: LEFT + v2 * CW, y: y, width: CW - (CW > 3 ? 0.5 : 0), height: CH - 1, "class": "cell st-f" });
        svg.appendChild(rect);
        row.push(rect);
      }
      cells.push(row);
      var ct = X.svg("text", { x: LEFT + d.vectors * CW + 6, y: y + CH - 2, visibility: CH >= 8 || c % 8 === 0 ? "visible" : "hidden" });
      svg.appendChild(ct);
      counters.push(ct);
    }
    svg.addEventListener("mousemove", hover);
    svg.addEventListener("click", hover);
    holder.appendChild(svg);
    show(cur, true);
  }
  function hover(ev) {
    var b = svg.getBoundingClientRect();
    var v = Math.floor((ev.clientX - b.left - LEFT) / CW), r = Math.floor((ev.clientY - b.top - TOP) / CH);
    if (v < 0 || v >= d.vectors || r < 0 || r >= nrows) return;
    var c = first + r, s = decoded[d.snapshots[cur].rows[c]][v];
    var txt = "CPU " + c + ", vector " + v + " (0x" + v.toString(16) + "): " + names[s];
    if (cur === d.snapshots.length - 1 && owners[c + ":" + v] !== undefined) txt += " \u2014 " + d.irq_names[owners[c + ":" + v]];
    detail.textContent = txt;
  }
  function show(i, force) {
    var snap = d.snapshots[i], before = d.snapshots[cur];
    var off = {};
    snap.offline.forEach(function (c) { off[c] = true; });
    for (var r = 0; r < nrows; r++) {
      var c = first + r, ri = snap.rows[c];
      if (force || ri !== before.rows[c]) {
        var states = decoded[ri];
        for (var v = 0; v < d.vectors; v++) cells[r][v].setAttribute("class", "cell st-" + states[v]);
      }
      var n = { a: 0, m: 0, r: 0, f: 0 };
      decoded[ri].forEach(function (s) { if (n[s] !== undefined) n[s]++; });
      counters[r].textContent = (off[c] ? "offline " : "") + "alloc " + (n.a + n.m) + " man " + (n.m + n.r) + " avl " + n.f;
      rowLabels[r].setAttribute("class", off[c] ? "offline-label" : "");
      rowLabels[r].style.fill = off[c] ? "#cf222e" : "";
    }
    cur = i;
    slider.value = i;
    stamp.textContent = "[" + (i + 1) + "/" + d.snapshots.length + "] " + X.time(snap.t) + " " + snap.kind + ": " + snap.label;
    totals.textContent = "global: " + snap.total_allocated + " allocated, " + snap.global_available + " available, " +
        snap.global_reserved + " reserved (reservation mode)" +
        (d.snapshots_dropped ? "; " + d.snapshots_dropped + " later actions/log lines have no snapshot" : "");
    X.emit("snapshot", snap.t);
  }
  slider.addEventListener("input", function () { show(+slider.value, false); });
  prev.addEventListener("click", function () { if (cur > 0) show(cur - 1, false); });
  next.addEventListener("click", function () { if (cur < d.snapshots.length - 1) show(cur + 1, false); });
  X.on("time", function (t) {
    var best = 0;
    for (var i = 0; i < d.snapshots.length; i++) if (d.snapshots[i].t <= t) best = i;
    show(best, false);
  });
  // Legend swatches take the cell colours from the stylesheet.
  var sws = legend.querySelectorAll("i");
  d.states.forEach(function (s, i) {
    var probe = X.svg("svg", { width: 0, height: 0 }), r = X.svg("rect", { "class": "st-" + s[0] });
    probe.appendChild(r); document.body.appendChild(probe);
    sws[i].style.background = getComputedStyle(r).fill;
    document.body.removeChild(probe);
  });
  build();
});
