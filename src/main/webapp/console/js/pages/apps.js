// Apps, their credentials (API keys, client certificates) and their subscriptions. Secrets are
// shown once, in a dialog, right after the API returns them.
import { api, listAll } from '../api.js';
import { h, put, clear, field, table, pager, facts, when, stateBadge, showProblem, clearProblem, showSecrets, confirmChange } from '../dom.js';
import { text, optionalText, compact } from '../forms.js';

const listState = { page: 0, name: '' };
let flash = '';

export async function render(ctx) {
  if (ctx.args.length === 0) {
    return renderList(ctx);
  }
  return renderOne(ctx, ctx.args[0]);
}

function flashBox() {
  const box = h('div', { class: 'notice', role: 'status', id: 'app-flash' }, flash);
  flash = '';
  return box;
}

/** A throwaway form to show a problem of an action that has no form of its own. */
function actionProblem(holder, e) {
  const f = h('form', { 'aria-label': 'Last action' });
  clear(holder).append(f);
  showProblem(f, e);
}

async function renderList(ctx) {
  const { root } = ctx;
  const p = await api('GET', '/apps', { params: { name: listState.name, page: listState.page, size: 20 } });
  if (!ctx.current()) {
    return;
  }
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter apps' },
    field({ id: 'app-filter-name', label: 'Name contains', type: 'search', value: listState.name }).wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    listState.name = filter.querySelector('#app-filter-name').value.trim();
    listState.page = 0;
    ctx.reload();
  });
  const rows = p.items.map((a) =>
    h(
      'tr',
      { dataset: { id: a.id, name: a.name, state: a.state } },
      h('td', null, h('a', { href: `#/apps/${a.id}` }, a.name)),
      h('td', null, a.owner || '—'),
      h('td', null, h('code', null, a.clientId)),
      h('td', null, stateBadge(a.state)),
      h('td', { class: 'num' }, a.credentials.filter((c) => !c.revokedAt).length),
      h('td', null, when(a.createdAt)),
    ),
  );
  const formHolder = h('div');
  put(root, 
    h('h1', null, 'Apps and credentials'),
    flashBox(),
    ctx.admin
      ? h('div', { class: 'toolbar' }, h('button', {
        type: 'button',
        id: 'app-new',
        onclick: () => {
          clear(formHolder).append(createForm(ctx, () => clear(formHolder)));
          formHolder.querySelector('#app-name').focus();
        },
      }, 'New app'))
      : null,
    formHolder,
    filter,
    p.items.length ? table('Apps', ['Name', 'Owner', 'Client id', 'State', { label: 'Active credentials', num: true }, 'Created'], rows, { id: 'app-table' }) : h('p', null, 'No app yet.'),
    pager(p, (n) => {
      listState.page = n;
      ctx.reload();
    }, 'Apps'),
  );
}

function createForm(ctx, close) {
  const form = h('form', { class: 'form', id: 'app-form', novalidate: true, 'aria-labelledby': 'app-form-heading' },
    h('h2', { id: 'app-form-heading' }, 'New app'),
    h('div', { class: 'field-row' },
      field({ id: 'app-name', label: 'Name', field: 'name', required: true, hint: 'Letters, digits, ".", "_" or "-".' }).wrap,
      field({ id: 'app-owner', label: 'Owner', field: 'owner', hint: 'Who to contact, e.g. a team.' }).wrap,
      field({ id: 'app-clientId', label: 'Client id', field: 'clientId', hint: 'Optional; generated when empty.' }).wrap),
    h('p', { class: 'hint' }, 'The client secret and a first API key are generated and shown once.'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'app-save' }, 'Create app'),
      h('button', { type: 'button', class: 'secondary', onclick: close }, 'Close without saving')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const body = compact({ name: text(form, 'app-name'), owner: optionalText(form, 'app-owner'), clientId: optionalText(form, 'app-clientId') });
    let created;
    try {
      created = await api('POST', '/apps', { body });
    } catch (e) {
      showProblem(form, e);
      return;
    }
    const items = [
      { label: 'Client id', value: created.clientId, key: 'clientId' },
      { label: 'Client secret', value: created.clientSecret, key: 'clientSecret' },
    ];
    if (created.apiKey) {
      items.push({ label: 'API key', value: created.apiKey.key, key: 'apiKey' });
    }
    flash = `Created the app ${created.name} (id ${created.id}).`;
    await showSecrets(`App ${created.name} created`, 'The app calls APIs with the API key (header X-API-Key) or with its client id and secret.', items);
    ctx.go(`#/apps/${created.id}`);
  });
  return form;
}

