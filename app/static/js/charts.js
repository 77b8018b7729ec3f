// Draws the control dashboard's charts with Chart.js (served from node_modules). Each canvas carries its
// type and data in data-chart: no inline script (CSP script-src 'self'). The table under each chart has the
// same numbers for screen readers and exports.
(function () {
  "use strict";
  var COLOURS = ["#1f5fa8", "#d97706", "#15803d", "#b91c1c", "#6d28d9", "#0e7490"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var round = spec.type === "doughnut";
    spec.data.datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = round ? COLOURS : COLOURS[index % COLOURS.length];
      dataset.borderColor = round ? "#fff" : COLOURS[index % COLOURS.length];
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: spec.data,
      options: {
        responsive: true,
        maintainAspectRatio: false, // the box's CSS height decides, so a 360 px phone keeps it legible
        plugins: { legend: { position: "bottom" }, title: { display: true, text: spec.title } },
        scales: round ? {} : { y: { beginAtZero: true } }
      }
    });
  });
})();
