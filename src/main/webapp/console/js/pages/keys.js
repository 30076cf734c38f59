// Signing keys: their states over time, publishing and scheduling a rotation. The earliest instant
// a rotation may activate is not readable beforehand: scheduling without an instant takes it, and
// a too-early instant is refused with a detail that names it (KEY_ACTIVATION_TOO_EARLY).
import { api } from '../api.js';
import { h, put, field, table, when, stateBadge, showProblem, clearProblem, announce } from '../dom.js';
import { optionalText, compact } from '../forms.js';

let flash = '';

function timeline(k) {
  const now = Date.now();
  const step = (past, future, iso) => {
    if (!iso) {
      return null;
    }
    const ahead = new Date(iso).getTime() > now;
    return h('li', { class: ahead ? 'future' : null }, `${ahead ? future : past} `, when(iso));
  };
  return h('ol', { class: 'timeline', 'aria-label': `Timeline of ${k.kid}` },
    step('created', 'created', k.createdAt),
    step('published', 'publishes', k.publishedAt),
    step('activated', 'activates', k.activatesAt),
    step('retired', 'retires', k.retiresAt));
}

/** The instant named in a KEY_ACTIVATION_TOO_EARLY detail. */
export function earliestFromDetail(detail) {
  const m = /earliest allowed instant is (\S+?Z)/.exec(detail || '');
  return m ? m[1] : null;
}

export async function render(ctx) {
  const { root } = ctx;
  const keys = await api('GET', '/keys');
  if (!ctx.current()) {
    return;
  }
  const flashBox = h('div', { class: 'notice', role: 'status', id: 'key-flash' }, flash);
  flash = '';
  const status = h('div', { role: 'status' });
  const rows = keys.map((k) =>
    h('tr', { dataset: { kid: k.kid, state: k.state } },
      h('td', null, h('code', null, k.kid)),
      h('td', null, k.alg),
      h('td', null, stateBadge(k.state)),
      h('td', null, timeline(k)),
      ctx.admin
        ? h('td', null, k.state === 'staged'
          ? h('button', {
            type: 'button',
            class: 'small',
            'aria-label': `Publish key ${k.kid}`,
            onclick: async () => {
              try {
                await api('POST', `/keys/${encodeURIComponent(k.kid)}/publish`);
                flash = `Published ${k.kid}: it is in the JWKS now and may be scheduled.`;
                ctx.reload();
              } catch (e) {
                const f = h('form', { 'aria-label': 'Last action' });
                status.replaceChildren(f);
                showProblem(f, e);
              }
            },
          }, 'Publish')
          : '')
        : null));
  const columns = ['Key id', 'Algorithm', 'State now', 'Timeline (UTC)'];
  if (ctx.admin) {
    columns.push('Actions');
  }
  put(root, 
    h('h1', null, 'Signing keys'),
    flashBox,
    h('p', null, 'A new key is published (served in the JWKS) before it signs, so the mesh has fetched it by then; a replaced key stays in the JWKS until every token it signed has expired.'),
    status,
    table('Signing keys', columns, rows, { id: 'key-table' }),
  );
  if (ctx.admin) {
    put(root, rotationForm(ctx, keys), newKeyForm(ctx));
  }
}

function rotationForm(ctx, keys) {
  const candidates = keys.filter((k) => k.publishedAt && !k.activatesAt);
  const form = h('form', { class: 'form', id: 'rotation-form', novalidate: true, 'aria-labelledby': 'rotation-heading' });
  const result = h('div', { role: 'status', id: 'rotation-result' });
  put(form, 
    h('h2', { id: 'rotation-heading' }, 'Schedule a rotation'),
    h('p', { class: 'hint' }, 'The next key activates at the instant you give, or at the earliest allowed instant when you leave it empty (published + the mesh refresh interval + the margin). Only one rotation may be pending.'),
    h('div', { class: 'field-row' },
      field({
        id: 'rotation-kid',
        label: 'Key to activate',
        type: 'select',
        field: 'kid',
        options: [{ value: '', label: 'a new key, published now' }, ...candidates.map((k) => ({ value: k.kid, label: `${k.kid} (${k.alg}, published)` }))],
      }).wrap,
      field({ id: 'rotation-at', label: 'Activates at', field: 'at', placeholder: '2030-01-01T00:00:00Z', hint: 'Optional ISO-8601 instant (UTC); empty: the earliest allowed.', spellcheck: false }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'rotation-schedule' }, 'Schedule rotation')),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    result.replaceChildren();
    try {
      const key = await api('POST', '/keys/rotation', { body: compact({ kid: optionalText(form, 'rotation-kid'), at: optionalText(form, 'rotation-at') }) });
      flash = `Scheduled ${key.kid} to activate at ${key.activatesAt}.`;
      announce(flash);
      ctx.reload();
    } catch (e) {
      showProblem(form, e);
      const earliest = e.problem && e.problem.errorKey === 'KEY_ACTIVATION_TOO_EARLY' ? earliestFromDetail(e.problem.detail) : null;
      if (earliest) {
        put(result, 
          h('p', null, 'Earliest allowed instant: ', h('strong', { id: 'rotation-earliest' }, when(earliest)), ' '),
          h('button', {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              form.querySelector('#rotation-at').value = earliest;
              form.querySelector('#rotation-at').focus();
            },
          }, 'Use this instant'),
        );
      }
    }
  });
  return form;
}

function newKeyForm(ctx) {
  const form = h('form', { class: 'form', id: 'new-key-form', novalidate: true, 'aria-labelledby': 'new-key-heading' },
    h('h2', { id: 'new-key-heading' }, 'Create a key'),
    h('p', { class: 'hint' }, 'A published key is served in the JWKS but signs nothing until a rotation activates it.'),
    h('div', { class: 'field-row' },
      field({ id: 'new-key-alg', label: 'Algorithm', type: 'select', field: 'alg', options: [{ value: '', label: 'the configured default' }, { value: 'ES256' }, { value: 'RS256' }] }).wrap),
    field({ id: 'new-key-publish', label: 'Publish at once', type: 'checkbox', field: 'publish', value: true }).wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'new-key-create' }, 'Create key')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      const key = await api('POST', '/keys', { body: compact({ alg: optionalText(form, 'new-key-alg'), publish: form.querySelector('#new-key-publish').checked }) });
      flash = `Created ${key.kid} (${key.state}).`;
      ctx.reload();
    } catch (e) {
      showProblem(form, e);
    }
  });
  return form;
}