async function renderOne(ctx, id) {
  const { root } = ctx;
  const [app, subs, products] = await Promise.all([
    api('GET', `/apps/${encodeURIComponent(id)}`),
    api('GET', '/subscriptions', { params: { appId: id, size: 500 } }),
    listAll('/products'),
  ]);
  if (!ctx.current()) {
    return;
  }
  ctx.setTitle(`App ${app.name}`);
  const status = h('div', { role: 'status', id: 'app-action-status' });
  const act = async (fn, done) => {
    try {
      await fn();
      flash = done;
      ctx.reload();
    } catch (e) {
      actionProblem(status, e);
    }
  };
  put(root, 
    h('p', null, h('a', { href: '#/apps' }, '← All apps')),
    h('h1', null, `App ${app.name}`),
    flashBox(),
    h('div', { id: 'app-detail', dataset: { id: app.id, state: app.state } }, facts([
      ['Id', String(app.id)],
      ['Owner', app.owner || '—'],
      ['Client id', h('code', null, app.clientId)],
      ['State', stateBadge(app.state)],
      ['Created', when(app.createdAt)],
    ])),
    ctx.admin
      ? h('div', { class: 'toolbar' },
        app.state === 'active'
          ? h('button', { type: 'button', class: 'secondary', id: 'app-suspend', onclick: () => act(() => api('POST', `/apps/${app.id}/suspend`), `Suspended ${app.name}: its calls are refused.`) }, 'Suspend app')
          : h('button', { type: 'button', id: 'app-reactivate', onclick: () => act(() => api('POST', `/apps/${app.id}/reactivate`), `Reactivated ${app.name}.`) }, 'Reactivate app'),
        h('button', {
          type: 'button',
          class: 'danger',
          id: 'app-delete',
          onclick: async () => {
            if (!confirmChange(`Delete the app ${app.name}, its credentials and subscriptions?`)) {
              return;
            }
            try {
              await api('DELETE', `/apps/${app.id}`);
              flash = `Deleted ${app.name}.`;
              ctx.go('#/apps');
            } catch (e) {
              actionProblem(status, e);
            }
          },
        }, 'Delete app'))
      : null,
    status,
    credentialsSection(ctx, app, act),
    subscriptionsSection(ctx, app, subs.items, products, act),
  );
}

function credentialsSection(ctx, app, act) {
  const rows = app.credentials.map((c) =>
    h(
      'tr',
      { dataset: { credentialId: c.id, kind: c.kind } },
      h('td', null, c.kind),
      h('td', null, c.prefix ? h('code', null, `${c.prefix}…`) : '—'),
      h('td', null, c.label || '—'),
      h('td', null, c.subject || '—'),
      h('td', null, when(c.createdAt)),
      h('td', null, when(c.expiresAt)),
      h('td', null, c.revokedAt ? when(c.revokedAt) : 'no'),
      ctx.admin
        ? h('td', null, c.revokedAt ? '' : h('button', {
          type: 'button',
          class: 'small danger',
          'aria-label': `Revoke ${c.kind} ${c.prefix || c.id}`,
          onclick: () => {
            if (confirmChange(`Revoke this ${c.kind}? Calls with it are refused at once.`)) {
              act(() => api('POST', `/apps/${app.id}/credentials/${c.id}/revoke`), 'Revoked the credential.');
            }
          },
        }, 'Revoke'))
        : null,
    ),
  );
  const columns = ['Kind', 'Prefix', 'Label', 'Subject', 'Created', 'Expires', 'Revoked'];
  if (ctx.admin) {
    columns.push('Actions');
  }
  const section = h('section', { 'aria-labelledby': 'credentials-heading' },
    h('h2', { id: 'credentials-heading' }, 'Credentials'),
    rows.length ? table(`Credentials of ${app.name}`, columns, rows, { id: 'credential-table' }) : h('p', null, 'No credential.'));
  if (!ctx.admin) {
    return section;
  }
  const keyForm = h('form', { class: 'form', id: 'key-form', novalidate: true, 'aria-labelledby': 'key-form-heading' },
    h('h3', { id: 'key-form-heading' }, 'Add an API key'),
    h('div', { class: 'field-row' },
      field({ id: 'key-label', label: 'Label', field: 'label', hint: 'Optional, e.g. where it is used.' }).wrap,
      field({ id: 'key-expiresAt', label: 'Expires at', field: 'expiresAt', placeholder: '2030-01-01T00:00:00Z', hint: 'Optional ISO-8601 instant (UTC).' }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'key-add' }, 'Add API key')));
  keyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(keyForm);
    try {
      const key = await api('POST', `/apps/${app.id}/credentials`, { body: compact({ label: optionalText(keyForm, 'key-label'), expiresAt: optionalText(keyForm, 'key-expiresAt') }) });
      flash = `Added an API key (${key.prefix}…).`;
      await showSecrets('New API key', `For the app ${app.name}.`, [{ label: 'API key', value: key.key, key: 'apiKey' }]);
      ctx.reload();
    } catch (e) {
      showProblem(keyForm, e);
    }
  });
  const certForm = h('form', { class: 'form', id: 'cert-form', novalidate: true, 'aria-labelledby': 'cert-form-heading' },
    h('h3', { id: 'cert-form-heading' }, 'Register a client certificate'),
    h('p', { class: 'hint' }, 'Paste the certificate (PEM, leaf first) or give its SHA-256 thumbprint; one of the two.'),
    field({ id: 'cert-pem', label: 'Certificate (PEM)', type: 'textarea', field: 'certificate', cls: 'pem', spellcheck: false, placeholder: '-----BEGIN CERTIFICATE-----' }).wrap,
    h('div', { class: 'field-row' },
      field({ id: 'cert-sha256', label: 'SHA-256 thumbprint', field: 'certificateSha256', hint: '64 hex digits, colons allowed.', spellcheck: false }).wrap,
      field({ id: 'cert-label', label: 'Label', field: 'label' }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'cert-register' }, 'Register certificate')));
  certForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(certForm);
    const pem = certForm.querySelector('#cert-pem').value.trim();
    const body = compact({ certificate: pem || undefined, certificateSha256: optionalText(certForm, 'cert-sha256'), label: optionalText(certForm, 'cert-label') });
    if (!body.certificate && !body.certificateSha256) {
      showProblem(certForm, { problem: { title: 'Nothing to register', violations: [{ field: 'certificate', message: 'paste a PEM certificate or give a thumbprint' }] } });
      return;
    }
    try {
      const cert = await api('POST', `/apps/${app.id}/credentials`, { body });
      flash = `Registered the certificate ${cert.certificateSha256 || ''}.`;
      ctx.reload();
    } catch (e) {
      showProblem(certForm, e);
    }
  });
  put(section, keyForm, certForm);
  return section;
}

