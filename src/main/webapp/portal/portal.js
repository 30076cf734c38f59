// The developer portal: plain ES module, no build step. Every call goes to the portal API
// (/portal/api) with the session cookie; changes carry the session's CSRF token. Nothing secret is
// kept in the page beyond the moment it is shown.
const view = document.getElementById('view');
const alertBox = document.getElementById('alert');
const who = document.getElementById('who');
let session = { signedIn: false };

/** Builds an element: h('p', {class: 'x'}, 'text', child...). Text is never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function showError(problem) {
  alertBox.replaceChildren(
    h('strong', {}, problem.title || 'Error'), ' ', problem.detail || '',
    problem.violations && problem.violations.length
      ? h('ul', {}, problem.violations.map(v => h('li', {}, `${v.field}: ${v.message}`))) : null);
  alertBox.hidden = false;
  alertBox.focus?.();
}

function clearError() { alertBox.hidden = true; alertBox.replaceChildren(); }

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const res = await fetch('/portal/api' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : null;
  if (!res.ok) {
    const problem = data || { title: `HTTP ${res.status}` };
    if (res.status === 401) { session = { signedIn: false, demoSignIn: session.demoSignIn }; renderWho(); }
    throw problem;
  }
  return data;
}

async function loadSession() {
  session = await api('GET', '/session');
  renderWho();
}

function renderWho() {
  if (session.signedIn) {
    who.replaceChildren(
      h('span', {}, 'Signed in as ', h('strong', {}, session.name)),
      h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'));
  } else {
    who.replaceChildren(h('span', {}, 'Not signed in'));
  }
}

async function signOut() {
  try { await api('DELETE', '/session'); } catch (e) { /* the cookie is cleared either way */ }
  session = { signedIn: false, demoSignIn: session.demoSignIn };
  renderWho();
  location.hash = '#/catalog';
  route();
}

function signInPanel() {
  const panel = h('section', { class: 'card', 'aria-labelledby': 'signin-title' },
    h('h2', { id: 'signin-title' }, 'Sign in'));
  if (session.oidcSignIn) {
    panel.append(h('p', {}, h('a', { class: 'button', href: '/portal/api/session/oidc/login', id: 'oidc-sign-in' },
      'Sign in with your organization account')));
  }
  if (session.demoSignIn) {
    const input = h('input', { id: 'demo-developer', name: 'developer', required: true,
      autocomplete: 'username', pattern: '[a-z][a-z0-9\\-]{0,31}' });
    panel.append(
      h('p', {}, 'Demo mode: sign in as any demo developer by name (lower-case letters, digits, -).'),
      h('form', { class: 'inline', onsubmit: async (e) => {
        e.preventDefault();
        clearError();
        try {
          await api('POST', '/session/demo', { developer: input.value });
          await loadSession();
          route();
        } catch (p) { showError(p); }
      } },
      h('div', {}, h('label', { for: 'demo-developer' }, 'Developer name'), input),
      h('button', { type: 'submit' }, 'Sign in')));
  } else if (!session.oidcSignIn) {
    panel.append(h('p', {}, 'Sign-in is not configured on this gateway. Ask your platform team.'));
  }
  return panel;
}

function limits(plan) {
  const parts = [];
  if (plan.rateLimit) parts.push(`${plan.rateLimit.limit} calls per ${plan.rateLimit.per}`);
  if (plan.burst) parts.push(`bursts of ${plan.burst.limit}`);
  if (plan.quota) parts.push(`${plan.quota.limit} calls per ${plan.quota.per}`);
  return parts.length ? parts.join(', ') : 'no limits';
}

