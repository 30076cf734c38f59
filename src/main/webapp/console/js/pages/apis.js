// APIs: a paged list, and one page per API to create, edit, publish, retire or delete it with its
// policy steps (each step's config as JSON).
import { api } from '../api.js';
import { h, put, clear, field, table, pager, stateBadge, when, facts, jsonBlock, showProblem, clearProblem, announce, confirmChange } from '../dom.js';
import { text, optionalText, optionalInt, optionalJsonObject, localProblem, compact } from '../forms.js';

/** Policy ids the gateway knows, in stage order (README "Policies and error keys"). */
export const POLICIES = ['access-list', 'client-auth', 'subscription', 'scope', 'rate-limit', 'token', 'headers'];

/** The standard chain of the README's walk-through. */
export const STANDARD_CHAIN = ['client-auth', 'subscription', 'rate-limit', 'token', 'headers'];

const listState = { page: 0, name: '' };
let flash = '';

export async function render(ctx) {
  if (ctx.args.length === 0) {
    return renderList(ctx);
  }
  return renderOne(ctx, ctx.args[0]);
}

function flashBox() {
  const box = h('div', { class: 'notice', role: 'status', id: 'api-flash' }, flash);
  flash = '';
  return box;
}

async function renderList(ctx) {
  const { root } = ctx;
  const p = await api('GET', '/apis', { params: { name: listState.name, page: listState.page, size: 20 } });
  if (!ctx.current()) {
    return;
  }
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter APIs', id: 'api-filter' },
    field({ id: 'api-filter-name', label: 'Name contains', type: 'search', value: listState.name }).wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    listState.name = filter.querySelector('#api-filter-name').value.trim();
    listState.page = 0;
    ctx.reload();
  });
  const status = h('div', { class: 'notice', role: 'status' });
  const rows = p.items.map((a) =>
    h(
      'tr',
      { dataset: { id: a.id, name: a.name, state: a.state } },
      h('td', null, h('a', { href: `#/apis/${a.id}` }, a.name)),
      h('td', null, a.version || '—'),
      h('td', null, h('code', null, a.basePath)),
      h('td', { class: 'mono' }, a.upstreamUrl),
      h('td', null, stateBadge(a.state)),
      h('td', { class: 'num' }, a.revision),
      ctx.admin ? h('td', null, h('div', { class: 'row-actions' }, stateButtons(ctx, a, status))) : null,
    ),
  );
  const columns = ['Name', 'Version', 'Base path', 'Upstream', 'State', { label: 'Revision', num: true }];
  if (ctx.admin) {
    columns.push('Actions');
  }
  put(root, 
    h('h1', null, 'APIs'),
    flashBox(),
    ctx.admin ? h('div', { class: 'toolbar' }, h('a', { class: 'button', href: '#/apis/new', id: 'api-new' }, 'New API')) : null,
    filter,
    status,
    p.items.length ? table('APIs', columns, rows, { id: 'api-table' }) : h('p', null, listState.name ? 'No API matches this filter.' : 'No API yet.'),
    pager(p, (n) => {
      listState.page = n;
      ctx.reload();
    }, 'APIs'),
  );
}

/** Publish / Retire / Delete for one API (admin only). */
function stateButtons(ctx, a, status) {
  const act = async (path, done) => {
    try {
      await api('POST', `/apis/${a.id}/${path}`);
      flash = `${a.name}: ${done}.`;
      ctx.reload();
    } catch (e) {
      showProblem(statusForm(status), e);
    }
  };
  return [
    a.state !== 'published' ? h('button', { type: 'button', class: 'small', onclick: () => act('publish', 'published'), 'aria-label': `Publish ${a.name}` }, 'Publish') : null,
    a.state === 'published' ? h('button', { type: 'button', class: 'small secondary', onclick: () => act('retire', 'retired'), 'aria-label': `Retire ${a.name}` }, 'Retire') : null,
    h('button', {
      type: 'button',
      class: 'small danger',
      'aria-label': `Delete ${a.name}`,
      onclick: async () => {
        if (!confirmChange(`Delete the API ${a.name} ${a.version || ''}? Products lose it.`)) {
          return;
        }
        try {
          await api('DELETE', `/apis/${a.id}`);
          flash = `${a.name}: deleted.`;
          ctx.go('#/apis');
        } catch (e) {
          showProblem(statusForm(status), e);
        }
      },
    }, 'Delete'),
  ];
}

/** A form-like box to show a problem that belongs to no form (a row's action). */
function statusForm(status) {
  let box = status.querySelector('form.action-problem');
  if (!box) {
    box = h('form', { class: 'action-problem', 'aria-label': 'Last action' });
    box.addEventListener('submit', (e) => e.preventDefault());
    put(status, box);
  }
  return box;
}

