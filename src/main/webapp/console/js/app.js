// The console's shell: sign-in, the navigation and the hash router. Each page module exports
// render(ctx) and fills ctx.root; <main data-route data-state> tells tests when a page is ready.
import * as session from './session.js';
import { h, clear, announce } from './dom.js';
import * as apis from './pages/apis.js';
import * as products from './pages/products.js';
import * as apps from './pages/apps.js';
import * as subscriptions from './pages/subscriptions.js';
import * as keys from './pages/keys.js';
import * as mesh from './pages/mesh.js';
import * as analytics from './pages/analytics.js';
import * as audit from './pages/audit.js';

const APP_NAME = 'meshgate console';

/** Every top-level route, in navigation order. */
export const ROUTES = {
  apis: { title: 'APIs', page: apis },
  products: { title: 'Products and plans', page: products },
  apps: { title: 'Apps and credentials', page: apps },
  subscriptions: { title: 'Approval queue', page: subscriptions },
  keys: { title: 'Signing keys', page: keys },
  mesh: { title: 'Mesh resources', page: mesh },
  analytics: { title: 'Analytics', page: analytics },
  audit: { title: 'Audit log', page: audit },
};
const DEFAULT_ROUTE = '#/apis';

const main = document.getElementById('main');
const view = document.getElementById('view');
const nav = document.getElementById('main-nav');
const signinSection = document.getElementById('signin');
const signinForm = document.getElementById('signin-form');
const signinProblem = document.getElementById('signin-problem');
const signinMessage = document.getElementById('signin-message');
const sessionInfo = document.getElementById('session-info');
const whoami = document.getElementById('whoami');

let renderCount = 0;

function setTitle(title) {
  document.title = `${title} — ${APP_NAME}`;
}

function parseHash() {
  const hash = window.location.hash || '';
  if (!hash.startsWith('#/')) {
    return null;
  }
  const [path, q] = hash.slice(2).split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { section: parts[0] || '', args: parts.slice(1), query: new URLSearchParams(q || '') };
}

function markNav(section) {
  nav.querySelectorAll('a').forEach((a) => {
    if (a.getAttribute('href') === `#/${section}`) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
}

/** Renders the route in the hash; focusHeading moves focus to the new page's heading. */
async function render(focusHeading) {
  if (!session.isSignedIn()) {
    return;
  }
  const route = parseHash();
  if (!route) {
    return; // e.g. the skip link's #main: not a route
  }
  const entry = ROUTES[route.section];
  if (!entry) {
    window.location.replace(DEFAULT_ROUTE);
    return;
  }
  renderCount += 1;
  const mine = renderCount;
  const routeHash = `#/${route.section}`;
  main.dataset.route = routeHash;
  main.dataset.path = window.location.hash;
  main.dataset.state = 'loading';
  main.setAttribute('aria-busy', 'true');
  markNav(route.section);
  setTitle(entry.title);
  const root = h('div', { class: 'page', dataset: { page: route.section } });
  clear(view).append(root);
  const ctx = {
    root,
    args: route.args,
    query: route.query,
    admin: session.isAdmin(),
    title: entry.title,
    setTitle: (t) => {
      if (mine === renderCount) {
        setTitle(t);
      }
    },
    current: () => mine === renderCount,
    reload: () => render(false),
    go: (hash) => {
      if (window.location.hash === hash) {
        render(true);
      } else {
        window.location.hash = hash;
      }
    },
  };
  try {
    await entry.page.render(ctx);
    if (mine === renderCount) {
      main.dataset.state = 'ready';
    }
  } catch (e) {
    if (mine !== renderCount || !session.isSignedIn()) {
      return;
    }
    main.dataset.state = 'error';
    const problem = e && e.problem ? e.problem : { title: 'Error', detail: String(e && e.message ? e.message : e) };
    root.append(
      h(
        'div',
        { class: 'problem', role: 'alert' },
        h('strong', null, problem.title || 'Error'),
        problem.detail ? h('p', null, problem.detail) : null,
        problem.errorKey ? h('p', { class: 'muted' }, 'Error key: ', h('code', null, problem.errorKey)) : null,
      ),
    );
  } finally {
    if (mine === renderCount) {
      main.removeAttribute('aria-busy');
    }
  }
  if (focusHeading && mine === renderCount) {
    const heading = root.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }
}

function showSignIn(message) {
  document.body.removeAttribute('data-role');
  nav.hidden = true;
  sessionInfo.hidden = true;
  clear(view);
  signinSection.hidden = false;
  signinMessage.textContent = message || '';
  main.dataset.route = '';
  main.dataset.state = 'signin';
  setTitle('Sign in');
  const dialog = document.getElementById('secret-dialog');
  if (dialog) {
    dialog.remove();
  }
  document.getElementById('signin-client-secret').value = '';
  document.getElementById('signin-client-id').focus();
}

function showConsole() {
  const role = session.role();
  document.body.dataset.role = role;
  signinSection.hidden = true;
  signinMessage.textContent = '';
  signinProblem.hidden = true;
  clear(whoami).append(
    'Signed in as ',
    h('strong', null, session.subject()),
    ' ',
    h('span', { class: 'role-badge' }, role === 'admin' ? 'admin' : 'viewer (read only)'),
  );
  sessionInfo.hidden = false;
  nav.hidden = false;
  if (!parseHash() || !ROUTES[parseHash().section]) {
    window.location.hash = DEFAULT_ROUTE; // renders through hashchange
  } else {
    render(true);
  }
}

signinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = document.getElementById('signin-client-id').value.trim();
  const secret = document.getElementById('signin-client-secret').value;
  signinProblem.hidden = true;
  clear(signinProblem);
  if (!id || !secret) {
    signinProblem.append(h('strong', null, 'Enter the client id and the client secret.'));
    signinProblem.hidden = false;
    return;
  }
  const button = document.getElementById('signin-submit');
  button.disabled = true;
  try {
    await session.signIn(id, secret);
    document.getElementById('signin-client-secret').value = '';
    showConsole();
    announce(`Signed in as ${session.subject()}`);
  } catch (e) {
    signinProblem.append(h('strong', null, e.message));
    signinProblem.hidden = false;
    signinProblem.setAttribute('tabindex', '-1');
    signinProblem.focus();
  } finally {
    button.disabled = false;
  }
});

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut('You have signed out.');
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  const heading = main.querySelector('h1:not([hidden])');
  const target = heading && heading.offsetParent !== null ? heading : main;
  target.setAttribute('tabindex', '-1');
  target.focus();
});

session.onSignOut((reason) => showSignIn(reason));
window.addEventListener('hashchange', () => render(true));

showSignIn('');
