// The HTML report's own script (inlined into report.html by reports/html/template.ts). It reads
// the JSON block, draws the charts with Chart.js, and renders the case table a page at a time
// with its filters and the drill-down into one attempt's trace. Every string from the run goes
// into the page as text (textContent, Chart.js's canvas text), never as markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lunar-data').textContent);
  var PAGE_SIZE = 50;
  var PALETTE = ['#2f6fde', '#e8710a', '#1a7f37', '#c62828', '#8e24aa', '#00838f', '#6d4c41', '#c0ca33', '#546e7a', '#d81b60'];
  var color = function (i) { return PALETTE[i % PALETTE.length]; };

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, String(attrs[k]));
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    });
    return node;
  }
  function pct(v) { return v === null || v === undefined ? '-' : (v * 100).toFixed(1) + '%'; }
  function num(v, digits) { return v === null || v === undefined ? '-' : Number(v).toFixed(digits); }
  function pretty(v) { return typeof v === 'string' ? v : JSON.stringify(v, null, 2); }
  function pre(text) { return el('pre', null, [text]); }

  // ---- charts -------------------------------------------------------------------------------

  var common = { animation: false, responsive: true, maintainAspectRatio: false };

  // Writes "n/a" where a category had nothing to check for a series (no bar), and "0%" on a bar of
  // zero length: a missing bar and an empty one must not look alike.
  var valueLabels = {
    id: 'lunarValueLabels',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#5b6478';
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach(function (set, d) {
        var meta = chart.getDatasetMeta(d);
        if (meta.hidden) return;
        meta.data.forEach(function (bar, i) {
          var v = set.data[i];
          if (v !== null && v !== 0) return;
          var x = chart.scales.x.getPixelForValue(0);
          ctx.fillText(v === null ? 'n/a' : '0%', x + 4, bar.y);
        });
      });
      ctx.restore();
    },
  };

  function drawCategories(c, i) {
    var canvas = document.getElementById('chart-categories-' + i);
    if (!canvas) return;
    new Chart(canvas, {
      type: 'bar',
      plugins: [valueLabels],
      data: {
        labels: c.categories,
        datasets: c.series.map(function (s, j) {
          return { label: s.label, data: s.passRate.map(function (v) { return v === null ? null : v * 100; }), backgroundColor: color(j), judged: s.judged };
        }),
      },
      options: Object.assign({}, common, {
        indexAxis: 'y',
        scales: { x: { min: 0, max: 100, title: { display: true, text: 'pass rate %' } }, y: { ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          var n = ctx.dataset.judged[ctx.dataIndex];
          return ctx.dataset.label + ': ' + (ctx.raw === null ? 'n/a (nothing could be checked)' : ctx.raw.toFixed(1) + '% of ' + n);
        } } } },
      }),
    });
  }

  function drawLatency(h, i) {
    var canvas = document.getElementById('chart-latency-' + i);
    if (!canvas) return;
    // A frequency polygon on a log axis: each bin's count at its geometric middle.
    var mids = [];
    for (var b = 0; b + 1 < h.edges.length; b += 1) mids.push(Math.sqrt(h.edges[b] * h.edges[b + 1]));
    new Chart(canvas, {
      type: 'line',
      data: { datasets: h.series.map(function (s, j) {
        return { label: s.label, data: s.counts.map(function (n, b) { return { x: mids[b], y: n }; }), borderColor: color(j), backgroundColor: color(j), pointRadius: 3 };
      }) },
      options: Object.assign({}, common, {
        scales: {
          x: { type: 'logarithmic', title: { display: true, text: 'latency (ms, log scale)' } },
          y: { beginAtZero: true, title: { display: true, text: 'attempts' }, ticks: { precision: 0 } },
        },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          var b = ctx.dataIndex;
          return ctx.dataset.label + ': ' + ctx.raw.y + ' attempts in ' + num(h.edges[b], 1) + '–' + num(h.edges[b + 1], 1) + ' ms';
        } } } },
      }),
    });
  }

  function tradeoffDatasets(t, i, axis) {
    var byCost = axis === 'cost';
    var points = t.points.filter(function (p) { return p.quality !== null && (byCost || p.latencyP50 !== null); });
    var x = function (p) { return byCost ? p.costPerAttempt : p.latencyP50; };
    var onFront = function (p) { return byCost ? p.onCostFront : p.onLatencyFront; };
    var sets = points.map(function (p, j) {
      return {
        type: 'scatter',
        label: p.label + (onFront(p) ? ' (front)' : ''),
        data: [{ x: x(p), y: p.quality * 100, point: p }],
        backgroundColor: color(j),
        borderColor: color(j),
        pointStyle: onFront(p) ? 'rectRot' : 'circle',
        pointRadius: onFront(p) ? 9 : 6,
      };
    });
    var front = points.filter(onFront).sort(function (a, b) { return x(a) - x(b); });
    sets.push({
      type: 'line',
      label: 'Pareto front',
      data: front.map(function (p) { return { x: x(p), y: p.quality * 100 }; }),
      borderColor: '#888',
      borderDash: [6, 4],
      pointRadius: 0,
      fill: false,
      showLine: true,
    });
    var note = document.getElementById('tradeoff-front-' + i);
    if (note) {
      note.textContent = 'Pareto front (' + (byCost ? 'quality against cost' : 'quality against latency') + '): ' +
        (front.length ? front.map(function (p) { return p.label; }).join(', ') : 'none') +
        '. No other target × configuration is at least as good on both and better on one, in this suite.' +
        (byCost && points.some(function (p) { return p.unpriced; }) ? ' Some calls had no price: those costs are lower bounds.' : '');
    }
    return sets;
  }
  function drawTradeoff(t, i) {
    var canvas = document.getElementById('chart-tradeoff-' + i);
    if (!canvas) return;
    var select = document.getElementById('tradeoff-axis-' + i);
    var axisTitle = function (axis) { return axis === 'cost' ? 'cost per attempt ($)' : 'median latency (ms)'; };
    var chart = new Chart(canvas, {
      type: 'scatter',
      data: { datasets: tradeoffDatasets(t, i, select.value) },
      options: Object.assign({}, common, {
        scales: {
          x: { type: 'linear', beginAtZero: true, title: { display: true, text: axisTitle(select.value) } },
          y: { min: 0, max: 100, title: { display: true, text: 'pass rate %' } },
        },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          var p = ctx.raw.point;
          if (!p) return ctx.dataset.label;
          return p.label + ': ' + pct(p.quality) + ' pass, $' + p.costPerAttempt.toFixed(5) + (p.unpriced ? '+?' : '') + '/attempt, p50 ' + num(p.latencyP50, 0) + ' ms';
        } } } },
      }),
    });
    select.addEventListener('change', function () {
      chart.data.datasets = tradeoffDatasets(t, i, select.value);
      chart.options.scales.x.title.text = axisTitle(select.value);
      chart.update();
    });
  }

  function drawPassK(p, i) {
    var canvas = document.getElementById('chart-passk-' + i);
    if (!canvas || !p) return;
    var sets = [];
    p.series.forEach(function (s, j) {
      var scale = function (v) { return v === null ? null : v * 100; };
      sets.push({ label: s.label + ' pass@k', data: s.passAtK.map(scale), borderColor: color(j), backgroundColor: color(j) });
      sets.push({ label: s.label + ' pass^k', data: s.passHatK.map(scale), borderColor: color(j), backgroundColor: color(j), borderDash: [6, 4] });
    });
    new Chart(canvas, {
      type: 'line',
      data: { labels: p.ks.map(String), datasets: sets },
      options: Object.assign({}, common, {
        scales: { x: { title: { display: true, text: 'k' } }, y: { min: 0, max: 100, title: { display: true, text: '%' } } },
      }),
    });
  }

  // ---- the case table -----------------------------------------------------------------------

  var filters = {};
  var matching = [];
  var page = 0;
  var selected = -1;
  var multi = { suite: data.suites.length > 1, config: data.configs.length > 1, repeat: data.rows.some(function (r) { return r.r > 0; }) };

  function fillSelect(id, names) {
    var select = document.getElementById('filter-' + id);
    if (!select) return;
    names.forEach(function (name, i) { select.appendChild(el('option', { value: String(i) }, [name])); });
    select.addEventListener('change', function () { filters[id] = select.value; applyFilters(); });
  }

  function applyFilters() {
    var caseText = (document.getElementById('filter-case').value || '').toLowerCase();
    var want = function (key, value) { return filters[key] === undefined || filters[key] === '' || filters[key] === String(value); };
    matching = [];
    for (var i = 0; i < data.rows.length; i += 1) {
      var r = data.rows[i];
      if (!want('suite', r.s) || !want('config', r.c) || !want('target', r.t) || !want('category', r.k)) continue;
      if (filters.outcome && r.o !== filters.outcome) continue;
      if (caseText && r.id.toLowerCase().indexOf(caseText) === -1) continue;
      matching.push(i);
    }
    page = 0;
    renderPage();
  }

  function renderHead() {
    var head = document.querySelector('#case-table thead');
    var cells = ['case'];
    if (multi.suite) cells.push('suite');
    if (multi.config) cells.push('config');
    cells.push('target', 'category');
    if (multi.repeat) cells.push('repeat');
    cells.push('outcome', 'latency ms', 'cost $');
    data.scorers.forEach(function (s) { cells.push(s); });
    cells.push('trace');
    head.appendChild(el('tr', null, cells.map(function (c) { return el('th', null, [c]); })));
  }

  function scoreText(row, scorer) {
    for (var i = 0; i < row.scores.length; i += 1) {
      var s = row.scores[i];
      if (s.scorer !== scorer) continue;
      if (s.status !== 'scored') return el('span', { class: 's-' + s.status, title: s.reason }, [s.status]);
      return el('span', { class: s.pass ? 'o-passed' : 'o-failed', title: s.reason }, [num(s.value, 3)]);
    }
    return el('span', { class: 'muted' }, ['']);
  }

  function renderPage() {
    var body = document.querySelector('#case-table tbody');
    body.textContent = '';
    var pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE_SIZE;
    var end = Math.min(matching.length, start + PAGE_SIZE);
    for (var j = start; j < end; j += 1) body.appendChild(rowElement(matching[j]));
    document.getElementById('case-count').textContent = matching.length
      ? 'Showing ' + (start + 1) + '–' + end + ' of ' + matching.length + ' matching attempts (' + data.rows.length + ' in the run). Click a row for its trace.'
      : 'No attempt matches (' + data.rows.length + ' in the run).';
    document.getElementById('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages;
    document.getElementById('page-prev').disabled = page === 0;
    document.getElementById('page-next').disabled = page + 1 >= pages;
  }

  function rowElement(index) {
    var r = data.rows[index];
    var cells = [el('td', null, [r.id])];
    if (multi.suite) cells.push(el('td', null, [data.suites[r.s]]));
    if (multi.config) cells.push(el('td', null, [data.configs[r.c]]));
    cells.push(el('td', null, [data.targets[r.t]]), el('td', null, [data.categories[r.k]]));
    if (multi.repeat) cells.push(el('td', null, [String(r.r)]));
    cells.push(el('td', { class: 'o-' + r.o }, [r.o]), el('td', null, [num(r.ms, 1)]), el('td', null, [num(r.usd, 5)]));
    data.scorers.forEach(function (s) { cells.push(el('td', null, [scoreText(r, s)])); });
    cells.push(el('td', null, [data.traceIndex[index] >= 0 ? 'yes' : '-']));
    var tr = el('tr', { 'data-row': index, tabindex: 0, class: index === selected ? 'selected' : null }, cells);
    tr.addEventListener('click', function () { showAttempt(index); });
    tr.addEventListener('keydown', function (event) { if (event.key === 'Enter') showAttempt(index); });
    return tr;
  }

  // ---- the drill-down -----------------------------------------------------------------------

  function section(title, children) { return [el('h3', null, [title])].concat(children); }

  function scoresPart(r) {
    if (!r.scores.length) return section('Scores', [el('p', { class: 'muted' }, [r.o === 'errored' ? 'None: the attempt errored before it could be scored.' : 'No scorer had anything to check.'])]);
    var rows = r.scores.map(function (s) {
      return el('tr', null, [
        el('td', null, [s.scorer]),
        el('td', { class: 's-' + s.status }, [s.status]),
        el('td', null, [num(s.value, 3)]),
        el('td', { class: s.pass === true ? 'o-passed' : s.pass === false ? 'o-failed' : 'muted' }, [s.pass === null ? '-' : s.pass ? 'pass' : 'fail']),
        el('td', null, [el('div', { class: 'reason' }, [s.reason])]),
      ]);
    });
    var parts = [el('table', { class: 'scores' }, [el('thead', null, [el('tr', null, ['scorer', 'status', 'value', 'pass', 'reason'].map(function (h) { return el('th', null, [h]); }))]), el('tbody', null, rows)])];
    r.scores.forEach(function (s) {
      if (s.details === undefined) return;
      var d = s.details;
      if (d && typeof d.reasoning === 'string') parts.push(el('div', { class: 'judge-reasoning' }, [el('strong', null, [s.scorer + ' — judge reasoning: ']), pre(d.reasoning)]));
      parts.push(el('details', null, [el('summary', null, [s.scorer + ' details']), pre(pretty(d))]));
    });
    return section('Scores', parts);
  }

  // An episode (τ-bench): its reward and why, the database's differences from the ground truth and
  // the ground-truth writes, shown before the conversation they explain.
  function episodePart(trace) {
    var e = trace.episode;
    if (!e) return [];
    var head = th(['table / key', 'path', 'expected', 'actual']);
    var diffs = e.differences.map(function (d) {
      return el('tr', { class: 'episode-diff' }, [el('td', null, [d.table + '/' + d.key]), el('td', null, [d.path || '(record)']), el('td', null, [pre(d.expected === undefined ? '(absent)' : d.expected)]), el('td', null, [pre(d.actual === undefined ? '(absent)' : d.actual)])]);
    });
    var writes = e.writes.map(function (w) {
      var near = w.matched ? 'made' : w.closest ? 'not made; nearest call differs in ' + w.closest.differingArguments.join(', ') : 'not made; no call of that tool';
      return el('tr', { class: w.matched ? 'o-passed' : 'o-failed' }, [el('td', null, [w.expected.name]), el('td', null, [el('code', null, [w.expected.arguments])]), el('td', null, [near])]);
    });
    var parts = [
      el('p', { class: e.reward === 1 ? 'o-passed' : 'o-failed' }, ['reward ' + e.reward + ' · ' + (e.ended ? 'ended by ' + e.endedBy : 'never ended (step limit)') + ' · ' + e.steps + '/' + e.maxSteps + ' steps · tool calls ' + e.toolCalls + ' · user ' + e.user.target + ' (' + e.user.strategy + ', $' + num(e.user.costUsd, 5) + ')']),
      el('div', { class: 'reason' }, [e.summary]),
    ];
    if (writes.length) parts.push(el('table', { class: 'episode-writes' }, [el('thead', null, [th(['ground-truth write', 'arguments', ''])]), el('tbody', null, writes)]));
    if (e.outputs.length) parts.push(el('p', null, ['outputs: ' + e.outputs.map(function (o) { return JSON.stringify(o.output) + (o.found ? ' said' : ' never said'); }).join(', ')]));
    if (diffs.length) parts.push(el('table', { class: 'episode-diffs' }, [el('thead', null, [head]), el('tbody', null, diffs)]));
    return section('Episode', parts);
  }

  function th(names) { return el('tr', null, names.map(function (h) { return el('th', null, [h]); })); }

  function messagesPart(trace) {
    if (!trace.messages.length) return [];
    return section('Messages', trace.messages.map(function (m) {
      // An assistant turn that only calls tools has no text: no empty box for it.
      var body = [el('div', { class: 'msg-role' }, [m.role + (m.role === 'tool' ? ' · ' + m.name + (m.isError ? ' · error' : '') : '')]), m.content ? pre(m.content) : null];
      (m.toolCalls || []).forEach(function (call) { body.push(el('div', null, ['calls ' + call.name + ' ', el('code', null, [JSON.stringify(call.arguments)])])); });
      return el('div', { class: 'msg msg-' + m.role }, body);
    }));
  }

  function toolCallsPart(trace) {
    if (!trace.toolCalls.length) return [];
    var rows = trace.toolCalls.map(function (c) {
      var outcome = c.error !== undefined ? el('div', { class: 's-error' }, ['error' + (c.errorKind ? ' (' + c.errorKind + ')' : '') + ': ', pre(c.error)]) : pre(c.result === undefined ? '' : c.result);
      return el('tr', { class: 'tool-call' }, [el('td', null, [String(c.step)]), el('td', null, [c.name]), el('td', null, [pre(pretty(c.arguments))]), el('td', null, [outcome]), el('td', null, [num(c.latencyMs, 1)])]);
    });
    return section('Tool calls', [el('table', null, [el('thead', null, [el('tr', null, ['step', 'tool', 'arguments', 'result / error', 'ms'].map(function (h) { return el('th', null, [h]); }))]), el('tbody', null, rows)])]);
  }

  function retrievedPart(trace) {
    if (!trace.retrieved.length) return [];
    var rows = trace.retrieved.map(function (c) {
      var where = c.id + (c.lines ? ' (lines ' + c.lines[0] + '–' + c.lines[1] + ')' : '');
      return el('tr', { class: 'chunk' }, [el('td', null, [where]), el('td', null, [num(c.score, 4)]), el('td', null, [pre(c.text)])]);
    });
    return section('Retrieved chunks', [el('table', null, [el('thead', null, [el('tr', null, ['chunk', 'score', 'text'].map(function (h) { return el('th', null, [h]); }))]), el('tbody', null, rows)])]);
  }

  function modelCallsPart(trace) {
    if (!trace.modelCalls.length) return [];
    var rows = trace.modelCalls.map(function (m) {
      return el('tr', null, [
        el('td', null, [String(m.step)]),
        el('td', null, [m.usage.inputTokens + ' / ' + m.usage.outputTokens + (m.usage.estimated ? ' ~' : '')]),
        el('td', null, [num(m.latencyMs, 1)]),
        el('td', null, [num(m.costUsd, 5) + (m.priced === false ? ' (no price)' : '')]),
        el('td', null, [m.cached ? 'cached' : '']),
        el('td', null, [m.error || (m.response ? m.response.finishReason : '')]),
      ]);
    });
    return section('Model calls', [el('table', null, [el('thead', null, [el('tr', null, ['step', 'tokens in / out', 'ms', 'cost $', '', 'finish / error'].map(function (h) { return el('th', null, [h]); }))]), el('tbody', null, rows)])]);
  }

  // Served by lunar view (http, not file://): a trace the page does not embed is fetched from the
  // store, /runs/<id>/trace beside this page, carrying the ?token= the page was opened with.
  var served = location.protocol === 'http:' || location.protocol === 'https:';
  var fetched = {};
  function loadTrace(index) {
    if (fetched[index] === 'loading') return;
    fetched[index] = 'loading';
    var r = data.rows[index];
    var query = new URLSearchParams({ suite: data.suites[r.s], config: data.configs[r.c], case: r.id, target: data.targets[r.t], repeat: String(r.r) });
    var token = new URLSearchParams(location.search).get('token');
    if (token) query.set('token', token);
    fetch('trace?' + query.toString(), { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (trace) {
        // false: the store had none (or the viewer could not be reached); the drill-down says so.
        fetched[index] = trace || false;
        if (selected === index) showAttempt(index);
      });
  }

  function showAttempt(index) {
    selected = index;
    var r = data.rows[index];
    var drill = document.getElementById('drill');
    drill.textContent = '';
    drill.hidden = false;
    var title = r.id + ' · ' + data.targets[r.t] + (multi.config ? ' · ' + data.configs[r.c] : '') + (multi.suite ? ' · ' + data.suites[r.s] : '') + (multi.repeat ? ' · repeat ' + r.r : '');
    var parts = [
      el('h3', null, [title, ' ', el('span', { class: 'o-' + r.o }, [r.o])]),
      el('p', { class: 'muted' }, ['suite ' + data.suites[r.s] + ' · configuration ' + data.configs[r.c] + ' · category ' + data.categories[r.k] + ' · repeat ' + r.r]),
    ];
    if (r.error !== undefined) parts = parts.concat(section('Error', [pre(r.error)]));
    var got = fetched[index];
    var trace = data.traceIndex[index] >= 0 ? data.traceData[data.traceIndex[index]] : got && got !== 'loading' ? got : null;
    var answer = trace ? trace.finalAnswer : r.answer;
    parts = parts.concat(section('Final answer', [answer === null ? el('p', { class: 'muted' }, ['none']) : pre(answer)]));
    parts = parts.concat(scoresPart(r));
    if (trace) {
      parts.push(el('p', { class: 'muted' }, ['stop reason ' + trace.stopReason + ' · ' + num(trace.latencyMs, 1) + ' ms · tokens ' + trace.usage.inputTokens + ' in / ' + trace.usage.outputTokens + ' out · $' + num(trace.costUsd, 5)]));
      parts = parts.concat(episodePart(trace), messagesPart(trace), toolCallsPart(trace), retrievedPart(trace), modelCallsPart(trace));
    } else if (served && data.traces.available && fetched[index] !== false) {
      parts.push(el('p', { class: 'muted trace-loading' }, ['Loading this attempt\'s trace from the results store…']));
      loadTrace(index);
    } else {
      parts.push(el('p', { class: 'muted trace-missing' }, [data.traces.available
        ? 'This attempt\'s trace is not embedded in this file (see the note above the table). The results store has it: open the run in lunar view, which loads it on demand, or lunar report ' + data.run.id + ' --all-traces, which embeds every trace.'
        : 'This report holds no traces.']));
    }
    parts.forEach(function (p) { drill.appendChild(p); });
    document.querySelectorAll('#case-table tr.selected').forEach(function (tr) { tr.classList.remove('selected'); });
    var current = document.querySelector('#case-table tr[data-row="' + index + '"]');
    if (current) current.classList.add('selected');
    drill.scrollIntoView({ block: 'nearest' });
  }

  // ---- start --------------------------------------------------------------------------------

  data.charts.suites.forEach(function (c, i) {
    drawCategories(c.categories, i);
    drawLatency(c.latency, i);
    drawTradeoff(c.tradeoff, i);
    drawPassK(c.passK, i);
  });
  fillSelect('suite', data.suites);
  fillSelect('config', data.configs);
  fillSelect('target', data.targets);
  fillSelect('category', data.categories);
  var outcome = document.getElementById('filter-outcome');
  outcome.addEventListener('change', function () { filters.outcome = outcome.value; applyFilters(); });
  document.getElementById('filter-case').addEventListener('input', applyFilters);
  document.getElementById('page-prev').addEventListener('click', function () { page -= 1; renderPage(); });
  document.getElementById('page-next').addEventListener('click', function () { page += 1; renderPage(); });
  renderHead();
  applyFilters();
})();
