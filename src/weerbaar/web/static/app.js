// The dashboard's interactive risk diagram (Plotly, served from the installed package).
(function () {
  "use strict";
  const box = document.getElementById("diagram");
  if (!box) { return; }
  const cycle = box.dataset.cycle;
  const lang = box.dataset.lang;
  const pick = (id) => document.getElementById(id);
  let data = null;

  function visible(p) {
    const theme = pick("f-theme").value, interest = pick("f-interest").value, type = pick("f-type").value;
    if (theme && p.theme !== theme) { return false; }
    if (type && p.type !== type) { return false; }
    if (interest && !(data.interests[p.id] || []).includes(interest)) { return false; }
    return true;
  }

  function traces() {
    const out = [];
    const shown = data.points.filter(visible);
    const ids = new Set(shown.map((p) => p.id));
    const ranges = pick("t-ranges").checked;
    if (pick("t-parent").checked && data.parent.length) {
      const par = data.parent.filter((p) => ids.has(p.id));
      out.push({type: "scatter", mode: "markers", name: box.dataset.parent, x: par.map((p) => p.x),
                y: par.map((p) => p.y), marker: {color: "#9a9a9a", size: 7},
                text: par.map((p) => p.title), hoverinfo: "text", customdata: par.map((p) => p.id)});
    }
    for (const theme of data.themes) {
      const pts = shown.filter((p) => p.theme === theme.id);
      if (!pts.length) { continue; }
      const trace = {type: "scatter", mode: "markers", name: theme.name, x: pts.map((p) => p.x), y: pts.map((p) => p.y),
                     customdata: pts.map((p) => p.id), text: pts.map((p) => p.title + " (" + p.id + ")"),
                     hoverinfo: "text", marker: {color: theme.colour, size: 11,
                     line: {color: pts.map((p) => p.provisional ? theme.colour : "#ffffff"), width: 1.5},
                     symbol: pts.map((p) => p.provisional ? "circle-open" : "circle")}};
      if (ranges) {
        trace.error_x = {type: "data", symmetric: false, array: pts.map((p) => p.x_range[1] - p.x), arrayminus: pts.map((p) => p.x - p.x_range[0]), color: theme.colour, thickness: 1};
        trace.error_y = {type: "data", symmetric: false, array: pts.map((p) => p.y_range[1] - p.y), arrayminus: pts.map((p) => p.y - p.y_range[0]), color: theme.colour, thickness: 1};
      }
      out.push(trace);
    }
    if (pick("t-residual").checked) {
      const res = data.residual.filter((p) => ids.has(p.id));
      out.push({type: "scatter", mode: "markers", name: box.dataset.residual, x: res.map((p) => p.x), y: res.map((p) => p.y),
                customdata: res.map((p) => p.id), text: res.map((p) => p.title), hoverinfo: "text",
                marker: {color: "#ffffff", size: 8, line: {color: "#333333", width: 1.5}}});
    }
    return out;
  }

  function draw() {
    const layout = {margin: {l: 150, r: 20, t: 10, b: 60}, hovermode: "closest", showlegend: true,
      legend: {orientation: "v", x: 1.02},
      xaxis: {title: {text: box.dataset.likelihood}, tickvals: data.x_ticks.map((t) => t.position), ticktext: data.x_ticks.map((t) => t.label), range: [0.5, 5.5], zeroline: false},
      yaxis: {title: {text: box.dataset.impact}, tickvals: data.y_ticks.map((t) => t.position), ticktext: data.y_ticks.map((t) => t.label), range: [Math.min(0.3, ...data.points.map((p) => p.y - 0.2)), 5.5], zeroline: false}};
    window.Plotly.react(box, traces(), layout, {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"]});
    box.dataset.points = String(data.points.filter(visible).length);
    box.dataset.ready = "1";
  }

  fetch("/api/v1/cycles/" + encodeURIComponent(cycle) + "/diagram?lang=" + lang, {credentials: "same-origin"})
    .then((r) => r.json()).then((json) => {
      data = json;
      draw();
      box.on("plotly_hover", (ev) => { const p = ev.points[0]; pick("hover").textContent = p.text; });
      box.on("plotly_click", (ev) => {
        const id = ev.points[0].customdata;
        if (id) { window.location.href = "/cycles/" + encodeURIComponent(cycle) + "/scenarios/" + encodeURIComponent(id); }
      });
      for (const id of ["f-theme", "f-interest", "f-type", "t-ranges", "t-residual", "t-parent"]) {
        pick(id).addEventListener("change", draw);
      }
    });
}());
