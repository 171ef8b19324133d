// Compliance chart of a reporting period: agencies on time / late / not sent, per level (ECharts 5).
(function () {
  "use strict";
  var node = document.getElementById("bieu-do-tinh-hinh");
  var source = document.getElementById("rp-chart-data");
  if (!node || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { on_time: "#2e7d32", late: "#ef6c00", missing: "#c62828" };
  var chart = echarts.init(node, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.categories },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "total", data: s.data, itemStyle: { color: colours[s.key] }, label: { show: true } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
