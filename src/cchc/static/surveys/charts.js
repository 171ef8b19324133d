/* Bar charts of the survey pages (ECharts, vendored). Each <div data-chart="ID"> reads the JSON written by
   Django's json_script into <script id="ID">. The tables next to the charts carry the same figures. */
(function () {
  "use strict";
  function draw(el) {
    if (typeof echarts === "undefined") { return; }
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var series = data.series || [{ name: data.name, values: data.values }];
    var rows = data.labels.length;
    el.style.height = Math.max(260, 60 + rows * (22 * series.length + 14)) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v === null || v === undefined ? "—" : String(v).replace(".", ",") + " %"; } },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 64, top: series.length > 1 ? 56 : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
      yAxis: {
        type: "category", inverse: true, data: data.labels,
        axisLabel: { width: Math.min(240, el.clientWidth * 0.4), overflow: "break", lineHeight: 14, fontSize: 12 }
      },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values, label: { show: true, position: "right", formatter: function (p) { return p.value === null ? "" : String(p.value).replace(".", ",") + " %"; } } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
