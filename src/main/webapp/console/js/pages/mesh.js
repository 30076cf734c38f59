// Mesh resources compiled from the catalog: the Istio manifests (YAML) and the
// RequestAuthentication (JSON), each with Copy and Download.
import { api } from '../api.js';
import { h, put, field, copyText, download, showProblem, clearProblem } from '../dom.js';
import { optionalText, compact } from '../forms.js';

const state = {
  manifests: { namespace: '', api: '', routing: 'istio', jwks: 'inline' },
  requestAuth: { namespace: '', name: '', jwks: 'inline' },
};

function output(prefix, label, textValue, filename, type) {
  const status = h('p', { class: 'muted', role: 'status', id: `${prefix}-copy-status` });
  return h('div', null,
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'secondary', id: `${prefix}-copy`, onclick: () => copyText(textValue, status) }, `Copy ${label}`),
      h('button', { type: 'button', class: 'secondary', id: `${prefix}-download`, onclick: () => download(filename, textValue, type) }, `Download ${filename}`)),
    status,
    h('pre', { class: 'manifest', id: `${prefix}-output`, tabindex: '0', 'aria-label': label }, textValue || '(empty)'));
}

export async function render(ctx) {
  const { root } = ctx;
  const m = state.manifests;
  const r = state.requestAuth;
  const [manifests, requestAuth] = await Promise.allSettled([
    api('GET', '/istio/manifests', { params: m, accept: 'application/yaml', text: true, withHeaders: true }),
    api('GET', '/istio/request-authentication', { params: r }),
  ]);
  if (!ctx.current()) {
    return;
  }
  put(root, h('h1', null, 'Mesh resources'),
    h('p', null, 'Everything the mesh needs to enforce the gateway\'s contract, compiled from the catalog. Apply with ', h('code', null, 'kubectl apply -f'), '.'));

  const mForm = h('form', { class: 'form', id: 'manifests-form', 'aria-labelledby': 'manifests-heading', novalidate: true },
    h('div', { class: 'field-row' },
      field({ id: 'manifests-namespace', label: 'Namespace', field: 'namespace', value: m.namespace, hint: 'Optional: one namespace.' }).wrap,
      field({ id: 'manifests-api', label: 'API name', field: 'api', value: m.api, hint: 'Optional: one API.' }).wrap,
      field({ id: 'manifests-routing', label: 'Routing', type: 'select', field: 'routing', value: m.routing, options: [{ value: 'istio', label: 'Istio VirtualService' }, { value: 'gateway-api', label: 'Gateway API HTTPRoute' }] }).wrap,
      field({ id: 'manifests-jwks', label: 'Keys', type: 'select', field: 'jwks', value: m.jwks, options: [{ value: 'inline', label: 'inline JWKS' }, { value: 'uri', label: 'JWKS URI' }] }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Render manifests')));
  mForm.addEventListener('submit', (e) => {
    e.preventDefault();
    state.manifests = { namespace: optionalText(mForm, 'manifests-namespace') || '', api: optionalText(mForm, 'manifests-api') || '', routing: mForm.querySelector('#manifests-routing').value, jwks: mForm.querySelector('#manifests-jwks').value };
    ctx.reload();
  });
  const mSection = h('section', { 'aria-labelledby': 'manifests-heading' }, h('h2', { id: 'manifests-heading' }, 'Istio manifests'), mForm);
  if (manifests.status === 'fulfilled') {
    const revision = manifests.value.headers.get('X-Meshgate-Catalog-Revision');
    put(mSection, 
      revision ? h('p', null, 'Compiled from catalog revision ', h('strong', { id: 'manifests-revision' }, revision), '.') : null,
      output('manifests', 'manifests', manifests.value.body, 'meshgate-manifests.yaml', 'application/yaml'),
    );
  } else {
    if (manifests.reason.status === 401) {
      throw manifests.reason;
    }
    showProblem(mForm, manifests.reason);
  }

  const rForm = h('form', { class: 'form', id: 'request-auth-form', 'aria-labelledby': 'request-auth-heading', novalidate: true },
    h('div', { class: 'field-row' },
      field({ id: 'request-auth-namespace', label: 'Namespace', field: 'namespace', value: r.namespace, hint: 'Default: istio-system (mesh-wide).' }).wrap,
      field({ id: 'request-auth-name', label: 'Resource name', field: 'name', value: r.name, hint: 'Default: meshgate-jwt.' }).wrap,
      field({ id: 'request-auth-jwks', label: 'Keys', type: 'select', field: 'jwks', value: r.jwks, options: [{ value: 'inline', label: 'inline JWKS' }, { value: 'uri', label: 'JWKS URI' }] }).wrap),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Render RequestAuthentication')));
  rForm.addEventListener('submit', (e) => {
    e.preventDefault();
    clearProblem(rForm);
    state.requestAuth = compact({ namespace: optionalText(rForm, 'request-auth-namespace') || '', name: optionalText(rForm, 'request-auth-name') || '', jwks: rForm.querySelector('#request-auth-jwks').value });
    ctx.reload();
  });
  const rSection = h('section', { 'aria-labelledby': 'request-auth-heading' }, h('h2', { id: 'request-auth-heading' }, 'RequestAuthentication'),
    h('p', { class: 'hint' }, 'With inline keys, render and apply it again after a signing key is published.'), rForm);
  if (requestAuth.status === 'fulfilled') {
    put(rSection, output('request-auth', 'RequestAuthentication', JSON.stringify(requestAuth.value, null, 2), 'meshgate-request-authentication.json', 'application/json'));
  } else {
    if (requestAuth.reason.status === 401) {
      throw requestAuth.reason;
    }
    showProblem(rForm, requestAuth.reason);
  }
  put(root, mSection, rSection);
}
