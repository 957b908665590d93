// The campaign dashboard's charts (Apache ECharts, static/vendor/echarts). The page carries its
// figures twice: as tables (what a browser without JavaScript shows) and as JSON in
// #dashboard-data, which this script draws. Once a chart is drawn, its table folds away into
// its <details>, one tap from view.
//
// Under our Content-Security-Policy (no inline style): ECharts sets sizes through
// element.style, which the policy allows; its HTML tooltips would put style="" attributes into
// the page, which it refuses, so tooltips are drawn on the canvas (renderMode "richText").
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") return;
  var data;
  try { data = JSON.parse(source.textContent); } catch (e) { return; }

  var RED = "#c8281e";
  var INK = "#1f2329";
  var MUTED = "#9ca3af";
  var BLUE = "#1d4f91";
  var charts = [];

  function narrow() { return window.innerWidth < 600; }

  function tooltip(trigger) {
    return { trigger: trigger, renderMode: "richText", confine: true };
  }

  var builders = {
    daily: function (d) {
      return {
        color: [RED, BLUE],
        tooltip: tooltip("axis"),
        legend: { top: 0, textStyle: { color: INK } },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.days, boundaryGap: false,
                 axisLabel: { formatter: function (v) { return v.slice(5); } } },
        yAxis: { type: "value", minInterval: 1 },
        series: d.series.map(function (s) {
          return { name: s.name, type: "line", data: s.data, smooth: false,
                   symbolSize: 6, showSymbol: d.days.length <= 31 };
        })
      };
    },
    bands: function (d) {
      return {
        color: [RED],
        tooltip: tooltip("axis"),
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.labels,
                 axisLabel: { interval: 0, rotate: narrow() ? 45 : 0, fontSize: 11 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: d.name, type: "bar", data: d.data, barCategoryGap: "15%",
                   label: { show: true, position: "top", color: INK } }]
      };
    },
    comparison: function (d) {
      // Highest rate on top: the rows come sorted, and a category axis draws upwards.
      var units = d.units.slice().reverse();
      var values = d.data.slice().reverse();
      var current = d.current.slice().reverse();
      return {
        tooltip: tooltip("axis"),
        grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: units,
                 axisLabel: { width: narrow() ? 96 : 180, overflow: "truncate" } },
        series: [{
          name: d.name, type: "bar", barMaxWidth: 22,
          data: values.map(function (v, i) {
            return { value: v, itemStyle: { color: current[i] ? RED : MUTED } };
          }),
          label: { show: true, position: "right", color: INK,
                   formatter: function (p) { return p.value == null ? "—" : p.value + "%"; } }
        }]
      };
    }
  };

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var build = builders[el.dataset.chart];
    var figures = data[el.dataset.chart];
    if (!build || !figures) return;
    el.hidden = false;
    if (el.dataset.chart === "comparison") {
      // One bar per unit, however many: the height follows the number of units.
      el.style.height = Math.max(160, figures.units.length * 30 + 40) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(figures));
    charts.push({ chart: chart, build: build, figures: figures });
    var details = el.parentNode.querySelector("details.chart-table");
    if (details) details.open = false;
  });

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (item) {
        item.chart.setOption(item.build(item.figures));
        item.chart.resize();
      });
    }, 150);
  });
})();
