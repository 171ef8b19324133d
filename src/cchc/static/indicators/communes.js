/* Figures by commune on a map of the province (ECharts, a map registered from the GeoJSON embedded in
   the page: nothing is fetched, the map works offline), and sorting of the table beside it, which
   holds the same figures and is what screen readers and the page without JavaScript read. */
(function () {
  "use strict";

  var GREY = "#c4c9d0";
  var COLOURS = ["#f6e8b1", "#b7d99c", "#5fae7a", "#1f7a5a", "#0b4a3d"];

  function fmt(value) {
    var parts = Number(value).toFixed(2).split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".") + "," + parts[1];
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-communes"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var geo = JSON.parse(document.getElementById(data.geo).textContent);
    window.echarts.registerMap(data.geo, geo);
    var byCode = {};
    data.regions.forEach(function (r) { byCode[r.name] = r; });
    var max = data.max > data.min ? data.max : data.min + 1;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var r = byCode[p.name];
          return r ? r.label + "<br>" + data.label + ": " + r.text : p.name;
        }
      },
      visualMap: {
        type: "continuous", min: data.min, max: max, left: 0, bottom: 0, orient: "horizontal",
        itemWidth: 12, itemHeight: 120, text: [fmt(max), fmt(data.min)], calculable: false,
        inRange: { color: COLOURS }, seriesIndex: 0
      },
      series: [{
        type: "map", map: data.geo, name: data.label, aspectScale: data.aspect, roam: true,
        layoutCenter: ["50%", "45%"], layoutSize: "88%", selectedMode: false,
        itemStyle: { areaColor: GREY, borderColor: "#ffffff", borderWidth: 0.6 },
        label: { show: false },
        emphasis: {
          label: { show: true, formatter: function (p) { var r = byCode[p.name]; return r ? r.label : p.name; } },
          itemStyle: { areaColor: "#f0b84b" }
        },
        data: data.regions.map(function (r) {
          return r.value === null
            ? { name: r.name, value: "-", itemStyle: { areaColor: GREY } }
            : { name: r.name, value: r.value };
        })
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "1");
  }

  function sortable(table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var order;
          if (x.hasAttribute("data-sort")) {
            order = Number(x.getAttribute("data-sort")) - Number(y.getAttribute("data-sort"));
          } else {
            order = x.textContent.trim().localeCompare(y.textContent.trim(), "vi");
          }
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-communes]").forEach(draw);
    document.querySelectorAll("table[data-sortable]").forEach(sortable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
