/* Charts of the PAR pages (ECharts, vendored). Each chart reads its data from a json_script block;
   the same figures are always in a table next to it. */
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var pct = function (v) { return String(v).replace(".", ",") + " %"; };

  var ranking = data("du-lieu-xep-hang");
  if (ranking && ranking.names.length) {
    var names = ranking.names.slice().reverse();
    draw("bieu-do-xep-hang", {
      grid: { left: 8, right: 48, top: 24, bottom: 40, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: { bottom: 0, data: ["Thẩm định", "Tự đánh giá"] },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value} %" } },
      yAxis: { type: "category", data: names, axisLabel: { width: 180, overflow: "truncate" } },
      series: [
        {
          name: "Thẩm định", type: "bar", data: ranking.percent.slice().reverse(),
          label: { show: true, position: "right", formatter: function (p) { return pct(p.value); } },
          markLine: {
            symbol: "none", label: { formatter: "{c} %" },
            data: ranking.thresholds.map(function (t) { return { xAxis: t }; })
          }
        },
        { name: "Tự đánh giá", type: "bar", data: ranking.self_percent.slice().reverse(), itemStyle: { opacity: 0.45 } }
      ]
    });
  }

  var fields = data("du-lieu-linh-vuc");
  if (fields && fields.names.length) {
    draw("bieu-do-linh-vuc", {
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: { top: 0, data: ["Thẩm định", "Tự đánh giá"] },
      xAxis: { type: "category", data: fields.names.map(function (n) { return n.split(".")[0]; }) },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value} %" } },
      series: [
        { name: "Thẩm định", type: "bar", data: fields.percent },
        { name: "Tự đánh giá", type: "bar", data: fields.self_percent, itemStyle: { opacity: 0.45 } }
      ]
    });
  }
})();
