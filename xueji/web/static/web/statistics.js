// Draws each dashboard chart from the figures the page carries as JSON (the table under it shows the same).
(function () {
  "use strict";
  function option(spec) {
    if (spec.kind === "pie") {
      return {
        tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"],
          data: spec.categories.map(function (name, i) { return { name: name, value: spec.series[0].data[i] }; }) }]
      };
    }
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value" };
    return {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? value : category, yAxis: spec.horizontal ? category : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, stack: spec.stack ? "all" : undefined };
      })
    };
  }
  function draw() {
    var source = document.getElementById("stat-charts");
    if (!source || !window.echarts) { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = charts[el.getAttribute("data-chart").replace(/^chart-/, "")];
      if (!spec || !spec.categories.length) { el.style.display = "none"; return; }
      var chart = window.echarts.init(el);
      chart.setOption(option(spec));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