async function renderCatalog() {
  document.title = 'Products · Developer portal · meshgate';
  const [catalog, apps] = await Promise.all([
    api('GET', '/catalog'),
    session.signedIn ? api('GET', '/apps') : Promise.resolve([]),
  ]);
  const out = [h('h1', {}, 'Products')];
  if (!session.signedIn) out.push(signInPanel());
  if (!catalog.products.length) out.push(h('p', {}, 'No product is published yet.'));
  for (const product of catalog.products) {
    const card = h('section', { class: 'card', 'aria-labelledby': `product-${product.id}` },
      h('h2', { id: `product-${product.id}` }, product.title || product.name),
      h('h3', {}, 'APIs'),
      h('ul', {}, product.apis.map(a => h('li', {},
        h('strong', {}, a.name), ` ${a.version || ''} at `, h('code', {}, a.basePath), ' · ',
        h('a', { href: `#/apis/${a.id}` }, `Documentation of ${a.name}`)))),
      h('h3', {}, 'Plans'));
    const table = h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Plan'), h('th', { scope: 'col' }, 'Limits'),
        h('th', { scope: 'col' }, 'Access'), h('th', { scope: 'col' }, 'Subscribe'))),
      h('tbody', {}, product.plans.map(plan => h('tr', { 'data-plan': plan.name },
        h('td', {}, plan.title || plan.name),
        h('td', {}, limits(plan), plan.scopes && plan.scopes.length ? ` · scopes ${plan.scopes.join(' ')}` : ''),
        h('td', {}, plan.approvalRequired ? 'needs approval' : 'immediate'),
        h('td', {}, subscribeForm(plan, apps))))));
    card.append(h('div', { class: 'table-wrap' }, table));
    out.push(card);
  }
  view.replaceChildren(...out);
}

function subscribeForm(plan, apps) {
  if (!session.signedIn) return h('span', { class: 'muted' }, 'Sign in to subscribe');
  if (!apps.length) return h('a', { href: '#/apps' }, 'Register an app first');
  const id = `subscribe-app-${plan.id}`;
  const select = h('select', { id, name: 'app' }, apps.map(a => h('option', { value: a.id }, a.name)));
  return h('form', { class: 'inline', onsubmit: async (e) => {
    e.preventDefault();
    clearError();
    try {
      await api('POST', `/apps/${select.value}/subscriptions`, { planId: plan.id });
      location.hash = `#/apps/${select.value}`;
    } catch (p) { showError(p); }
  } },
  h('div', {}, h('label', { for: id }, `App for ${plan.title || plan.name}`), select),
  h('button', { type: 'submit' }, `Subscribe to ${plan.title || plan.name}`));
}

function showSecrets(entries) {
  const list = document.getElementById('secrets-list');
  list.replaceChildren(...entries.flatMap(([label, value, id]) => [
    h('dt', {}, label),
    h('dd', {}, h('code', { id }, value), ' ',
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Copy ${label}`,
        onclick: () => navigator.clipboard?.writeText(value) }, 'Copy')),
  ]));
  const dialog = document.getElementById('secrets');
  dialog.showModal();
}

document.getElementById('secrets-close').addEventListener('click', () => {
  document.getElementById('secrets-list').replaceChildren();
  document.getElementById('secrets').close();
});

async function renderApps() {
  document.title = 'My apps · Developer portal · meshgate';
  if (!session.signedIn) { view.replaceChildren(h('h1', {}, 'My apps'), signInPanel()); return; }
  const apps = await api('GET', '/apps');
  const name = h('input', { id: 'app-name', name: 'name', required: true,
    pattern: '[A-Za-z0-9._\\-]{1,100}', autocomplete: 'off' });
  const form = h('form', { class: 'inline', onsubmit: async (e) => {
    e.preventDefault();
    clearError();
    try {
      const created = await api('POST', '/apps', { name: name.value });
      showSecrets([
        ['Client id', created.clientId, 'new-client-id'],
        ['Client secret', created.clientSecret, 'new-client-secret'],
        ['API key', created.apiKey.key, 'new-api-key'],
      ]);
      renderApps();
    } catch (p) { showError(p); }
  } },
  h('div', {}, h('label', { for: 'app-name' }, 'App name'), name),
  h('button', { type: 'submit' }, 'Register app'));
  view.replaceChildren(
    h('h1', {}, 'My apps'),
    h('section', { class: 'card', 'aria-labelledby': 'new-app-title' },
      h('h2', { id: 'new-app-title' }, 'Register an app'), form),
    apps.length
      ? h('ul', { class: 'grid', 'aria-label': 'Apps' }, apps.map(a => h('li', { class: 'card' },
        h('h2', {}, h('a', { href: `#/apps/${a.id}` }, a.name)),
        h('p', {}, 'Client id ', h('code', {}, a.clientId)),
        h('p', {}, a.subscriptions.length
          ? a.subscriptions.map(s => h('span', {}, `${s.product} / ${s.plan} `, stateBadge(s.state), ' '))
          : 'No subscription yet'))))
      : h('p', {}, 'No app yet.'));
}