async function renderOne(ctx, id) {
  const { root } = ctx;
  const isNew = id === 'new';
  if (isNew && !ctx.admin) {
    put(root, h('h1', null, 'New API'), h('p', null, 'Only admins can create APIs.'));
    return;
  }
  const a = isNew ? null : await api('GET', `/apis/${encodeURIComponent(id)}`);
  if (!ctx.current()) {
    return;
  }
  const heading = isNew ? 'New API' : `API ${a.name}${a.version ? ` ${a.version}` : ''}`;
  ctx.setTitle(heading);
  put(root, h('p', null, h('a', { href: '#/apis' }, '← All APIs')), h('h1', null, heading), flashBox());
  if (!ctx.admin) {
    put(root, 
      h('div', { dataset: { id: a.id }, id: 'api-detail' }, facts([
        ['Id', String(a.id)],
        ['State', stateBadge(a.state)],
        ['Base path', h('code', null, a.basePath)],
        ['Upstream', a.upstreamUrl],
        ['Audience', a.audience || '(default)'],
        ['Read timeout', a.readTimeoutMs ? `${a.readTimeoutMs} ms` : '(default)'],
        ['Connect timeout', a.connectTimeoutMs ? `${a.connectTimeoutMs} ms` : '(default)'],
        ['Revision', String(a.revision)],
        ['Created', when(a.createdAt)],
        ['Updated', when(a.updatedAt)],
      ])),
      h('h2', null, 'Policy steps'),
      a.steps.length
        ? table('Policy steps', ['#', 'Policy', 'Config'], a.steps.map((s, i) => h('tr', null, h('td', null, i + 1), h('td', null, s.policy), h('td', null, jsonBlock(s.config || {}, `Config of step ${i + 1}`)))))
        : h('p', null, 'No steps: every request is forwarded as it is.'),
      h('h2', null, 'Mesh destination'),
      a.mesh ? jsonBlock(a.mesh, 'Mesh destination') : h('p', null, 'None.'),
    );
    return;
  }
  put(root, apiForm(ctx, a));
}

