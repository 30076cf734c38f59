// Products (bundles of APIs) and their plans (limits, scopes, approval).
import { api, listAll } from '../api.js';
import { h, put, clear, field, table, pager, facts, when, showProblem, clearProblem, announce, confirmChange } from '../dom.js';
import { text, optionalText, optionalInt, checked, localProblem, compact } from '../forms.js';

const listState = { page: 0, name: '' };
let flash = '';

export async function render(ctx) {
  if (ctx.args.length === 0) {
    return renderList(ctx);
  }
  return renderOne(ctx, ctx.args[0]);
}

function flashBox() {
  const box = h('div', { class: 'notice', role: 'status', id: 'product-flash' }, flash);
  flash = '';
  return box;
}

function apiLabel(a) {
  return `${a.name}${a.version ? ` ${a.version}` : ''} (${a.basePath})`;
}

async function renderList(ctx) {
  const { root } = ctx;
  const [p, apis] = await Promise.all([
    api('GET', '/products', { params: { name: listState.name, page: listState.page, size: 20 } }),
    listAll('/apis'),
  ]);
  if (!ctx.current()) {
    return;
  }
  const byId = new Map(apis.map((a) => [a.id, a]));
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter products' },
    field({ id: 'product-filter-name', label: 'Name contains', type: 'search', value: listState.name }).wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    listState.name = filter.querySelector('#product-filter-name').value.trim();
    listState.page = 0;
    ctx.reload();
  });
  const rows = p.items.map((prod) =>
    h(
      'tr',
      { dataset: { id: prod.id, name: prod.name } },
      h('td', null, h('a', { href: `#/products/${prod.id}` }, prod.name)),
      h('td', null, prod.title || '—'),
      h('td', null, prod.apis.length ? prod.apis.map((id) => (byId.has(id) ? apiLabel(byId.get(id)) : `#${id}`)).join(', ') : '—'),
      h('td', null, prod.plans.length ? prod.plans.map((pl) => pl.name + (pl.approvalRequired ? ' (approval)' : '')).join(', ') : '—'),
      h('td', null, when(prod.createdAt)),
    ),
  );
  put(root, 
    h('h1', null, 'Products and plans'),
    flashBox(),
    ctx.admin ? h('div', { class: 'toolbar' }, h('a', { class: 'button', href: '#/products/new', id: 'product-new' }, 'New product')) : null,
    filter,
    p.items.length ? table('Products', ['Name', 'Title', 'APIs', 'Plans', 'Created'], rows, { id: 'product-table' }) : h('p', null, 'No product yet.'),
    pager(p, (n) => {
      listState.page = n;
      ctx.reload();
    }, 'Products'),
  );
}

async function renderOne(ctx, id) {
  const { root } = ctx;
  const isNew = id === 'new';
  if (isNew && !ctx.admin) {
    put(root, h('h1', null, 'New product'), h('p', null, 'Only admins can create products.'));
    return;
  }
  const [prod, apis] = await Promise.all([isNew ? null : api('GET', `/products/${encodeURIComponent(id)}`), listAll('/apis')]);
  if (!ctx.current()) {
    return;
  }
  const heading = isNew ? 'New product' : `Product ${prod.name}`;
  ctx.setTitle(heading);
  put(root, h('p', null, h('a', { href: '#/products' }, '← All products')), h('h1', null, heading), flashBox());
  const byId = new Map(apis.map((a) => [a.id, a]));
  if (ctx.admin) {
    put(root, productForm(ctx, prod, apis));
  } else {
    put(root, 
      facts([
        ['Id', String(prod.id)],
        ['Name', prod.name],
        ['Title', prod.title || '—'],
        ['APIs', prod.apis.length ? h('ul', null, prod.apis.map((a) => h('li', null, byId.has(a) ? h('a', { href: `#/apis/${a}` }, apiLabel(byId.get(a))) : `#${a}`))) : '—'],
        ['Created', when(prod.createdAt)],
      ]),
    );
  }
  if (prod) {
    put(root, plansSection(ctx, prod));
  }
}

