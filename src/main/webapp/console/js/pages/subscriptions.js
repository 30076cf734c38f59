// The approval queue: subscriptions by state (pending first), with their state changes, plan
// migration and usage. A state change updates its row in place, so an approved subscription stays
// visible as "active" until the list is reloaded.
import { api } from '../api.js';
import { h, put, clear, field, table, pager, when, stateBadge, showProblem, announce, facts, confirmChange } from '../dom.js';

const STATES = ['pending', 'active', 'suspended', 'cancelled'];
const listState = { page: 0, state: 'pending' };

/** Which transitions each state allows (SubscriptionTransitions). */
const ACTIONS = {
  pending: [['approve', 'Approve'], ['reject', 'Reject']],
  active: [['suspend', 'Suspend'], ['cancel', 'Cancel subscription']],
  suspended: [['resume', 'Resume'], ['cancel', 'Cancel subscription']],
  cancelled: [],
};
const CONFIRM = { reject: true, cancel: true };

async function appNames(ids) {
  const names = new Map();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      try {
        const app = await api('GET', `/apps/${id}`);
        names.set(id, app.name);
      } catch (e) {
        if (e.status === 401) {
          throw e;
        }
        names.set(id, `app #${id}`);
      }
    }),
  );
  return names;
}

export async function render(ctx) {
  const { root } = ctx;
  const p = await api('GET', '/subscriptions', { params: { state: listState.state, page: listState.page, size: 100 } });
  const names = await appNames(p.items.map((s) => s.appId));
  if (!ctx.current()) {
    return;
  }
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter subscriptions', id: 'subscription-filter' },
    field({
      id: 'subscription-state',
      label: 'State',
      type: 'select',
      value: listState.state,
      options: [...STATES.map((s) => ({ value: s })), { value: '', label: 'any state' }],
    }).wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Show'),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    listState.state = filter.querySelector('#subscription-state').value;
    listState.page = 0;
    ctx.reload();
  });
  const status = h('div', { role: 'status', id: 'subscription-status' });
  const tbodyRows = [];
  p.items.forEach((s) => {
    tbodyRows.push(row(ctx, s, names.get(s.appId), status));
  });
  const columns = [{ label: 'Id', num: true }, 'App', 'Product', 'Plan', 'State', 'Requested', 'Updated', 'Actions'];
  put(root, 
    h('h1', null, 'Approval queue'),
    h('p', null, 'Subscriptions to plans that need approval wait here as pending until an admin approves or rejects them.'),
    filter,
    status,
    p.items.length
      ? table(listState.state ? `Subscriptions that are ${listState.state}` : 'Subscriptions', columns, tbodyRows, { id: 'subscription-table' })
      : h('p', { id: 'subscription-empty' }, listState.state === 'pending' ? 'Nothing waits for approval.' : 'No subscription in this state.'),
    pager(p, (n) => {
      listState.page = n;
      ctx.reload();
    }, 'Subscriptions'),
  );
}

