IRQLAB.section("interleaving", function (d, el) {
  // A replayed schedule as swimlanes: one lane per actor, one column per event in schedule order.
  var X = IRQLAB, CW = 11, LH = 20, TOP = 30;
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_", val = {};
  for (var q = 0; q < DIGITS.length; q++) val[DIGITS.charAt(q)] = q;
  var n = d.count, desc = new Array(n), step = new Array(n), time = new Array(n);
  (function decode() {
    var s = d.step0, ji = 0, ti = 0, t = 0;
    for (var i = 0; i < n; i++) {
      var k = 0;
      for (var p = 0; p < d.width; p++) k = k * 64 + val[d.desc.charAt(i * d.width + p)];
      desc[i] = k;
      var c = d.steps.charAt(i);
      if (c === "_") s = d.step_jumps[ji++][1]; else if (i > 0) s += val[c];
      step[i] = s;
      if (ti < d.times.length && d.times[ti][0] === i) t = d.times[ti++][1];
      time[i] = t;
    }
  })();
  var laneOf = {}, cpuLane = {}, longest = 0;
  function laneName(a) {
    return a.name + (a.kind === "cpu" ? "" : " (" + a.kind + (a.cpu !== undefined ? ", CPU " + a.cpu : "") + ")") + " \u00b7 " + a.events;
  }
  d.actors.forEach(function (a, i) {
    laneOf[a.id] = i;
    if (a.kind === "cpu") cpuLane[a.cpu] = i;
    longest = Math.max(longest, laneName(a).length);
  });
  // Lane labels are 11px monospace: about 6.7px a character.
  var LABEL = Math.max(120, Math.ceil(longest * 6.7) + 14);
  function ev(i) { return d.descs[desc[i]]; }
  // Virtual time to the nanosecond, as --trace prints it (5.004604ms): steps often differ by less than 1us.
  function exact(ns) {
    var units = [[1e9, "s", 9], [1e6, "ms", 6], [1e3, "us", 3]];
    for (var u = 0; u < units.length; u++) {
      if (ns >= units[u][0]) {
        var frac = String(ns % units[u][0]).padStart(units[u][2], "0").replace(/0+$/, "");
        return Math.floor(ns / units[u][0]) + (frac ? "." + frac : "") + units[u][1];
      }
    }
    return ns + "ns";
  }
  function inRange(seq) { return seq >= d.first && seq < d.first + n; }

  // Verdict and violations, each linked to the step that shows it.
  var head = X.el("p");
  head.appendChild(X.el("span", { "class": d.kinds.length ? "bad" : "ok", id: "il-verdict" }, d.verdict));
  el.appendChild(head);
  el.appendChild(X.el("p", { "class": "muted" }, "schedule " + d.schedule + " of " + d.scenario + ": " + d.total +
      " events of " + d.actors.length + " actors, one lane each, in the order the schedule ran them" +
      (d.total > n ? "; events " + d.first + "\u2013" + (d.first + n - 1) + (d.focus >= 0 ? " (around the first violation)" :
      " (the first " + n + ")") + " are drawn one by one, the overview counts all" : "")));
  if (d.violations.length) {
    var vl = X.el("ul", { "class": "marklist", id: "il-violations" });
    d.violations.forEach(function (v, i) {
      var li = X.el("li", { "class": "k-violation" });
      if (v.seq >= 0 && inRange(v.seq)) {
        var a = X.el("a", { href: "#interleaving", "data-violation": i, "data-seq": v.seq }, v.text);
        a.addEventListener("click", function (e) { e.preventDefault(); select(v.seq - d.first, true); });
        li.appendChild(a);
        if (!v.own_step) li.appendChild(X.el("span", { "class": "muted" }, "  (found at quiescence: no step of its own; shows the last step before)"));
      } else {
        li.appendChild(document.createTextNode(v.text));
        li.appendChild(X.el("span", { "class": "muted" }, v.seq < 0 ? "  (no step of the trace shows it)" : "  (outside the steps drawn)"));
      }
      vl.appendChild(li);
    });
    el.appendChild(vl);
  }

  // Controls: the position of the drawn columns, the violation, and the --trace selection.
  var only = d.window.filter(inRange).map(function (s) { return s - d.first; });
  var order = null; // null: every event; else the indices drawn
  var key = {};
  only.forEach(function (i) { key[i] = true; });
  var controls = X.el("div", { "class": "controls" });
  var prev = X.el("button", { type: "button", id: "il-prev" }, "\u25c0");
  var slider = X.el("input", { type: "range", id: "il-slider", min: 0, value: 0, step: 1 });
  var next = X.el("button", { type: "button", id: "il-next" }, "\u25b6");
  var toViolation = X.el("button", { type: "button", id: "il-focus" }, "first violation");
  var onlyBox = X.el("input", { type: "checkbox", id: "il-only" });
  var onlyLabel = X.el("label", { "for": "il-only" }, "only the " + only.length + " steps --trace draws");
  var stamp = X.el("span", { "class": "stamp", id: "il-stamp" });
  controls.appendChild(X.el("label", { "for": "il-slider" }, "events:"));
  [prev, slider, next].forEach(function (e) { controls.appendChild(e); });
  if (d.focus >= 0 && inRange(d.focus)) controls.appendChild(toViolation);
  if (only.length) { controls.appendChild(onlyBox); controls.appendChild(onlyLabel); }
  controls.appendChild(stamp);
  el.appendChild(controls);

  // Overview: every event of the schedule, counted per lane.
  var OH = d.actors.length <= 24 ? 8 : 4;
  var B = d.overview.buckets, OW = Math.max(1, Math.floor(((el.clientWidth || 1200) - LABEL - 10) / B));
  var ov = X.svg("svg", { id: "il-overview", width: LABEL + B * OW + 4, height: d.actors.length * OH + 4 });
  function xOfSeq(seq) { return LABEL + seq * B / Math.max(1, d.total) * OW; }
  if (d.total > n) {
    ov.appendChild(X.svg("rect", { x: xOfSeq(d.first), y: 0, width: Math.max(1, xOfSeq(d.first + n) - xOfSeq(d.first)),
      height: d.actors.length * OH + 4, "class": "ov-drawn" }));
  }
  d.overview.lanes.forEach(function (row, l) {
    var lb = X.svg("text", { x: 2, y: l * OH + OH + 1, "class": "ov-label" });
    lb.textContent = OH >= 8 ? d.actors[l].name : "";
    ov.appendChild(lb);
    for (var b = 0; b < row.length; b++) {
      var lv = +row.charAt(b);
      if (lv) ov.appendChild(X.svg("rect", { x: LABEL + b * OW, y: l * OH + 2, width: OW, height: OH - 1,
        "class": "ov-cell", "fill-opacity": (0.15 + 0.85 * lv / 9).toFixed(2) }));
    }
  });
  var viewRect = X.svg("rect", { id: "il-view", y: 0, height: d.actors.length * OH + 4, "class": "ov-view" });
  ov.appendChild(viewRect);
  d.marks.forEach(function (s) {
    ov.appendChild(X.svg("line", { x1: xOfSeq(s), x2: xOfSeq(s), y1: 0, y2: d.actors.length * OH + 4, "class": "ov-mark" }));
  });
  ov.addEventListener("click", function (e) {
    var bx = ov.getBoundingClientRect(), seq = Math.floor((e.clientX - bx.left - LABEL) / OW * d.total / B);
    seq = Math.max(d.first, Math.min(d.first + n - 1, seq));
    if (order) setOrder(null);
    go(seq - d.first - Math.floor(cols / 2));
  });
  el.appendChild(ov);

  // The lanes.
  var cols = Math.max(20, Math.floor(((el.clientWidth || 1200) - LABEL - 12) / CW));
  var svg = X.svg("svg", { id: "il-lanes", width: LABEL + cols * CW + 8, height: TOP + d.actors.length * LH + 4, tabindex: 0 });
  d.actors.forEach(function (a, l) {
    svg.appendChild(X.svg("rect", { x: 0, y: TOP + l * LH, width: LABEL + cols * CW + 8, height: LH, "class": l % 2 ? "lane odd" : "lane" }));
    var lb = X.svg("text", { x: 4, y: TOP + l * LH + LH - 6, "class": "lane-label", "data-actor": a.id });
    lb.textContent = laneName(a);
    svg.appendChild(lb);
  });
  var g = X.svg("g", { id: "il-steps" });
  svg.appendChild(g);
  var scroller = X.el("div", { "class": "il-scroll" });
  scroller.appendChild(svg);
  el.appendChild(scroller);
  var legend = X.el("div", { "class": "legend" });
  [["ev-s", "starts work"], ["ev-r", "read"], ["ev-w", "write"], ["ev-l", "lock / sync"], ["ev-p", "other point"],
   ["ev-in", "irq entry"], ["ev-out", "irq exit"], ["ev-h", "handler"], ["ev-hn", "handler: IRQ_NONE"],
   ["ev-m", "message (\u2192 its CPU)"], ["ev-mbad", "message astray"], ["ev-mx", "message dropped/blocked"],
   ["ev-v", "violation"], ["key", "outlined: a step --trace draws"]].forEach(function (k) {
    var sp = X.el("span"), sw = X.el("i", { "class": "sw-" + k[0] });
    sp.appendChild(sw); sp.appendChild(document.createTextNode(k[1]));
    legend.appendChild(sp);
  });
  el.appendChild(legend);
  var detail = X.el("div", { "class": "detail", id: "il-detail" });
  el.appendChild(detail);

  function cls(e) {
    switch (e.type) {
      case "start": return "ev-s";
      case "irq_entry": return "ev-in";
      case "irq_exit": return "ev-out";
      case "handler": return e.handler.result === "IRQ_NONE" ? "ev-hn" : "ev-h";
      case "violation": return "ev-v";
      case "message":
        if (e.message.misrouted || (e.message.cpu !== undefined && e.message.landed_irq < 0)) return "ev-mbad";
        return e.message.cpu === undefined ? "ev-mx" : "ev-m";
      default:
        if (!e.resource) return "ev-p";
        return e.access === "read" ? "ev-r" : e.access === "write" ? "ev-w" : "ev-l";
    }
  }
  function len() { return order ? order.length : n; }
  function at(pos) { return order ? order[pos] : pos; }
  function posOf(i) { return order ? order.indexOf(i) : i; }
  var start = 0, sel = -1;
  slider.setAttribute("max", Math.max(0, len() - cols));

  function draw() {
    g.textContent = "";
    var lastLabel = -1e9, prevIdx = -1, selX = -1, xs = {};
    for (var j = 0; j < cols && start + j < len(); j++) {
      var i = at(start + j), e = ev(i), l = laneOf[e.actor], x = LABEL + j * CW, y = TOP + l * LH;
      xs[i] = x;
      if (prevIdx < 0 || time[i] !== time[prevIdx]) {
        if (x - lastLabel >= 64 && x <= LABEL + cols * CW - 56) {
          var tt = X.svg("text", { x: x, y: 11, "class": "il-time" });
          tt.textContent = exact(time[i]);
          g.appendChild(tt);
          lastLabel = x;
        }
        g.appendChild(X.svg("line", { x1: x, x2: x, y1: 14, y2: TOP - 2, "class": "il-tick" }));
      }
      if (prevIdx >= 0 && i > prevIdx + 1) {
        var gap = X.svg("line", { x1: x, x2: x, y1: TOP, y2: TOP + d.actors.length * LH, "class": "il-gap" });
        var gt = X.svg("title");
        gt.textContent = (i - prevIdx - 1) + " events not drawn";
        gap.appendChild(gt);
        g.appendChild(gap);
      }
      if (e.message && e.message.cpu !== undefined && cpuLane[e.message.cpu] !== undefined) {
        var ty = TOP + cpuLane[e.message.cpu] * LH + LH / 2;
        g.appendChild(X.svg("line", { x1: x + CW / 2, x2: x + CW / 2, y1: y + LH / 2, y2: ty,
          "class": "il-arrow" + (cls(e) === "ev-mbad" ? " bad" : "") }));
        g.appendChild(X.svg("circle", { cx: x + CW / 2, cy: ty, r: 2.5, "class": "il-arrow-end" + (cls(e) === "ev-mbad" ? " bad" : "") }));
      }
      var r = X.svg("rect", { x: x + 1, y: y + 3, width: CW - 2, height: LH - 6,
        "class": "ev " + cls(e) + (key[i] && !order ? " key" : "") + (i === sel ? " sel" : ""), "data-seq": d.first + i, "data-actor": e.actor });
      var ti = X.svg("title");
      ti.textContent = "#" + (d.first + i) + " step " + step[i] + " at " + exact(time[i]) + ", " + d.actors[l].name + ": " + e.label;
      r.appendChild(ti);
      r.addEventListener("click", (function (k) { return function () { select(k, false); }; })(i));
      g.appendChild(r);
      if (i === sel) selX = x;
      prevIdx = i;
    }
    if (selX >= 0) {
      g.insertBefore(X.svg("line", { x1: selX + CW / 2, x2: selX + CW / 2, y1: TOP, y2: TOP + d.actors.length * LH,
        "class": "cursor", id: "il-cursor" }), g.firstChild);
      var se = ev(sel);
      if (se.cause !== undefined && xs[se.cause - d.first] !== undefined) {
        var cx = xs[se.cause - d.first] + CW / 2, cy = TOP + laneOf[ev(se.cause - d.first).actor] * LH + LH / 2;
        var sx = selX + CW / 2, sy = TOP + laneOf[se.actor] * LH + LH / 2;
        g.appendChild(X.svg("path", { d: "M" + sx + " " + sy + " C" + sx + " " + (TOP - 4) + " " + cx + " " + (TOP - 4) + " " + cx + " " + cy,
          "class": "il-cause", id: "il-cause" }));
      }
    }
    var last = at(Math.min(len(), start + cols) - 1), firstShown = at(start);
    stamp.textContent = len() ? "events " + (d.first + firstShown) + "\u2013" + (d.first + last) + " of " + d.total +
        " (steps " + step[firstShown] + "\u2013" + step[last] + ", " + exact(time[firstShown]) + "\u2013" + exact(time[last]) + ")" : "no events";
    slider.value = start;
    viewRect.setAttribute("x", xOfSeq(d.first + firstShown));
    viewRect.setAttribute("width", Math.max(3, xOfSeq(d.first + last + 1) - xOfSeq(d.first + firstShown)));
  }
  function go(s) {
    start = Math.max(0, Math.min(Math.max(0, len() - cols), s));
    draw();
  }
  function setOrder(o) {
    order = o;
    onlyBox.checked = !!o;
    slider.setAttribute("max", Math.max(0, len() - cols));
  }
  function row(t, k, v) {
    var tr = X.el("tr");
    tr.appendChild(X.el("th", null, k));
    var td = X.el("td");
    if (v instanceof Node) td.appendChild(v); else td.textContent = String(v);
    tr.appendChild(td);
    t.appendChild(tr);
  }
  // Values beyond 2^53 come as hex strings: a JavaScript number would round them.
  function hex(v) { return typeof v === "string" ? v : "0x" + v.toString(16) + " (" + v + ")"; }
  function showDetail(i) {
    var e = ev(i), t = X.el("table", { "class": "kv" });
    detail.textContent = "";
    detail.setAttribute("data-seq", d.first + i);
    detail.appendChild(X.el("p", { "class": e.type === "violation" || cls(e) === "ev-mbad" ? "bad" : "" }, e.label));
    row(t, "event", "#" + (d.first + i) + " (step " + step[i] + " of the schedule)");
    row(t, "time", exact(time[i]));
    var a = d.actors[laneOf[e.actor]];
    row(t, "actor", a.name + " (actor " + a.id + ", " + a.kind + (a.cpu !== undefined ? ", CPU " + a.cpu : "") + ")");
    row(t, "type", e.type);
    row(t, "what", e.what);
    if (e.resource) {
      row(t, "resource", e.resource);
      if (e.target) row(t, "target", e.target);
      row(t, "access", e.access + (e.unit >= 0 ? " (conflict unit " + e.unit + ")" : ""));
    }
    if (e.value !== undefined) row(t, "value", hex(e.value));
    if (e.message) {
      var m = e.message;
      row(t, "device", m.device);
      row(t, "address / data", "0x" + m.address.toString(16) + " / 0x" + m.data.toString(16));
      row(t, "outcome", m.outcome + (m.cpu !== undefined ? ": CPU " + m.cpu + ", vector " + m.vector : ""));
      if (m.intended) row(t, "sent for", m.intended);
      if (m.cpu !== undefined) row(t, "landed on", m.landed || "no irq handler");
      if (m.misrouted) row(t, "misrouted", "yes");
    }
    if (e.handler) {
      row(t, "irq", e.handler.irq + (e.handler.name ? " " + e.handler.name : "") + (e.handler.action ? " (" + e.handler.action + ")" : ""));
      row(t, "handler ran on", "CPU " + e.handler.cpu + ", returned " + e.handler.result);
    }
    if (e.detail) row(t, "detail", e.detail);
    if (e.cause !== undefined) {
      var c = X.el("a", { href: "#interleaving", id: "il-cause-link" }, "event #" + e.cause + ": " +
          (inRange(e.cause) ? ev(e.cause - d.first).label : "(not drawn)"));
      c.addEventListener("click", function (ev2) { ev2.preventDefault(); if (inRange(e.cause)) select(e.cause - d.first, true); });
      row(t, "caused by", c);
    }
    d.violations.forEach(function (v) {
      if (v.seq === d.first + i) row(t, "violation", v.text);
    });
    detail.appendChild(t);
  }
  // Selecting a step shows its details and moves the heat map and the chart to its time.
  function select(i, scroll) {
    if (order && order.indexOf(i) < 0) setOrder(null);
    sel = i;
    var p = posOf(i);
    if (p < start || p >= start + cols) start = p - Math.floor(cols * 3 / 4);
    go(start);
    showDetail(i);
    X.emit("time", time[i]);
    if (scroll) svg.scrollIntoView({ block: "nearest" });
  }

  slider.addEventListener("input", function () { go(+slider.value); });
  prev.addEventListener("click", function () { go(start - cols); });
  next.addEventListener("click", function () { go(start + cols); });
  toViolation.addEventListener("click", function () { select(d.focus - d.first, true); });
  onlyBox.addEventListener("change", function () {
    setOrder(onlyBox.checked ? only : null);
    if (sel >= 0 && posOf(sel) >= 0) { var p = posOf(sel); start = p - Math.floor(cols * 3 / 4); }
    else start = 0;
    go(start);
  });
  // Arrow keys in the lanes step the selection through the drawn order.
  svg.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    e.preventDefault();
    var p = sel < 0 ? start : posOf(sel) + (e.key === "ArrowRight" ? 1 : -1);
    if (p >= 0 && p < len()) select(at(p), false);
  });
  if (d.focus >= 0 && inRange(d.focus)) {
    sel = d.focus - d.first;
    start = sel - Math.floor(cols * 3 / 4);
    showDetail(sel);
  }
  go(start);
});