function subscriptionsSection(ctx, app, subs, products, act) {
  const rows = subs.map((s) =>
    h('tr', { dataset: { subscriptionId: s.id, state: s.state } },
      h('td', { class: 'num' }, s.id),
      h('td', null, h('a', { href: `#/products/${s.productId}` }, s.product)),
      h('td', null, h('code', null, s.plan)),
      h('td', null, stateBadge(s.state)),
      h('td', null, when(s.updatedAt))));
  const section = h('section', { 'aria-labelledby': 'app-subs-heading' },
    h('h2', { id: 'app-subs-heading' }, 'Subscriptions'),
    rows.length ? table(`Subscriptions of ${app.name}`, [{ label: 'Id', num: true }, 'Product', 'Plan', 'State', 'Updated'], rows, { id: 'app-subscription-table' }) : h('p', null, 'No subscription.'),
    h('p', null, h('a', { href: '#/subscriptions' }, 'Manage subscriptions in the approval queue')));
  if (!ctx.admin) {
    return section;
  }
  const select = h('select', { id: 'subscribe-plan', name: 'planId', dataset: { field: 'planId' }, 'aria-describedby': 'subscribe-plan-error' },
    h('option', { value: '' }, 'Choose a plan'),
    products.filter((p) => p.plans.length).map((p) => h('optgroup', { label: p.title || p.name }, p.plans.map((pl) => h('option', { value: pl.id }, `${p.name} / ${pl.name}${pl.approvalRequired ? ' (needs approval)' : ''}`)))));
  const form = h('form', { class: 'form', id: 'subscribe-form', novalidate: true, 'aria-labelledby': 'subscribe-heading' },
    h('h3', { id: 'subscribe-heading' }, 'Subscribe this app to a plan'),
    h('div', { class: 'field' }, h('label', { for: 'subscribe-plan' }, 'Plan'), select, h('p', { class: 'field-error', id: 'subscribe-plan-error' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'subscribe-save' }, 'Subscribe')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const planId = select.value;
    if (!planId) {
      showProblem(form, { problem: { title: 'Choose a plan', violations: [{ field: 'planId', message: 'is required' }] } });
      return;
    }
    try {
      const s = await api('POST', '/subscriptions', { body: { appId: app.id, planId: Number(planId) } });
      flash = `Subscribed to ${s.product} / ${s.plan}: ${s.state}.`;
      ctx.reload();
    } catch (e) {
      showProblem(form, e);
    }
  });
  put(section, form);
  return section;
}