function productForm(ctx, prod, apis) {
  const chosen = new Set(prod ? prod.apis : []);
  const form = h('form', { class: 'form', id: 'product-form', novalidate: true, dataset: prod ? { id: prod.id } : {} });
  const apiList = h(
    'ul',
    { class: 'checklist', id: 'product-apis' },
    apis.map((a) =>
      h('li', null,
        h('input', { type: 'checkbox', id: `product-api-${a.id}`, value: a.id, checked: chosen.has(a.id), dataset: { apiId: a.id } }),
        h('label', { for: `product-api-${a.id}` }, apiLabel(a), ' ', h('span', { class: 'muted' }, `· ${a.state}`))),
    ),
  );
  const apisError = h('p', { class: 'field-error', id: 'product-apis-fieldset-error' });
  put(form, 
    h('div', { class: 'field-row' },
      field({ id: 'product-name', label: 'Name', field: 'name', value: prod ? prod.name : '', required: true, hint: 'Sent to the mesh as x-api-product: letters, digits, ".", "_" or "-".' }).wrap,
      field({ id: 'product-title', label: 'Title', field: 'title', value: prod ? prod.title || '' : '', hint: 'For people; defaults to the name.' }).wrap),
    h('fieldset', { id: 'product-apis-fieldset', dataset: { field: 'apis' }, 'aria-describedby': 'product-apis-fieldset-error' },
      h('legend', null, 'APIs in this product'),
      apis.length ? apiList : h('p', null, 'No API exists yet: create one first.'),
      apisError),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'product-save' }, prod ? 'Save product' : 'Create product'),
      prod
        ? h('button', {
          type: 'button',
          class: 'danger',
          id: 'product-delete',
          onclick: async () => {
            if (!confirmChange(`Delete the product ${prod.name} and its plans?`)) {
              return;
            }
            try {
              await api('DELETE', `/products/${prod.id}`);
              flash = `Deleted ${prod.name}.`;
              ctx.go('#/products');
            } catch (e) {
              showProblem(form, e);
            }
          },
        }, 'Delete product')
        : null),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const body = compact({
      name: text(form, 'product-name'),
      title: optionalText(form, 'product-title'),
      apis: Array.from(form.querySelectorAll('#product-apis input:checked')).map((c) => Number(c.value)),
    });
    try {
      const saved = prod ? await api('PUT', `/products/${prod.id}`, { body }) : await api('POST', '/products', { body });
      flash = prod ? `Saved ${saved.name}.` : `Created ${saved.name} (id ${saved.id}). Add its plans below.`;
      ctx.go(`#/products/${saved.id}`);
    } catch (e) {
      showProblem(form, e);
    }
  });
  return form;
}

function limitText(pl) {
  const parts = [];
  if (pl.rateLimit) {
    parts.push(`${pl.rateLimit.limit}/${pl.rateLimit.per || 'second'}`);
  }
  if (pl.burst) {
    parts.push(`burst ${pl.burst.limit} in ${pl.burst.windowMs} ms`);
  }
  if (pl.quota) {
    parts.push(`quota ${pl.quota.limit}/${pl.quota.per} (${pl.quota.enforcement || 'hard'}${pl.quota.timeZone ? `, ${pl.quota.timeZone}` : ''})`);
  }
  return parts.length ? parts.join('; ') : 'unlimited';
}