function stateBadge(state) {
  return h('span', { class: `state state-${state}` }, state);
}

async function renderApp(id) {
  if (!session.signedIn) { view.replaceChildren(h('h1', {}, 'App'), signInPanel()); return; }
  const app = await api('GET', `/apps/${encodeURIComponent(id)}`);
  document.title = `${app.name} · Developer portal · meshgate`;
  const usage = app.subscriptions.some(s => s.state === 'active') ? await api('GET', `/apps/${app.id}/usage`) : [];
  const act = (label, fn, cls = 'secondary') =>
    h('button', { type: 'button', class: cls, onclick: async () => {
      clearError();
      try { await fn(); renderApp(app.id); } catch (p) { showError(p); }
    } }, label);
  view.replaceChildren(
    h('h1', {}, app.name),
    h('p', {}, 'Client id ', h('code', {}, app.clientId), ' · ', stateBadge(app.state)),
    h('section', { class: 'card', 'aria-labelledby': 'subs-title' },
      h('h2', { id: 'subs-title' }, 'Subscriptions'),
      app.subscriptions.length
        ? h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, ['Product', 'Plan', 'State', ''].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, app.subscriptions.map(s => h('tr', { 'data-subscription': s.id },
            h('td', {}, s.product), h('td', {}, s.plan), h('td', {}, stateBadge(s.state)),
            h('td', {}, s.state === 'cancelled' ? '' :
              act(`Cancel ${s.plan}`, () => api('POST', `/apps/${app.id}/subscriptions/${s.id}/cancel`), 'danger')))))))
        : h('p', {}, 'No subscription yet: pick a plan under ', h('a', { href: '#/catalog' }, 'Products'), '.')),
    h('section', { class: 'card', 'aria-labelledby': 'usage-title' },
      h('h2', { id: 'usage-title' }, 'Usage and limits'),
      usage.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Plan', 'Window', 'Used', 'Limit', 'Remaining'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, usage.flatMap(u => usageRows(u)))))
        : h('p', {}, 'No active subscription.')),
    h('section', { class: 'card', 'aria-labelledby': 'keys-title' },
      h('h2', { id: 'keys-title' }, 'Credentials'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Kind', 'Prefix', 'Label', 'Created', 'State', ''].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, app.credentials.map(c => h('tr', {},
          h('td', {}, c.kind), h('td', {}, h('code', {}, c.prefix)), h('td', {}, c.label || ''),
          h('td', {}, new Date(c.createdAt).toLocaleString()),
          h('td', {}, stateBadge(c.revokedAt ? 'revoked' : 'active')),
          h('td', {}, c.revokedAt ? '' : act(`Revoke key ${c.prefix}`,
            () => api('POST', `/apps/${app.id}/keys/${c.id}/revoke`), 'danger'))))))),
      h('p', {}, act('New API key', async () => {
        const key = await api('POST', `/apps/${app.id}/keys`, {});
        showSecrets([['API key', key.key, 'new-api-key']]);
      }, ''))),
    h('p', {}, act('Delete this app', async () => {
      if (!confirm(`Delete ${app.name}? Its credentials stop working at once.`)) return;
      await api('DELETE', `/apps/${app.id}`);
      location.hash = '#/apps';
    }, 'danger')));
}

