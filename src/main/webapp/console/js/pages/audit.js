// The audit log: every admin write, newest first, filtered by time, actor and entity.
import { api } from '../api.js';
import { h, put, field, table, pager, when, jsonBlock, showProblem } from '../dom.js';
import { optionalText } from '../forms.js';

const ENTITY_TYPES = ['', 'api', 'product', 'plan', 'app', 'credential', 'subscription', 'signing-key'];
const filter = { from: '', to: '', actor: '', entityType: '', entityId: '', page: 0 };

export async function render(ctx) {
  const { root } = ctx;
  const form = h('form', { class: 'form', id: 'audit-filter', role: 'search', 'aria-label': 'Filter the audit log', novalidate: true },
    h('div', { class: 'field-row' },
      field({ id: 'audit-from', label: 'From', field: 'from', value: filter.from, placeholder: '2030-01-01T00:00:00Z', hint: 'ISO-8601 instant, inclusive.', spellcheck: false }).wrap,
      field({ id: 'audit-to', label: 'To', field: 'to', value: filter.to, placeholder: '2030-01-02T00:00:00Z', hint: 'ISO-8601 instant, exclusive.', spellcheck: false }).wrap,
      field({ id: 'audit-actor', label: 'Actor', field: 'actor', value: filter.actor, hint: 'Exact, e.g. meshgate-admin.' }).wrap),
    h('div', { class: 'field-row' },
      field({ id: 'audit-entityType', label: 'Entity type', type: 'select', field: 'entityType', value: filter.entityType, options: ENTITY_TYPES.map((t) => ({ value: t, label: t || 'any' })) }).wrap,
      field({ id: 'audit-entityId', label: 'Entity id', field: 'entityId', value: filter.entityId }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', id: 'audit-apply' }, 'Filter')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(filter, {
      from: optionalText(form, 'audit-from') || '',
      to: optionalText(form, 'audit-to') || '',
      actor: optionalText(form, 'audit-actor') || '',
      entityType: form.querySelector('#audit-entityType').value,
      entityId: optionalText(form, 'audit-entityId') || '',
      page: 0,
    });
    ctx.reload();
  });
  put(root, h('h1', null, 'Audit log'), form);
  let p;
  try {
    p = await api('GET', '/audit', { params: { ...filter, size: 25 } });
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
  const rows = p.items.map((ev) => h('tr', { dataset: { id: ev.id } },
    h('td', null, when(ev.at)),
    h('td', null, ev.actor),
    h('td', null, h('code', null, ev.operation)),
    h('td', null, ev.entityType),
    h('td', null, ev.entityId),
    h('td', null, ev.before === null && ev.after === null ? '—' : h('details', null,
      h('summary', null, 'Before and after'),
      h('h3', null, 'Before'), ev.before === null ? h('p', null, 'nothing') : jsonBlock(ev.before, `Before event ${ev.id}`),
      h('h3', null, 'After'), ev.after === null ? h('p', null, 'nothing') : jsonBlock(ev.after, `After event ${ev.id}`)))));
  put(root, 
    p.items.length ? table('Audit events, newest first', ['At (UTC)', 'Actor', 'Operation', 'Entity type', 'Entity id', 'Change'], rows, { id: 'audit-table' }) : h('p', null, 'No event matches.'),
    pager(p, (n) => {
      filter.page = n;
      ctx.reload();
    }, 'Audit events'),
  );
}