function plansSection(ctx, prod) {
  const section = h('section', { 'aria-labelledby': 'plans-heading', id: 'plans' });
  const formHolder = h('div', { id: 'plan-form-holder' });
  const status = h('div', { role: 'status' });
  const openForm = (plan) => {
    clear(formHolder).append(planForm(ctx, prod, plan, () => clear(formHolder)));
    formHolder.querySelector('#plan-name').focus();
  };
  const rows = prod.plans.map((pl) =>
    h(
      'tr',
      { dataset: { planId: pl.id, planName: pl.name } },
      h('td', null, h('code', null, pl.name)),
      h('td', null, pl.title || '—'),
      h('td', null, pl.approvalRequired ? 'required' : 'no'),
      h('td', null, pl.scopes && pl.scopes.length ? pl.scopes.join(' ') : '—'),
      h('td', { class: 'num' }, pl.tokenTtlSeconds),
      h('td', null, limitText(pl)),
      h('td', null, pl.onLimiterError || 'fail-open'),
      ctx.admin
        ? h('td', null, h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'small secondary', 'aria-label': `Edit plan ${pl.name}`, onclick: () => openForm(pl) }, 'Edit'),
          h('button', {
            type: 'button',
            class: 'small danger',
            'aria-label': `Delete plan ${pl.name}`,
            onclick: async () => {
              if (!confirmChange(`Delete the plan ${pl.name}?`)) {
                return;
              }
              try {
                await api('DELETE', `/products/${prod.id}/plans/${pl.id}`);
                flash = `Deleted the plan ${pl.name}.`;
                ctx.reload();
              } catch (e) {
                const f = h('form', { 'aria-label': 'Last action' });
                clear(status).append(f);
                showProblem(f, e);
              }
            },
          }, 'Delete')))
        : null,
    ),
  );
  const columns = ['Name', 'Title', 'Approval', 'Scopes', { label: 'Token TTL (s)', num: true }, 'Limits', 'On limiter error'];
  if (ctx.admin) {
    columns.push('Actions');
  }
  put(section, 
    h('h2', { id: 'plans-heading' }, 'Plans'),
    prod.plans.length ? table(`Plans of ${prod.name}`, columns, rows, { id: 'plan-table' }) : h('p', null, 'No plan yet: apps cannot subscribe.'),
    status,
    ctx.admin ? h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'plan-new', onclick: () => openForm(null) }, 'New plan')) : null,
    formHolder,
  );
  return section;
}