function apiForm(ctx, a) {
  const steps = (a ? a.steps : []).map((s) => ({ policy: s.policy, config: s.config && Object.keys(s.config).length ? JSON.stringify(s.config, null, 2) : '' }));
  const form = h('form', { class: 'form', id: 'api-form', novalidate: true, dataset: a ? { id: a.id, state: a.state } : {} });
  const stepList = h('ol', { class: 'steps', id: 'api-steps' });

  const syncSteps = () => {
    stepList.querySelectorAll(':scope > li.step').forEach((li, i) => {
      steps[i].policy = li.querySelector('select').value;
      steps[i].config = li.querySelector('textarea').value;
    });
  };
  const drawSteps = (focusId) => {
    clear(stepList);
    steps.forEach((s, i) => {
      const n = i + 1;
      const policy = field({
        id: `api-step-${i}-policy`,
        label: `Step ${n} policy`,
        type: 'select',
        field: `steps[${i}]`,
        value: s.policy,
        options: (POLICIES.includes(s.policy) ? POLICIES : [s.policy, ...POLICIES]).map((p) => ({ value: p })),
      });
      const config = field({
        id: `api-step-${i}-config`,
        label: `Step ${n} settings (JSON object)`,
        type: 'textarea',
        field: `steps[${i}].config`,
        value: s.config,
        rows: 3,
        placeholder: '{}',
        spellcheck: false,
        hint: 'Leave empty for the policy defaults.',
      });
      const move = (to) => {
        syncSteps();
        const [x] = steps.splice(i, 1);
        steps.splice(to, 0, x);
        drawSteps(`api-step-${to}-policy`);
      };
      put(stepList, 
        h(
          'li',
          { class: 'step' },
          h('div', { class: 'step-head' }, policy.wrap,
            h('div', { class: 'row-actions' },
              h('button', { type: 'button', class: 'small secondary', disabled: i === 0, 'aria-label': `Move step ${n} up`, onclick: () => move(i - 1) }, 'Up'),
              h('button', { type: 'button', class: 'small secondary', disabled: i === steps.length - 1, 'aria-label': `Move step ${n} down`, onclick: () => move(i + 1) }, 'Down'),
              h('button', {
                type: 'button',
                class: 'small danger',
                'aria-label': `Remove step ${n}`,
                onclick: () => {
                  syncSteps();
                  steps.splice(i, 1);
                  drawSteps('api-add-step');
                },
              }, 'Remove'))),
          config.wrap,
        ),
      );
    });
    if (!steps.length) {
      put(stepList, h('li', { class: 'muted' }, 'No steps: requests are forwarded without checks.'));
    }
    if (focusId) {
      const el = document.getElementById(focusId);
      if (el) {
        el.focus();
      }
    }
  };

  put(form, 
    h('div', { class: 'field-row' },
      field({ id: 'api-name', label: 'Name', field: 'name', value: a ? a.name : '', required: true }).wrap,
      field({ id: 'api-version', label: 'Version', field: 'version', value: a ? a.version || '' : 'v1', hint: 'Letters, digits, ".", "_" or "-".' }).wrap),
    h('div', { class: 'field-row' },
      field({ id: 'api-basePath', label: 'Base path', field: 'basePath', value: a ? a.basePath : '', required: true, placeholder: '/orders', spellcheck: false }).wrap,
      field({ id: 'api-upstreamUrl', label: 'Upstream URL', field: 'upstreamUrl', type: 'url', value: a ? a.upstreamUrl : '', required: true, placeholder: 'http://orders.shop.svc:8080', spellcheck: false }).wrap),
    h('div', { class: 'field-row' },
      field({ id: 'api-state', label: 'State', type: 'select', field: 'state', value: a ? a.state : 'draft', options: [{ value: 'draft' }, { value: 'published' }, { value: 'retired' }], hint: 'Only published APIs serve.' }).wrap,
      field({ id: 'api-audience', label: 'Token audience', field: 'audience', value: a ? a.audience || '' : '', hint: 'Optional; default: the API name.' }).wrap),
    h('div', { class: 'field-row' },
      field({ id: 'api-readTimeoutMs', label: 'Read timeout (ms)', type: 'number', min: 1, max: 600000, field: 'readTimeoutMs', value: a && a.readTimeoutMs ? a.readTimeoutMs : '', hint: 'Optional.' }).wrap,
      field({ id: 'api-connectTimeoutMs', label: 'Connect timeout (ms)', type: 'number', min: 1, max: 600000, field: 'connectTimeoutMs', value: a && a.connectTimeoutMs ? a.connectTimeoutMs : '', hint: 'Optional.' }).wrap),
    h('fieldset', null,
      h('legend', null, 'Policy steps'),
      h('p', { class: 'hint' }, 'Steps run in stage order (access-list, client-auth, subscription, scope, rate-limit, token, headers), not list order. Settings are validated when you save.'),
      stepList,
      h('div', { class: 'actions' },
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'api-add-step',
          onclick: () => {
            syncSteps();
            steps.push({ policy: POLICIES[1], config: '' });
            drawSteps(`api-step-${steps.length - 1}-policy`);
          },
        }, 'Add step'),
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'api-standard-chain',
          onclick: () => {
            steps.splice(0, steps.length, ...STANDARD_CHAIN.map((p) => ({ policy: p, config: '' })));
            drawSteps();
            announce(`Steps set to the standard chain: ${STANDARD_CHAIN.join(', ')}.`);
          },
        }, 'Use standard chain'))),
    field({
      id: 'api-mesh',
      label: 'Mesh destination (JSON object)',
      type: 'textarea',
      field: 'mesh',
      rows: 5,
      spellcheck: false,
      value: a && a.mesh ? JSON.stringify(a.mesh, null, 2) : '',
      hint: 'Optional: the Kubernetes Service, versions and plan routes the generated Istio resources use (README "The mesh contract, compiled").',
    }).wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'api-save' }, a ? 'Save changes' : 'Create API')),
  );
  drawSteps();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    syncSteps();
    clearProblem(form);
    const violations = [];
    const body = compact({
      name: text(form, 'api-name'),
      version: optionalText(form, 'api-version'),
      basePath: text(form, 'api-basePath'),
      upstreamUrl: text(form, 'api-upstreamUrl'),
      audience: optionalText(form, 'api-audience'),
      readTimeoutMs: optionalInt(form, 'api-readTimeoutMs'),
      connectTimeoutMs: optionalInt(form, 'api-connectTimeoutMs'),
      state: text(form, 'api-state'),
      steps: steps.map((s, i) => {
        const step = { policy: s.policy };
        const raw = s.config.trim();
        if (raw) {
          try {
            const cfg = JSON.parse(raw);
            if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) {
              violations.push({ field: `steps[${i}].config`, message: 'must be a JSON object ({ … })' });
            } else {
              step.config = cfg;
            }
          } catch (e) {
            violations.push({ field: `steps[${i}].config`, message: `is not valid JSON: ${e.message}` });
          }
        }
        return step;
      }),
      mesh: optionalJsonObject(form, 'api-mesh', 'mesh', violations),
    });
    if (violations.length) {
      showProblem(form, localProblem(violations));
      return;
    }
    const save = form.querySelector('#api-save');
    save.disabled = true;
    try {
      const saved = a ? await api('PUT', `/apis/${a.id}`, { body }) : await api('POST', '/apis', { body });
      flash = a ? `Saved ${saved.name} (revision ${saved.revision}).` : `Created ${saved.name} (id ${saved.id}).`;
      ctx.go(`#/apis/${saved.id}`);
    } catch (e) {
      showProblem(form, e);
    } finally {
      save.disabled = false;
    }
  });

  if (!a) {
    return form;
  }
  const status = h('div', { role: 'status' });
  return h('div', null,
    h('div', { class: 'toolbar', id: 'api-state-actions' }, h('span', null, 'State: ', stateBadge(a.state), ` · revision ${a.revision} · id ${a.id} · updated `, when(a.updatedAt)), stateButtons(ctx, a, status)),
    status,
    form);
}
