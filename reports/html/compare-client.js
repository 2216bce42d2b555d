// The comparison page's own script (inlined into comparison.html by compare-template.ts). It
// reads the JSON block, draws each group's wins/losses/ties and per-category difference charts
// with Chart.js, and renders the case table a page at a time with its filters and, on a click,
// both answers side by side. Every string from the runs goes into the page as text
// (textContent, Chart.js's canvas text), never as markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lunar-compare-data').textContent);
  var PAGE_SIZE = 50;
  var OUTCOME = { win: { label: 'win', color: '#1a7f37' }, tie: { label: 'tie', color: '#9aa3b5' }, loss: { label: 'loss', color: '#c62828' }, none: { label: 'not compared' } };
  var PALETTE = ['#2f6fde', '#e8710a', '#00838f', '#8e24aa', '#6d4c41', '#c0ca33', '#546e7a', '#d81b60'];

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
  function signed(v) { return v === null || v === undefined ? '-' : (v > 0 ? '+' : '') + v.toFixed(3); }
  function value(v) { return typeof v === 'number' ? v.toFixed(3) : String(v); }

  // ---- charts -------------------------------------------------------------------------------

  var common = { animation: false, responsive: true, maintainAspectRatio: false };

  function drawWlt(group, g) {
    var canvas = document.getElementById('chart-wlt-' + g);
    if (!canvas) return;
    var sets = ['win', 'tie', 'loss'].map(function (kind) {
      var key = kind === 'win' ? 'wins' : kind === 'loss' ? 'losses' : 'ties';
      return { label: kind === 'win' ? 'wins (B better)' : kind === 'loss' ? 'losses (B worse)' : 'ties', data: group.wlt.map(function (w) { return w[key]; }), backgroundColor: OUTCOME[kind].color };
    });
    new Chart(canvas, {
      type: 'bar',
      data: { labels: group.measures, datasets: sets },
      options: Object.assign({}, common, {
        indexAxis: 'y',
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'pairs' } }, y: { stacked: true } },
      }),
    });
  }

  function drawCategories(group, g) {
    var canvas = document.getElementById('chart-cat-' + g);
    if (!canvas || !group.categories) return;
    var c = group.categories;
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: c.categories,
        datasets: c.series.map(function (s, i) {
          return { label: s.scorer, data: s.points.map(function (p) { return p ? p.diff : null; }), points: s.points, backgroundColor: PALETTE[i % PALETTE.length] };
        }),
      },
      options: Object.assign({}, common, {
        scales: { y: { suggestedMin: -1, suggestedMax: 1, title: { display: true, text: 'mean difference B − A' } } },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          var p = ctx.dataset.points[ctx.dataIndex];
          if (!p) return ctx.dataset.label + ': no pairs';
          return ctx.dataset.label + ': ' + signed(p.diff) + ' [' + signed(p.low) + ', ' + signed(p.high) + '], n ' + p.n + ', w/l/t ' + p.wins + '/' + p.losses + '/' + p.ties;
        } } } },
      }),
    });
  }

  // ---- the case table -----------------------------------------------------------------------

  var measures = [];
  data.groups.forEach(function (group) {
    group.measures.forEach(function (m) { if (measures.indexOf(m) === -1) measures.push(m); });
  });
  var multiGroup = data.groups.length > 1;
  var matching = [];
  var page = 0;
  var selected = -1;

  function control(id) { return document.getElementById(id); }

  /** The row's cell for the chosen measure; null when its group has no such measure or it did not apply. */
  function cellOf(row) {
    var i = data.groups[row.g].measures.indexOf(control('filter-measure').value);
    return i < 0 ? null : row.cells[i];
  }

  function applyFilters() {
    var group = control('filter-group') ? control('filter-group').value : '';
    var outcome = control('filter-outcome').value;
    var text = (control('filter-case').value || '').toLowerCase();
    matching = [];
    for (var i = 0; i < data.rows.length; i += 1) {
      var r = data.rows[i];
      if (group !== '' && String(r.g) !== group) continue;
      var cell = cellOf(r);
      if (!cell) continue;
      if (outcome && cell[2] !== outcome) continue;
      if (text && r.id.toLowerCase().indexOf(text) === -1) continue;
      matching.push(i);
    }
    page = 0;
    renderPage();
  }

  function renderHead() {
    var cells = ['case'];
    if (multiGroup) cells.push('group');
    cells.push('category', 'base (A)', 'candidate (B)', 'outcome');
    control('case-table').querySelector('thead').appendChild(el('tr', null, cells.map(function (c) { return el('th', null, [c]); })));
  }

  function rowElement(index) {
    var r = data.rows[index];
    var cell = cellOf(r);
    var cells = [el('td', null, [r.id])];
    if (multiGroup) cells.push(el('td', null, [data.groups[r.g].label]));
    cells.push(
      el('td', null, [data.categories[r.k]]),
      el('td', { class: 'value-a' }, [value(cell[0])]),
      el('td', { class: 'value-b' }, [value(cell[1])]),
      el('td', { class: 'o-' + cell[2] }, [OUTCOME[cell[2]].label]),
    );
    var tr = el('tr', { 'data-row': index, tabindex: 0, class: index === selected ? 'selected' : null }, cells);
    tr.addEventListener('click', function () { showPair(index); });
    tr.addEventListener('keydown', function (event) { if (event.key === 'Enter') showPair(index); });
    return tr;
  }

  function renderPage() {
    var body = control('case-table').querySelector('tbody');
    body.textContent = '';
    var pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE_SIZE;
    var end = Math.min(matching.length, start + PAGE_SIZE);
    for (var j = start; j < end; j += 1) body.appendChild(rowElement(matching[j]));
    control('case-count').textContent = matching.length
      ? 'Showing ' + (start + 1) + '–' + end + ' of ' + matching.length + ' matching cases (' + data.rows.length + ' pairs in the comparison). Click a row for both answers.'
      : 'No case matches (' + data.rows.length + ' pairs in the comparison).';
    control('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages;
    control('page-prev').disabled = page === 0;
    control('page-next').disabled = page + 1 >= pages;
  }

  // ---- both answers, side by side -----------------------------------------------------------

  function side(r, s) {
    var group = data.groups[r.g];
    var run = s === 0 ? data.a : data.b;
    var rows = group.measures.map(function (m, i) {
      var cell = r.cells[i];
      if (!cell) return el('tr', null, [el('td', null, [m]), el('td', { class: 'muted' }, ['did not apply']), el('td', null, [''])]);
      return el('tr', null, [el('td', null, [m]), el('td', null, [value(cell[s])]), el('td', null, [el('div', { class: 'reason' }, [cell[3 + s]])])]);
    });
    var answer = r.answers[s];
    return el('div', { class: 'side side-' + (s === 0 ? 'a' : 'b') }, [
      el('h3', null, [(s === 0 ? 'A (base) · ' : 'B (candidate) · ') + (s === 0 ? group.targetA : group.targetB)]),
      el('p', { class: 'muted' }, ['run ' + run.id]),
      el('table', { class: 'scores' }, [el('thead', null, [el('tr', null, ['measure', 'value', 'reason'].map(function (h) { return el('th', null, [h]); }))]), el('tbody', null, rows)]),
      r.errors[s] !== null ? el('div', { class: 's-error' }, ['error: ', el('pre', null, [r.errors[s]])]) : null,
      el('h3', null, ['Final answer']),
      answer === null ? el('p', { class: 'muted' }, ['none']) : el('pre', { class: 'answer' }, [answer]),
    ]);
  }

  function showPair(index) {
    selected = index;
    var r = data.rows[index];
    var drill = control('drill');
    drill.textContent = '';
    drill.hidden = false;
    var cell = cellOf(r);
    drill.appendChild(el('h3', null, [r.id + (multiGroup ? ' · ' + data.groups[r.g].label : '') + ' ', el('span', { class: 'o-' + cell[2] }, [OUTCOME[cell[2]].label])]));
    drill.appendChild(el('p', { class: 'muted' }, ['category ' + data.categories[r.k] + ' · outcome on ' + control('filter-measure').value]));
    drill.appendChild(el('div', { class: 'sides' }, [side(r, 0), side(r, 1)]));
    document.querySelectorAll('#case-table tr.selected').forEach(function (tr) { tr.classList.remove('selected'); });
    var current = document.querySelector('#case-table tr[data-row="' + index + '"]');
    if (current) current.classList.add('selected');
    drill.scrollIntoView({ block: 'nearest' });
  }

  // ---- start --------------------------------------------------------------------------------

  data.groups.forEach(function (group, g) { drawWlt(group, g); drawCategories(group, g); });
  var measureSelect = control('filter-measure');
  measures.forEach(function (m) { measureSelect.appendChild(el('option', { value: m }, [m])); });
  control('cases-note').textContent = 'One row per paired case. The outcome is the candidate\'s on the chosen measure: a win when B scored higher. ' +
    'Answers, errors and reasons past ' + data.rowChars + ' characters are cut; each run\'s results.json has them whole.';
  ['filter-group', 'filter-measure', 'filter-outcome'].forEach(function (id) { if (control(id)) control(id).addEventListener('change', applyFilters); });
  control('filter-case').addEventListener('input', applyFilters);
  control('page-prev').addEventListener('click', function () { page -= 1; renderPage(); });
  control('page-next').addEventListener('click', function () { page += 1; renderPage(); });
  renderHead();
  applyFilters();
})();
