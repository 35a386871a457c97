IRQLAB.section("summary", function (d, el) {
  var X = IRQLAB;
  var p = X.el("p");
  p.appendChild(X.el("span", { "class": d.ok ? "ok" : "bad", id: "verdict" }, d.verdict));
  p.appendChild(document.createTextNode("  scenario " + d.scenario + ", seed " + d.seed +
      (d.schedule ? ", schedule " + d.schedule : "") + ", " + d.cpus + (d.cpus === 1 ? " CPU" : " CPUs") +
      ", ended at " + X.time(d.end_ns) + ", " + d.events + " events"));
  el.appendChild(p);
  el.appendChild(X.el("p", { id: "kernel" }, d.kernel));
  if (d.failed_expectations.length) {
    var ul = X.el("ul");
    d.failed_expectations.forEach(function (f) { ul.appendChild(X.el("li", { "class": "bad" }, f)); });
    el.appendChild(ul);
  }
  el.appendChild(X.el("h3", null, "Devices"));
  el.appendChild(X.table(["device", "bdf", "completed", "outstanding", "msgs-sent", "msgs-held"],
      d.devices.map(function (v) { return [v.id, v.bdf, v.completed, v.outstanding, v.messages_sent, v.messages_held_pending]; }),
      [0, 0, 1, 1, 1, 1]));
  // A long table starts folded, so that the pictures stay near the top.
  var irqs = X.el("details", { id: "irq-table" });
  if (d.irqs.length <= 16) irqs.setAttribute("open", "");
  irqs.appendChild(X.el("summary", null, "Interrupts (" + (d.irqs.length + d.irqs_omitted) +
      "; delivered = handler runs counted, as /proc/interrupts)"));
  irqs.appendChild(X.table(["name", "irq", "action", "delivered", "spurious", "affinity", "effective"],
      d.irqs.map(function (q) { return [q.name, q.irq, q.action || "-", q.delivered, q.spurious, q.affinity || "-", q.effective || "-"]; }),
      [0, 1, 0, 1, 1, 0, 0]));
  if (d.irqs_omitted) irqs.appendChild(X.el("p", { "class": "muted" }, "... and " + d.irqs_omitted + " more interrupts"));
  el.appendChild(irqs);
  var marks = d.marks.slice().sort(function (a, b) { return a.t - b.t; });
  var kinds = [["violation", "Violations"], ["action", "Actions"], ["dmesg", "Kernel log"]];
  kinds.forEach(function (k) {
    var list = marks.filter(function (m) { return m.kind === k[0]; });
    var det = X.el("details", { "class": "log", id: "log-" + k[0] });
    if (k[0] !== "dmesg" || list.length < 40) det.setAttribute("open", "");
    det.appendChild(X.el("summary", null, k[1] + " (" + list.length + ")"));
    var ul = X.el("ul", { "class": "marklist" });
    list.forEach(function (m) {
      ul.appendChild(X.el("li", { "class": "k-" + m.kind }, (m.kind === "dmesg" ? "" : X.time(m.t) + "  ") + m.text));
    });
    det.appendChild(ul);
    el.appendChild(det);
  });
});
