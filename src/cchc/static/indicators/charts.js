/* Indicator dashboards: draws the ECharts charts from the JSON embedded in the page
   ({{ data|json_script:"id" }}; an element [data-chart="id"] says where). Every chart has a table
   with the same figures next to it, so the page reads without JavaScript too. */
(function () {
  "use strict";

  var PALETTE = ["#8a1414", "#0b4f8a", "#1d6b34", "#8a5300", "#5b3c88", "#00727a", "#4d5560"];

  function fmt(value) {
    if (value === null || value === undefined) { return "Chưa có dữ liệu"; }
    var parts = Number(value).toFixed(2).split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".") + "," + parts[1];
  }

  function narrow(el) { return el.clientWidth < 480; }

  function groups(data, el) {
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { top: 0, data: ["Điểm", "Đo được", "Tối đa"] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 22 },
      yAxis: {
        type: "category", inverse: true, data: data.labels,
        axisLabel: { width: narrow(el) ? 110 : 180, overflow: "break" }
      },
      series: [
        { name: "Điểm", type: "bar", data: data.scores, barGap: "-100%", z: 3,
          label: { show: true, position: "right", formatter: function (p) { return fmt(p.value); } } },
        { name: "Đo được", type: "bar", data: data.measured, itemStyle: { color: "#c9ced6" }, z: 2 },
        { name: "Tối đa", type: "bar", data: data.max, itemStyle: { color: "#eef0f3" }, z: 1 }
      ]
    };
  }

  function trend(data) {
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100 },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6,
                 lineStyle: { width: i === 0 ? 3 : 1.5 } };
      })
    };
  }

  function ranking(data, el) {
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0 },
      yAxis: {
        type: "category", inverse: true, data: data.labels,
        axisLabel: { width: narrow(el) ? 120 : 260, overflow: "truncate" }
      },
      series: [{ name: "Tổng điểm", type: "bar", data: data.values,
                 label: { show: true, position: "right", formatter: function (p) { return fmt(p.value); } } }]
    };
  }

  var BUILDERS = { groups: groups, trend: trend, ranking: ranking };

  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var build = BUILDERS[data.kind];
      if (!build) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data, el));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
