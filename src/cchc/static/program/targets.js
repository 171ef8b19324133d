/* The trend chart of a target page: yearly figures, the least-squares projection, the milestones. */
(function () {
  "use strict";
  var node = document.getElementById("target-chart");
  var data = document.getElementById("target-chart-data");
  if (!node || !data || typeof echarts === "undefined") { return; }
  var d = JSON.parse(data.textContent);
  var years = d.years.slice();
  d.projection.concat(d.milestones.map(function (m) { return [m.year]; })).forEach(function (p) {
    if (years.indexOf(p[0]) < 0) { years.push(p[0]); }
  });
  years.sort();
  var byYear = function (pairs) {
    var found = {};
    pairs.forEach(function (p) { found[p[0]] = p[1]; });
    return years.map(function (y) { return found.hasOwnProperty(y) ? found[y] : null; });
  };
  var values = byYear(d.years.map(function (y, i) { return [y, d.values[i]]; }));
  var fmt = function (v) { return v === null || v === undefined ? "Chưa có dữ liệu" : String(v).replace(".", ",") + "%"; };
  var chart = echarts.init(node, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: fmt },
    legend: { bottom: 0 },
    grid: { left: 48, right: 16, top: 24, bottom: 56 },
    xAxis: { type: "category", data: years.map(String) },
    yAxis: { type: "value", min: d.share ? 0 : null, max: d.share ? 100 : null, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "Số liệu", type: "line", data: values, connectNulls: false, symbolSize: 8, lineStyle: { width: 3 } },
      { name: "Dự báo", type: "line", data: byYear(d.projection), symbol: "none", lineStyle: { type: "dashed" } },
      {
        name: "Mốc chỉ tiêu", type: "scatter", symbol: "diamond", symbolSize: 14,
        data: byYear(d.milestones.map(function (m) { return [m.year, m.value]; })),
        label: { show: true, position: "top", formatter: function (p) {
          var m = d.milestones.filter(function (x) { return String(x.year) === p.name; })[0];
          return m ? m.label : "";
        } }
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  node.setAttribute("data-ready", "1");
})();