function planForm(ctx, prod, pl, close) {
  const form = h('form', { class: 'form', id: 'plan-form', novalidate: true, 'aria-labelledby': 'plan-form-heading' });
  const per = (v, opts) => opts.map((o) => ({ value: o, label: o })).concat(v && !opts.includes(v) ? [{ value: v }] : []);
  put(form, 
    h('h3', { id: 'plan-form-heading' }, pl ? `Edit plan ${pl.name}` : 'New plan'),
    h('div', { class: 'field-row' },
      field({ id: 'plan-name', label: 'Name', field: 'name', value: pl ? pl.name : '', required: true, hint: 'Sent as x-client-plan: lowercase letters, digits or "-".' }).wrap,
      field({ id: 'plan-title', label: 'Title', field: 'title', value: pl ? pl.title || '' : '' }).wrap),
    field({ id: 'plan-approvalRequired', label: 'Subscriptions need approval', type: 'checkbox', field: 'approvalRequired', value: pl ? pl.approvalRequired : false }).wrap,
    h('div', { class: 'field-row' },
      field({ id: 'plan-scopes', label: 'Scopes', field: 'scopes', value: pl && pl.scopes ? pl.scopes.join(' ') : '', hint: 'Separated by spaces, e.g. orders:read orders:write.' }).wrap,
      field({ id: 'plan-tokenTtlSeconds', label: 'Mesh token lifetime (s)', type: 'number', min: 30, max: 86400, field: 'tokenTtlSeconds', value: pl ? pl.tokenTtlSeconds : '', hint: '30 to 86400; default 300.' }).wrap),
    h('fieldset', null, h('legend', null, 'Rate limit'),
      h('div', { class: 'field-row' },
        field({ id: 'plan-rate-limit', label: 'Calls', type: 'number', min: 1, field: 'rateLimit.limit', value: pl && pl.rateLimit ? pl.rateLimit.limit : '', hint: 'Empty: no rate limit.' }).wrap,
        field({ id: 'plan-rate-per', label: 'Per', type: 'select', field: 'rateLimit.per', value: pl && pl.rateLimit ? pl.rateLimit.per || 'second' : 'second', options: per(pl && pl.rateLimit && pl.rateLimit.per, ['second', 'minute', 'hour']) }).wrap)),
    h('fieldset', null, h('legend', null, 'Burst'),
      h('div', { class: 'field-row' },
        field({ id: 'plan-burst-limit', label: 'Calls', type: 'number', min: 1, field: 'burst.limit', value: pl && pl.burst ? pl.burst.limit : '', hint: 'Empty: no burst limit.' }).wrap,
        field({ id: 'plan-burst-windowMs', label: 'Window (ms)', type: 'number', min: 1, max: 3600000, field: 'burst.windowMs', value: pl && pl.burst ? pl.burst.windowMs : '' }).wrap)),
    h('fieldset', null, h('legend', null, 'Quota'),
      h('div', { class: 'field-row' },
        field({ id: 'plan-quota-limit', label: 'Calls', type: 'number', min: 1, field: 'quota.limit', value: pl && pl.quota ? pl.quota.limit : '', hint: 'Empty: no quota.' }).wrap,
        field({ id: 'plan-quota-per', label: 'Per', type: 'select', field: 'quota.per', value: pl && pl.quota ? pl.quota.per : 'day', options: per(pl && pl.quota && pl.quota.per, ['day', 'month']) }).wrap,
        field({ id: 'plan-quota-enforcement', label: 'Enforcement', type: 'select', field: 'quota.enforcement', value: pl && pl.quota ? pl.quota.enforcement || 'hard' : 'hard', options: [{ value: 'hard', label: 'hard (refuse beyond it)' }, { value: 'soft', label: 'soft (count and report)' }] }).wrap,
        field({ id: 'plan-quota-timeZone', label: 'Time zone', field: 'quota.timeZone', value: pl && pl.quota ? pl.quota.timeZone || '' : '', hint: 'IANA id; default UTC.' }).wrap)),
    field({ id: 'plan-onLimiterError', label: 'When the shared limiter store fails', type: 'select', field: 'onLimiterError', value: pl ? pl.onLimiterError || 'fail-open' : 'fail-open', options: [{ value: 'fail-open', label: 'fail-open (count on each replica)' }, { value: 'fail-closed', label: 'fail-closed (answer 503)' }] }).wrap,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'plan-save' }, pl ? 'Save plan' : 'Create plan'),
      h('button', { type: 'button', class: 'secondary', id: 'plan-close', onclick: close }, 'Close without saving')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const scopes = text(form, 'plan-scopes');
    const rateLimit = optionalInt(form, 'plan-rate-limit');
    const burst = optionalInt(form, 'plan-burst-limit');
    const quota = optionalInt(form, 'plan-quota-limit');
    const body = compact({
      name: text(form, 'plan-name'),
      title: optionalText(form, 'plan-title'),
      approvalRequired: checked(form, 'plan-approvalRequired'),
      scopes: scopes ? scopes.split(/\s+/) : [],
      tokenTtlSeconds: optionalInt(form, 'plan-tokenTtlSeconds'),
      rateLimit: rateLimit === undefined ? undefined : { limit: rateLimit, per: text(form, 'plan-rate-per') },
      burst: burst === undefined ? undefined : compact({ limit: burst, windowMs: optionalInt(form, 'plan-burst-windowMs') }),
      quota: quota === undefined ? undefined : compact({ limit: quota, per: text(form, 'plan-quota-per'), enforcement: text(form, 'plan-quota-enforcement'), timeZone: optionalText(form, 'plan-quota-timeZone') }),
      onLimiterError: text(form, 'plan-onLimiterError'),
    });
    if (body.burst && body.burst.windowMs === undefined) {
      showProblem(form, localProblem([{ field: 'burst.windowMs', message: 'is required with a burst limit' }]));
      return;
    }
    try {
      const saved = pl
        ? await api('PUT', `/products/${prod.id}/plans/${pl.id}`, { body })
        : await api('POST', `/products/${prod.id}/plans`, { body });
      flash = pl ? `Saved the plan ${saved.name}.` : `Created the plan ${saved.name} (id ${saved.id}).`;
      announce(flash);
      ctx.reload();
    } catch (e) {
      showProblem(form, e);
    }
  });
  return form;
}
