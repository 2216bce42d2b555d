// The viewer's /history page script (inlined by reports/viewer/history-page.ts). It reads the JSON
// block and draws one line per suite × configuration × target over the runs, oldest first, for the
// measure picked (pass rate, a scorer's mean, cost, p95 latency). Runs a recorded gate failed are
// drawn as red crosses. Names reach the page only as Chart.js canvas text, never as markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('history-data').textContent);
  var PALETTE = ['#2f6fde', '#e8710a', '#1a7f37', '#8e24aa', '#00838f', '#6d4c41', '#c0ca33', '#546e7a', '#d81b60'];
  var FAILED = '#c62828';
  var rows = data.rows;
  // The x axis: each run once, in the order the rows come (oldest first).
  var runs = [];
  var runIndex = {};
  rows.forEach(function (r) {
    if (runIndex[r.runId] === undefined) {
      runIndex[r.runId] = runs.length;
      runs.push(r);
    }
  });
  var groups = [];
  var groupIndex = {};
  rows.forEach(function (r) {
    var key = r.suite + '/' + r.config + '/' + r.target;
    if (groupIndex[key] === undefined) {
      groupIndex[key] = groups.length;
      groups.push({ label: key, rows: {} });
    }
    groups[groupIndex[key]].rows[r.runId] = r;
  });

  function measureOf(name) {
    if (name === 'pass_rate') return { axis: 'pass rate %', value: function (r) { return r.passRate === null ? null : r.passRate * 100; } };
    if (name === 'cost') return { axis: 'cost $ (agent + judge)', value: function (r) { return r.costUsd + r.judgeCostUsd; } };
    if (name === 'latency_p95') return { axis: 'p95 latency ms', value: function (r) { return r.latencyP95Ms; } };
    var scorer = name.slice('scorer:'.length);
    return { axis: scorer + ' mean', value: function (r) { var v = r.scorers[scorer]; return v === undefined || v === null ? null : v; } };
  }

  var chart;
  function draw(name) {
    var measure = measureOf(name);
    var datasets = groups.map(function (g, i) {
      var points = runs.map(function (run) { var r = g.rows[run.runId]; return r ? measure.value(r) : null; });
      var failed = runs.map(function (run) { var r = g.rows[run.runId]; return Boolean(r && r.gate === 'failed'); });
      var color = PALETTE[i % PALETTE.length];
      return {
        label: g.label,
        data: points,
        spanGaps: true,
        borderColor: color,
        backgroundColor: color,
        pointStyle: failed.map(function (f) { return f ? 'crossRot' : 'circle'; }),
        pointRadius: failed.map(function (f) { return f ? 9 : 4; }),
        pointBorderWidth: failed.map(function (f) { return f ? 3 : 1; }),
        pointBorderColor: failed.map(function (f) { return f ? FAILED : color; }),
        failed: failed,
      };
    });
    var config = {
      type: 'line',
      data: { labels: runs.map(function (r) { return r.startedAt.slice(0, 10) + ' · ' + (r.commit || r.runId); }), datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: Object.assign({ title: { display: true, text: measure.axis } }, name === 'pass_rate' ? { min: 0, max: 100 } : { beginAtZero: true }) },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          var r = groups[ctx.datasetIndex].rows[runs[ctx.dataIndex].runId];
          var text = ctx.dataset.label + ': ' + (ctx.raw === null ? '-' : Number(ctx.raw).toFixed(name === 'pass_rate' ? 1 : 3));
          if (name === 'pass_rate' && r && r.passRateInterval) text += ' [' + (r.passRateInterval.low * 100).toFixed(1) + '–' + (r.passRateInterval.high * 100).toFixed(1) + '%]';
          return ctx.dataset.failed[ctx.dataIndex] ? text + ' (gate failed)' : text;
        } } } },
      },
    };
    if (chart) chart.destroy();
    chart = new Chart(document.getElementById('chart-history'), config);
  }

  var picker = document.getElementById('history-measure');
  picker.addEventListener('change', function () { draw(picker.value); });
  if (rows.length) draw(picker.value);
})();
