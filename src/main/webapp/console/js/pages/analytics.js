// Analytics: calls, errors and latency per minute and group, as a Chart.js chart and, as its text
// alternative, a table of the same figures. Chart.js (UMD, global Chart) is loaded on first use.
import { api } from '../api.js';
import { h, put, field, table, when, showProblem } from '../dom.js';
import { optionalText, optionalInt, compact } from '../forms.js';

const GROUPINGS = [
  ['minute,api', 'per minute and API'],
  ['minute,plan', 'per minute and plan'],
  ['minute,app', 'per minute and app'],
  ['minute,statusClass', 'per minute and status class'],
  ['minute', 'per minute'],
  ['api', 'per API'],
  ['plan', 'per plan'],
  ['app', 'per app'],
  ['api,status', 'per API and status'],
  ['statusClass', 'per status class'],
];
const PALETTE = ['#1f4e8c', '#c25400', '#177245', '#8e2c9c', '#a4141f', '#00707a', '#6b5d00', '#4a5260'];
const MAX_SERIES = 8;
const query = { from: '', to: '', groupBy: 'minute,api', api: '', plan: '', app: '', top: '' };
let chart = null;
let chartLoading = null;

/** Loads /console/vendor/chart.umd.js once; resolves with the Chart constructor. */
function loadChart() {
  if (window.Chart) {
    return Promise.resolve(window.Chart);
  }
  if (!chartLoading) {
    chartLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/console/vendor/chart.umd.js';
      s.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js did not load'))));
      s.addEventListener('error', () => {
        chartLoading = null;
        reject(new Error('Chart.js could not be loaded'));
      });
      document.head.append(s);
    });
  }
  return chartLoading;
}

function groupKey(row, dims) {
  return dims.map((d) => (d === 'app' && row.appName ? `${row.appName} (${row.app})` : row[d] ?? '-')).join(' · ') || 'all calls';
}

function ms(v) {
  return v === null || v === undefined ? '—' : v.toFixed(v < 10 ? 3 : 1);
}

