// Interactive risk diagram: tooltips on hover and keyboard focus; click (or Enter) highlights a
// scenario in every diagram and its rows in the tables; legend buttons highlight a theme.
// Self-contained: no library, no network.
(function () {
  "use strict";
  var tip = document.getElementById("tooltip");
  var points = Array.prototype.slice.call(document.querySelectorAll("svg.risk-diagram [data-scenario]"));
  var selected = null;

  function text(tag, value) {
    var el = document.createElement(tag);
    el.textContent = value;
    return el;
  }

  function show(point) {
    var d = point.dataset;
    tip.innerHTML = "";
    tip.appendChild(text("strong", d.title));
    tip.appendChild(text("div", d.scenario + " · " + d.theme));
    tip.appendChild(text("div", (tip.dataset.impact || "Impact") + ": " + d.impact));
    tip.appendChild(text("div", (tip.dataset.likelihood || "Likelihood") + ": " + d.likelihood));
    if (d.provisional === "1") { tip.appendChild(text("div", "† " + (tip.dataset.provisional || ""))); }
    tip.hidden = false;
    var box = point.getBoundingClientRect();
    var left = window.scrollX + box.right + 10;
    var top = window.scrollY + box.top - 6;
    if (left + tip.offsetWidth > window.scrollX + document.documentElement.clientWidth) {
      left = window.scrollX + box.left - tip.offsetWidth - 10;
    }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function hide() { tip.hidden = true; }

  function highlight(id) {
    selected = selected === id ? null : id;
    document.querySelectorAll("svg.risk-diagram").forEach(function (svg) {
      svg.classList.toggle("dimmed", selected !== null);
    });
    points.forEach(function (p) { p.classList.toggle("selected", p.dataset.scenario === selected); });
    document.querySelectorAll("svg.risk-diagram .label").forEach(function (l) {
      l.classList.toggle("selected", l.dataset.label === selected);
    });
    document.querySelectorAll("tr[data-row]").forEach(function (row) {
      row.classList.toggle("selected", row.dataset.row === selected);
    });
  }

  function theme(name) {
    selected = null;
    document.querySelectorAll("svg.risk-diagram").forEach(function (svg) {
      svg.classList.toggle("dimmed", !!name);
    });
    points.forEach(function (p) { p.classList.toggle("selected", !!name && p.dataset.theme === name); });
    document.querySelectorAll("svg.risk-diagram .label").forEach(function (l) { l.classList.remove("selected"); });
  }

  var first = document.querySelector("figure .legend");
  points.forEach(function (p) {
    p.addEventListener("mouseenter", function () { show(p); });
    p.addEventListener("mouseleave", hide);
    p.addEventListener("focus", function () { show(p); });
    p.addEventListener("blur", hide);
    p.addEventListener("click", function () { highlight(p.dataset.scenario); });
    p.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); highlight(p.dataset.scenario); }
    });
  });
  document.querySelectorAll("[data-theme-filter]").forEach(function (button) {
    button.addEventListener("click", function () { theme(button.dataset.themeFilter); });
  });
  var labels = document.querySelector("[data-tooltip-labels]");
  if (labels) {
    tip.dataset.impact = labels.dataset.impact;
    tip.dataset.likelihood = labels.dataset.likelihood;
    tip.dataset.provisional = labels.dataset.provisional;
  }
  if (first) { first.dataset.ready = "1"; }
  document.documentElement.dataset.diagramReady = String(points.length);
})();
