/* Draws every <canvas data-chart="ID"> from the Chart.js config in <script type="application/json" id="ID">.
   Views build the config in Python (json_script), so pages need no inline script (CSP).
   Fragments that htmx swaps in carry the config in the canvas's data-chart-config attribute instead: htmx
   drops every <script> element from swapped content (allowScriptTags is off), JSON ones included. */
(function () {
  "use strict";
  function configOf(canvas) {
    var source = canvas.dataset.chart ? document.getElementById(canvas.dataset.chart) : null;
    if (source) { return JSON.parse(source.textContent); }
    if (canvas.dataset.chartConfig) { return JSON.parse(canvas.dataset.chartConfig); }
    return null;
  }
  function draw(root) {
    if (typeof window.Chart === "undefined" || !root.querySelectorAll) { return; }
    root.querySelectorAll("canvas[data-chart], canvas[data-chart-config]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var config = configOf(canvas);
      if (!config) { return; }
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
      new window.Chart(canvas, config);
      canvas.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  // A chart swapped out by htmx is destroyed with its canvas (pages that poll would otherwise keep them all).
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var canvas = event.target;
    if (typeof window.Chart === "undefined" || !(canvas instanceof HTMLCanvasElement) || !canvas.dataset.drawn) { return; }
    var chart = window.Chart.getChart(canvas);
    if (chart) { chart.destroy(); }
  });
})();