export async function render(ctx) {
  const { root } = ctx;
  const form = h('form', { class: 'form', id: 'analytics-form', novalidate: true, 'aria-label': 'Analytics query' },
    h('div', { class: 'field-row' },
      field({ id: 'analytics-from', label: 'From', field: 'from', value: query.from, placeholder: '2030-01-01T12:00:00Z', hint: 'ISO-8601 instant; empty: an hour before "to".', spellcheck: false }).wrap,
      field({ id: 'analytics-to', label: 'To', field: 'to', value: query.to, placeholder: '2030-01-01T13:00:00Z', hint: 'Empty: now. At most 31 days after "from".', spellcheck: false }).wrap,
      field({ id: 'analytics-groupBy', label: 'Group', type: 'select', field: 'groupBy', value: query.groupBy, options: GROUPINGS.map(([v, l]) => ({ value: v, label: l })) }).wrap),
    h('div', { class: 'field-row' },
      field({ id: 'analytics-api', label: 'API name', field: 'api', value: query.api, hint: 'Optional filter.' }).wrap,
      field({ id: 'analytics-plan', label: 'Plan name', field: 'plan', value: query.plan, hint: 'Optional filter.' }).wrap,
      field({ id: 'analytics-app', label: 'App client id', field: 'app', value: query.app, hint: 'Optional filter.' }).wrap,
      field({ id: 'analytics-top', label: 'Top groups', type: 'number', min: 1, max: 1000, field: 'top', value: query.top, hint: 'Default 100.' }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', id: 'analytics-show' }, 'Show figures')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(query, {
      from: optionalText(form, 'analytics-from') || '',
      to: optionalText(form, 'analytics-to') || '',
      groupBy: form.querySelector('#analytics-groupBy').value,
      api: optionalText(form, 'analytics-api') || '',
      plan: optionalText(form, 'analytics-plan') || '',
      app: optionalText(form, 'analytics-app') || '',
      top: optionalInt(form, 'analytics-top') ?? '',
    });
    ctx.reload();
  });
  put(root, h('h1', null, 'Analytics'), form);
  if (chart) {
    chart.destroy();
    chart = null;
  }
  let data;
  try {
    data = await api('GET', '/analytics', { params: compact(query) });
  } catch (e) {
    if (e.status === 401 || !ctx.current()) {
      throw e;
    }
    showProblem(form, e);
    return;
  }
  if (!ctx.current()) {
    return;
  }
  const dims = data.groupBy.filter((d) => d !== 'minute');
  const byMinute = data.groupBy.includes('minute');
  const summary = h('p', { id: 'analytics-summary' }, 'From ', when(data.from), ' to ', when(data.to), ` · ${data.rows.length} rows`,
    data.truncated ? ` (only the top ${data.top} groups by calls; there are more)` : '');
  const caption = `Calls, errors and latency ${GROUPINGS.find(([v]) => v === data.groupBy.join(','))?.[1] || `by ${data.groupBy.join(', ')}`}`;
  const columns = [...(byMinute ? ['Minute (UTC)'] : []), ...dims.map((d) => (d === 'statusClass' ? 'Status class' : d[0].toUpperCase() + d.slice(1))),
    { label: 'Calls', num: true }, { label: 'Errors', num: true }, { label: 'p50 ms', num: true }, { label: 'p90 ms', num: true }, { label: 'p99 ms', num: true }];
  const rows = data.rows.map((r) => h('tr', null,
    byMinute ? h('td', null, when(r.minute)) : null,
    dims.map((d) => h('td', null, d === 'app' && r.appName ? `${r.appName} (${r.app})` : String(r[d] ?? '-'))),
    h('td', { class: 'num' }, r.calls), h('td', { class: 'num' }, r.errors),
    h('td', { class: 'num' }, ms(r.p50Ms)), h('td', { class: 'num' }, ms(r.p90Ms)), h('td', { class: 'num' }, ms(r.p99Ms))));
  const chartNote = h('p', { class: 'muted', id: 'analytics-chart-note', role: 'status' });
  const canvas = h('canvas', { id: 'analytics-chart', role: 'img', 'aria-label': `Chart: ${caption}. The table below lists the same figures.` }, 'The table below lists the same figures.');
  put(root, 
    summary,
    data.rows.length ? h('div', { class: 'chart-box' }, canvas) : h('p', null, 'No calls were counted in this range. A minute appears once it has ended and every replica has written it.'),
    chartNote,
    data.rows.length ? table(caption, columns, rows, { id: 'analytics-table' }) : null,
  );
  if (!data.rows.length) {
    return;
  }
  let Chart;
  try {
    Chart = await loadChart();
  } catch (e) {
    chartNote.textContent = 'The chart is not available (Chart.js could not be loaded); the table has every figure.';
    return;
  }
  if (!ctx.current()) {
    return;
  }
  chart = new Chart(canvas, byMinute ? lineConfig(data, dims) : barConfig(data, dims));
}

function lineConfig(data, dims) {
  const minutes = [...new Set(data.rows.map((r) => r.minute))].sort();
  const totals = new Map();
  data.rows.forEach((r) => {
    const k = groupKey(r, dims);
    totals.set(k, (totals.get(k) || 0) + r.calls);
  });
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map(([k]) => k);
  const datasets = keys.map((k, i) => {
    const perMinute = new Map();
    data.rows.filter((r) => groupKey(r, dims) === k).forEach((r) => perMinute.set(r.minute, (perMinute.get(r.minute) || 0) + r.calls));
    return { label: k, data: minutes.map((m) => perMinute.get(m) || 0), borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], tension: 0.2 };
  });
  return {
    type: 'line',
    data: { labels: minutes.map((m) => m.slice(11, 16)), datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: 'calls per minute' } }, x: { title: { display: true, text: 'minute (UTC)' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}

function barConfig(data, dims) {
  const rows = data.rows.slice(0, 30);
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => groupKey(r, dims)),
      datasets: [
        { label: 'calls', data: rows.map((r) => r.calls), backgroundColor: PALETTE[0] },
        { label: 'errors', data: rows.map((r) => r.errors), backgroundColor: PALETTE[4] },
      ],
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { position: 'bottom' } } },
  };
}
