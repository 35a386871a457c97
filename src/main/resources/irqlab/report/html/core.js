"use strict";
// irqlab report core: each section registers a renderer for its data block; start() runs them.
var IRQLAB = {
  renderers: {},
  hooks: [],
  section: function (id, fn) { this.renderers[id] = fn; },
  start: function () {
    var secs = document.querySelectorAll("section[data-section]");
    for (var i = 0; i < secs.length; i++) {
      var id = secs[i].getAttribute("data-section");
      var fn = this.renderers[id];
      if (!fn) { console.error("irqlab: no renderer for section " + id); continue; }
      var data = JSON.parse(document.getElementById("data-" + id).textContent);
      fn(data, secs[i].querySelector(".body"));
    }
    document.body.setAttribute("data-ready", "1");
  },
  // Sections talk through named events: "time" (a time in ns was picked), "snapshot" (slider moved).
  on: function (name, fn) { this.hooks.push([name, fn]); },
  emit: function (name, arg) { this.hooks.forEach(function (h) { if (h[0] === name) h[1](arg); }); },
  el: function (tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  },
  svg: function (tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  },
  // Virtual time as irqlab prints it: the largest unit that keeps an integer part (1.5ms, 250us).
  time: function (ns) {
    var units = [[1e9, "s"], [1e6, "ms"], [1e3, "us"]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(ns) >= units[i][0]) return +(ns / units[i][0]).toFixed(3) + units[i][1];
    }
    return ns + "ns";
  },
  table: function (head, rows, numeric) {
    var t = this.el("table"), tr = this.el("tr");
    head.forEach(function (h, i) { tr.appendChild(IRQLAB.el("th", numeric && numeric[i] ? { "class": "n" } : null, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = IRQLAB.el("tr");
      r.forEach(function (c, i) { row.appendChild(IRQLAB.el("td", numeric && numeric[i] ? { "class": "n" } : null, c)); });
      t.appendChild(row);
    });
    return t;
  }
};
