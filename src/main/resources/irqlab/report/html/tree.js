IRQLAB.section("tree", function (d, el) {
  var X = IRQLAB;
  var kids = d.domains.map(function () { return []; });
  d.domains.forEach(function (n, i) { if (n.parent >= 0) kids[n.parent].push(i); });
  function node(i) {
    var n = d.domains[i];
    var li = X.el("li", { "data-domain": n.name });
    var det = X.el("details", { open: "" });
    var sum = X.el("summary");
    sum.appendChild(X.el("span", { "class": "dom" }, n.name));
    n.chips.forEach(function (c) { sum.appendChild(X.el("span", { "class": "chip" }, c)); });
    sum.appendChild(X.el("span", { "class": "role" }, "mapped " + n.mapped + (n.through ? ", " + n.through + " irqs through it" : "") +
        (n.role ? " \u2014 " + n.role : "")));
    det.appendChild(sum);
    if (n.irqs.length) {
      var rows = n.irqs.map(function (q) {
        return [q.irq, q.name, q.levels.length ? q.levels[0][2] : "-",
          q.levels.map(function (l) { return l[1]; }).join(" \u2192 "),
          q.vector >= 0 ? "0x" + q.vector.toString(16) + " on CPU " + q.cpu : "none", q.effective || "-", q.action || "-"];
      });
      var t = X.table(["irq", "name", "hwirq", "chips (outer \u2192 APIC)", "vector", "effective", "action"], rows, [1, 0, 1, 0, 0, 0, 0]);
      t.setAttribute("class", "irqs");
      var fold = X.el("details", { "class": "irqs" });
      if (n.irqs.length <= 16) fold.setAttribute("open", "");
      fold.appendChild(X.el("summary", null, (n.irqs.length + n.irqs_omitted) + " irqs"));
      fold.appendChild(t);
      if (n.irqs_omitted) fold.appendChild(X.el("div", { "class": "muted" }, "... and " + n.irqs_omitted + " more irqs"));
      det.appendChild(fold);
    }
    if (kids[i].length) {
      var ul = X.el("ul");
      kids[i].forEach(function (k) { ul.appendChild(node(k)); });
      det.appendChild(ul);
    }
    li.appendChild(det);
    return li;
  }
  var root = X.el("ul", { "class": "tree" });
  d.domains.forEach(function (n, i) { if (n.parent < 0) root.appendChild(node(i)); });
  el.appendChild(root);
});