function usageRows(u) {
  const rows = [];
  const row = (what, used, limit, remaining) => h('tr', {},
    h('td', {}, u.plan), h('td', {}, what), h('td', { 'data-usage': what }, used), h('td', {}, limit), h('td', {}, remaining));
  if (u.rateLimit) rows.push(row(`rate (${u.rateLimit.windowMs / 1000} s)`, u.rateLimit.used, u.rateLimit.limit, u.rateLimit.remaining));
  if (u.burst) rows.push(row(`burst (${u.burst.windowMs / 1000} s)`, u.burst.used, u.burst.limit, u.burst.remaining));
  if (u.quota) rows.push(row(`quota (${u.quota.period})`, u.quota.used, u.quota.limit, u.quota.remaining));
  if (!rows.length) rows.push(h('tr', {}, h('td', {}, u.plan), h('td', { colspan: 4 }, 'This plan has no limits.')));
  return rows;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

async function renderApiDocs(id) {
  const doc = await api('GET', `/catalog/apis/${encodeURIComponent(id)}/openapi`);
  document.title = `${doc.info.title} · Developer portal · meshgate`;
  const schemes = Object.entries((doc.components && doc.components.securitySchemes) || {});
  const responses = Object.entries((doc.components && doc.components.responses) || {});
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
  view.replaceChildren(
    h('h1', {}, `${doc.info.title} ${doc.info.version || ''}`),
    h('p', {}, doc.info.description || ''),
    h('p', {}, 'Base URL ', h('code', {}, doc.servers && doc.servers[0] ? doc.servers[0].url : ''), ' · ',
      h('a', { href: URL.createObjectURL(blob), download: `${doc.info.title}-openapi.json` },
        'Download the OpenAPI document')),
    h('section', { class: 'card', 'aria-labelledby': 'auth-title' },
      h('h2', { id: 'auth-title' }, 'Authentication'),
      h('ul', {}, schemes.map(([name, s]) => h('li', {}, h('strong', {}, name), ': ',
        s.description || [s.type, s.scheme, s.in, s.name].filter(Boolean).join(' '))))),
    h('section', { class: 'card', 'aria-labelledby': 'paths-title' },
      h('h2', { id: 'paths-title' }, 'Operations'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Path', 'Methods', 'Notes'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, Object.entries(doc.paths || {}).map(([path, item]) => h('tr', {},
          h('td', {}, h('code', {}, path)),
          h('td', {}, METHODS.filter(m => item[m]).map(m => m.toUpperCase()).join(', ')),
          h('td', {}, METHODS.map(m => item[m] && item[m].description).filter(Boolean)[0] || '')))))),
    h('section', { class: 'card', 'aria-labelledby': 'errors-title' },
      h('h2', { id: 'errors-title' }, 'Answers of the gateway'),
      h('ul', {}, responses.map(([name, r]) => h('li', {}, h('strong', {}, name), ': ', r.description || ''))))));
}

async function route() {
  clearError();
  const hash = location.hash || '#/catalog';
  const [, page, id] = hash.split('/');
  for (const a of document.querySelectorAll('[data-route]')) {
    if (a.dataset.route === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  try {
    if (page === 'apps' && id) await renderApp(id);
    else if (page === 'apis' && id) await renderApiDocs(id);
    else if (page === 'sign-in-failed') {
      await renderCatalog();
      showError({ title: 'Sign-in failed', detail: 'The sign-in did not complete. Please try again.' });
    }
    else if (page === 'apps') await renderApps();
    else await renderCatalog();
    view.setAttribute('data-loaded', hash);
  } catch (p) {
    showError(p);
  }
}

window.addEventListener('hashchange', route);
loadSession().then(route, showError);
