// The status donut of the plan pages (ECharts, vendored). The table next to it carries the same figures.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("bieu-do-tinh-trang");
    var source = document.getElementById("du-lieu-bieu-do");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var chart = JSON.parse(source.textContent);
    var instance = window.echarts.init(holder, null, { renderer: "svg" });
    instance.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        name: chart.name,
        type: "pie",
        radius: ["45%", "70%"],
        center: ["50%", "45%"],
        label: { show: false },
        data: chart.data.map(function (row) {
          return { name: row.label, value: row.count, itemStyle: { color: row.colour } };
        })
      }]
    });
    window.addEventListener("resize", function () { instance.resize(); });
    holder.setAttribute("data-ready", "1");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
