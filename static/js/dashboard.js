/* 统计分析: draws each chart from the JSON that the page hands over with json_script.
   No inline script, no eval; every number shown here is also in the table beside the chart. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var COLORS = ["#b3140f", "#e08a2e", "#3a78c2", "#3e9a5b", "#8a5cb8", "#c9a227", "#5f6b7a", "#d0605e"];
  var charts = [];

  function names(rows) { return rows.map(function (r) { return r.name; }); }
  function counts(rows) { return rows.map(function (r) { return r.count; }); }
  function narrow() { return window.innerWidth < 600; }

  function pie(rows) {
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: narrow() ? ["30%", "60%"] : ["35%", "68%"], center: ["50%", "45%"],
                 label: { formatter: "{b}\n{c}" },
                 data: rows.map(function (r) { return { name: r.name, value: r.count }; }) }]
    };
  }

  function bars(labels, series, horizontal) {
    var category = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : (labels.length > 4 ? 30 : 0) } };
    var value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: series.length > 1 ? { type: "scroll", top: 0 } : undefined,
      grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: series
    };
  }

  var builders = {
    by_kind_and_state: function () {
      var rows = data.by_kind_and_state.filter(function (r) { return r.total > 0; });
      var labels = rows.map(function (r) { return r.label.replace(/（.*）/, ""); });
      return bars(labels, [
        { name: "提案", type: "bar", stack: "kind", data: rows.map(function (r) { return r.proposal; }) },
        { name: "建议", type: "bar", stack: "kind", data: rows.map(function (r) { return r.suggestion; }) }
      ], true);
    },
    by_category: function () { return pie(data.by_category); },
    by_committee: function () {
      return bars(names(data.by_committee), [{ name: "件数", type: "bar", data: counts(data.by_committee) }], true);
    },
    by_sector: function () {
      return bars(names(data.by_sector), [{ name: "件数", type: "bar", data: counts(data.by_sector) }], true);
    },
    by_proposer_type: function () { return pie(data.by_proposer_type); },
    reply_classes: function () {
      var c = data.headline.reply_classes;
      return pie([{ name: "A类", count: c.A }, { name: "B类", count: c.B }, { name: "C类", count: c.C }]);
    },
    monthly_trend: function () {
      var rows = data.monthly_trend;
      var line = function (name, key) {
        return { name: name, type: "line", smooth: true, data: rows.map(function (r) { return r[key]; }) };
      };
      var option = bars(rows.map(function (r) { return r.month; }),
        [line("提交", "submitted"), line("立案", "filed"), line("答复", "replied"), line("办结", "closed")], false);
      option.tooltip = { trigger: "axis" };
      // Dozens of months: let ECharts thin the labels and drop any that would still overlap.
      option.xAxis.axisLabel = { interval: "auto", hideOverlap: true, rotate: rows.length > 12 ? 45 : 0 };
      return option;
    },
    league: function () {
      var rows = data.league.rows.slice(0, 20);
      var column = function (name, key) {
        return { name: name, type: "bar", data: rows.map(function (r) { return r[key]; }) };
      };
      return bars(rows.map(function (r) { return r.unit; }),
        [column("交办", "assigned"), column("已答复", "replied"), column("按时答复", "replied_on_time"),
         column("逾期未复", "overdue")], true);
    },
    key_progress: function () {
      var rows = data.key_progress;
      return bars(rows.map(function (r) { return r.title.length > 14 ? r.title.slice(0, 14) + "…" : r.title; }), [
        { name: "督办活动", type: "bar", data: rows.map(function (r) { return r.activities; }) },
        { name: "已答复单位", type: "bar", data: rows.map(function (r) { return r.replies_accepted; }) },
        { name: "应答复单位", type: "bar", data: rows.map(function (r) { return r.replies_expected; }) }
      ], true);
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var build = builders[element.getAttribute("data-chart")];
    if (!build) { return; }
    var chart = echarts.init(element, null, { locale: "ZH", renderer: "canvas" });
    var option = build();
    option.color = COLORS;
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