function row(ctx, s, appName, status) {
  const tr = h('tr', { dataset: { subscriptionId: s.id, appId: s.appId, appName: appName || '', state: s.state } });
  const detail = h('tr', { class: 'detail-row', hidden: true, dataset: { detailOf: s.id } }, h('td', { colspan: '8' }));
  const draw = (sub) => {
    tr.dataset.state = sub.state;
    clear(tr).append(
      h('td', { class: 'num' }, sub.id),
      h('td', null, h('a', { href: `#/apps/${sub.appId}` }, appName || `app #${sub.appId}`)),
      h('td', null, h('a', { href: `#/products/${sub.productId}` }, sub.product)),
      h('td', null, h('code', null, sub.plan)),
      h('td', { class: 'sub-state' }, stateBadge(sub.state)),
      h('td', null, when(sub.createdAt)),
      h('td', null, when(sub.updatedAt)),
      h('td', null, h('div', { class: 'row-actions' }, actions(sub))),
    );
  };
  const fail = (e) => {
    const f = h('form', { 'aria-label': 'Last action' });
    clear(status).append(f);
    showProblem(f, e);
  };
  const actions = (sub) => {
    const who = `${appName || `app #${sub.appId}`} / ${sub.plan}`;
    const out = [];
    if (ctx.admin) {
      ACTIONS[sub.state].forEach(([path, label]) => {
        out.push(h('button', {
          type: 'button',
          class: `small${path === 'reject' || path === 'cancel' ? ' danger' : path === 'approve' || path === 'resume' ? '' : ' secondary'}`,
          'aria-label': `${label} ${who}`,
          dataset: { action: path },
          onclick: async () => {
            if (CONFIRM[path] && !confirmChange(`${label} the subscription of ${who}?`)) {
              return;
            }
            try {
              const updated = await api('POST', `/subscriptions/${sub.id}/${path}`);
              clear(status);
              draw(updated);
              announce(`Subscription ${sub.id} of ${who} is now ${updated.state}.`);
              const again = tr.querySelector('button');
              if (again) {
                again.focus();
              }
            } catch (e) {
              fail(e);
            }
          },
        }, label));
      });
      if (sub.state === 'active' || sub.state === 'suspended') {
        out.push(h('button', { type: 'button', class: 'small secondary', 'aria-label': `Migrate plan of ${who}`, onclick: () => showMigrate(sub) }, 'Migrate plan'));
      }
    }
    out.push(h('button', { type: 'button', class: 'small secondary', 'aria-label': `Show usage of ${who}`, 'aria-expanded': 'false', onclick: (e) => toggleUsage(sub, e.currentTarget) }, 'Usage'));
    return out;
  };
  const cell = () => detail.firstChild;
  const toggleUsage = async (sub, button) => {
    if (!detail.hidden && detail.dataset.showing === 'usage') {
      detail.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    try {
      const u = await api('GET', `/subscriptions/${sub.id}/usage`);
      detail.dataset.showing = 'usage';
      clear(cell()).append(usageView(u, sub, ctx.admin ? async () => {
        if (!confirmChange(`Reset the usage counts of subscription ${sub.id}? Its windows and quota start from zero.`)) {
          return;
        }
        try {
          const fresh = await api('POST', `/subscriptions/${sub.id}/usage/reset`);
          clear(cell()).append(usageView(fresh, sub, null));
          announce(`Usage of subscription ${sub.id} reset.`);
        } catch (e) {
          fail(e);
        }
      } : null));
      detail.hidden = false;
      button.setAttribute('aria-expanded', 'true');
    } catch (e) {
      fail(e);
    }
  };
  const showMigrate = async (sub) => {
    let plans;
    try {
      plans = await api('GET', `/products/${sub.productId}/plans`);
    } catch (e) {
      fail(e);
      return;
    }
    const others = plans.filter((pl) => pl.id !== sub.planId);
    const form = h('form', { class: 'form', 'aria-label': `Migrate subscription ${sub.id}`, novalidate: true });
    const id = `migrate-${sub.id}-plan`;
    put(form, 
      others.length
        ? field({ id, label: `New plan for subscription ${sub.id}`, type: 'select', field: 'planId', options: others.map((pl) => ({ value: pl.id, label: `${pl.name}${pl.title ? ` — ${pl.title}` : ''}` })) }).wrap
        : h('p', null, 'The product has no other plan.'),
      h('div', { class: 'actions' },
        others.length ? h('button', { type: 'submit' }, 'Migrate') : null,
        h('button', { type: 'button', class: 'secondary', onclick: () => { detail.hidden = true; } }, 'Close')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const updated = await api('POST', `/subscriptions/${sub.id}/migrate`, { body: { planId: Number(form.querySelector(`#${id}`).value) } });
        detail.hidden = true;
        draw(updated);
        announce(`Subscription ${sub.id} moved to the plan ${updated.plan}.`);
      } catch (e) {
        showProblem(form, e);
      }
    });
    detail.dataset.showing = 'migrate';
    clear(cell()).append(form);
    detail.hidden = false;
    const first = form.querySelector('select, button');
    if (first) {
      first.focus();
    }
  };
  draw(s);
  return [tr, detail];
}

function windowText(w) {
  return w ? `${w.used} of ${w.limit} used in ${w.windowMs} ms; ${w.remaining} left; resets in ${w.resetSeconds} s` : 'none';
}

function usageView(u, sub, reset) {
  const pairs = [
    ['Plan', u.plan],
    ['Counted', u.counting === 'redis' ? 'shared by every replica (Redis)' : 'by the replica that answered (local)'],
    ['At', when(u.at)],
    ['Rate limit', windowText(u.rateLimit)],
    ['Burst', windowText(u.burst)],
    ['Quota', u.quota ? `${u.quota.used} of ${u.quota.limit} per ${u.quota.per} (${u.quota.period}, ${u.quota.enforcement}); ${u.quota.remaining} left${u.quota.exceeded ? '; exceeded' : ''}` : 'none'],
  ];
  return h('div', null, h('h2', null, `Usage of subscription ${sub.id}`), facts(pairs),
    reset ? h('button', { type: 'button', class: 'small danger', onclick: reset }, 'Reset usage counts') : null);
}

