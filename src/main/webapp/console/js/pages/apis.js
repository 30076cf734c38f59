// APIs: a paged list, and one page per API to create, edit, publish, retire or delete it with its
// policy steps. Each step's config is edited in a form generated from the policy's schema
// (GET /admin/v1/policies, see schemaform.js), or as JSON (a toggle per step; the fallback).
import { api } from '../api.js';
import { h, put, clear, field, table, pager, stateBadge, when, facts, jsonBlock, showProblem, clearProblem, announce, confirmChange } from '../dom.js';
import { text, optionalText, optionalInt, optionalJsonObject, localProblem, compact } from '../forms.js';
import { schemaForm, supported, misfit } from '../schemaform.js';

/**
 * Policy ids the gateway knows, in stage order (README "Policies and error keys"): the picker's
 * order, and its list when GET /admin/v1/policies fails.
 */
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
  const catalog = await loadPolicies();
  if (!ctx.current()) {
    return;
  }
  put(root, apiForm(ctx, a, catalog));
}

/** Stage order of the known policies: the picker lists them so, unknown ones after. */
function byStage(a, b) {
  const rank = (id) => (POLICIES.includes(id) ? POLICIES.indexOf(id) : POLICIES.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * The policies a step may name and their config schemas, from GET /admin/v1/policies; when that
 * fails, the built-in list without schemas (every step's settings are then edited as JSON).
 */
async function loadPolicies() {
  try {
    const answer = await api('GET', '/policies');
    const list = answer && Array.isArray(answer.policies) ? answer.policies.filter((p) => p && typeof p.id === 'string') : [];
    if (!list.length) {
      throw new Error('the gateway listed no policy');
    }
    return {
      ids: list.map((p) => p.id).sort(byStage),
      schemas: new Map(list.filter((p) => p.schema && typeof p.schema === 'object').map((p) => [p.id, p.schema])),
      error: null,
    };
  } catch (e) {
    return { ids: POLICIES, schemas: new Map(), error: (e && e.message) || String(e) };
  }
}

const asJson = (config) => (config === undefined ? '' : JSON.stringify(config, null, 2));

/** A step's config typed as JSON: {config} or {error} (blank is no config). */
function parseConfig(raw) {
  const v = (raw || '').trim();
  if (!v) {
    return { config: undefined };
  }
  try {
    const cfg = JSON.parse(v);
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) {
      return { error: 'must be a JSON object ({ … })' };
    }
    return { config: Object.keys(cfg).length ? cfg : undefined };
  } catch (e) {
    return { error: `is not valid JSON: ${e.message}` };
  }
}

function apiForm(ctx, a, catalog) {
  // Each step: its policy, and its config either in the generated form (mode 'form': config is
  // the value) or as JSON text (mode 'json': raw). editors[i] reads the form of step i.
  const steps = (a ? a.steps : []).map((s) => ({
    policy: s.policy,
    config: s.config && Object.keys(s.config).length ? s.config : undefined,
    mode: 'form',
    raw: null,
    note: '',
  }));
  let editors = [];
  const form = h('form', { class: 'form', id: 'api-form', novalidate: true, dataset: a ? { id: a.id, state: a.state } : {} });
  const stepList = h('ol', { class: 'steps', id: 'api-steps' });

  /** Why step s cannot be edited as a form; null when it can. */
  const noForm = (s) => {
    const schema = catalog.schemas.get(s.policy);
    if (!schema) {
      return catalog.error ? 'the policy list could not be loaded' : `the gateway describes no settings for ${s.policy}`;
    }
    if (!supported(schema)) {
      return 'its settings have a shape the form does not handle';
    }
    return misfit(schema, s.config);
  };

  /** Reads what is on screen into steps (unreadable numbers in forms are dropped). */
  const syncSteps = () => {
    stepList.querySelectorAll(':scope > li.step').forEach((li, i) => {
      steps[i].policy = li.querySelector(`#api-step-${i}-policy`).value;
      if (steps[i].mode === 'json') {
        steps[i].raw = li.querySelector(`#api-step-${i}-config`).value;
      } else if (editors[i]) {
        steps[i].config = editors[i].read([]);
      }
    });
  };

  /** Form to JSON, or JSON to form when the JSON parses and fits the schema. */
  const toggleMode = (i) => {
    syncSteps();
    const s = steps[i];
    const path = `steps[${i}].config`;
    if (s.mode === 'form') {
      const violations = [];
      const cfg = editors[i].read(violations);
      if (violations.length) {
        showProblem(form, localProblem(violations));
        return;
      }
      Object.assign(s, { config: cfg, raw: asJson(cfg), mode: 'json', note: '' });
    } else {
      const parsed = parseConfig(s.raw);
      const why = parsed.error ? null : misfit(catalog.schemas.get(s.policy), parsed.config);
      if (parsed.error || why) {
        showProblem(form, localProblem([{ field: path, message: parsed.error || `cannot be shown as a form: ${why}` }]));
        return;
      }
      Object.assign(s, { config: parsed.config, raw: null, mode: 'form', note: '' });
    }
    clearProblem(form);
    drawSteps(`api-step-${i}-mode`);
    announce(`Step ${i + 1} settings shown ${s.mode === 'json' ? 'as JSON' : 'as a form'}.`);
  };

  /** The settings of step i: the generated form, or the JSON textarea. */
  const settings = (s, i) => {
    const n = i + 1;
    const path = `steps[${i}].config`;
    if (s.mode === 'form') {
      const why = noForm(s);
      if (why) {
        Object.assign(s, { mode: 'json', raw: asJson(s.config), note: `Edited as JSON: ${why}.` });
      }
    }
    const canForm = catalog.schemas.has(s.policy) && supported(catalog.schemas.get(s.policy));
    const toggle = canForm
      ? h('div', { class: 'actions' }, h('button', {
        type: 'button',
        class: 'small secondary',
        id: `api-step-${i}-mode`,
        'aria-label': `Step ${n} settings: ${s.mode === 'form' ? 'edit as JSON' : 'edit as form'}`,
        onclick: () => toggleMode(i),
      }, s.mode === 'form' ? 'Edit as JSON' : 'Edit as form'))
      : null;
    if (s.mode === 'form') {
      const w = schemaForm(catalog.schemas.get(s.policy), s.config, { id: `api-step-${i}-cfg`, path, label: `Step ${n} settings` });
      editors[i] = w;
      return h(
        'fieldset',
        { class: 'settings', id: `api-step-${i}-config`, tabindex: '-1', dataset: { field: path, mode: 'form' }, 'aria-describedby': `api-step-${i}-config-error` },
        h('legend', null, `Step ${n} settings (${s.policy})`),
        h('p', { class: 'hint' }, 'Leave a field empty for its default.'),
        w.el,
        h('p', { class: 'field-error', id: `api-step-${i}-config-error` }),
        toggle,
      );
    }
    editors[i] = null;
    if (s.raw === null) {
      s.raw = asJson(s.config);
    }
    const config = field({
      id: `api-step-${i}-config`,
      label: `Step ${n} settings (JSON object)`,
      type: 'textarea',
      field: path,
      value: s.raw,
      rows: Math.min(12, Math.max(3, s.raw.split('\n').length)),
      placeholder: '{}',
      spellcheck: false,
      hint: `${s.note ? `${s.note} ` : ''}Leave empty for the policy defaults.`,
    });
    config.input.dataset.mode = 'json';
    return h('div', { class: 'settings-json' }, config.wrap, toggle);
  };

  const drawSteps = (focusId) => {
    clear(stepList);
    editors = [];
    steps.forEach((s, i) => {
      const n = i + 1;
      const policy = field({
        id: `api-step-${i}-policy`,
        label: `Step ${n} policy`,
        type: 'select',
        field: `steps[${i}]`,
        value: s.policy,
        options: (catalog.ids.includes(s.policy) ? catalog.ids : [s.policy, ...catalog.ids]).map((p) => ({ value: p })),
      });
      policy.input.addEventListener('change', () => {
        syncSteps();
        // Keep the settings: the form shows them if they fit the new policy, else JSON does.
        if (steps[i].mode === 'json') {
          const parsed = parseConfig(steps[i].raw);
          if (!parsed.error) {
            Object.assign(steps[i], { config: parsed.config, raw: null, mode: 'form', note: '' });
          }
        } else {
          steps[i].note = '';
        }
        drawSteps(`api-step-${i}-policy`);
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
          { class: 'step', dataset: { policy: s.policy } },
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
          settings(s, i),
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
      catalog.error ? h('p', { class: 'warning', id: 'api-policies-unavailable' }, `The policy list could not be loaded (${catalog.error}): the built-in list is offered and settings are edited as JSON.`) : null,
      stepList,
      h('div', { class: 'actions' },
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'api-add-step',
          onclick: () => {
            syncSteps();
            steps.push({ policy: catalog.ids.includes('client-auth') ? 'client-auth' : catalog.ids[0], config: undefined, mode: 'form', raw: null, note: '' });
            drawSteps(`api-step-${steps.length - 1}-policy`);
          },
        }, 'Add step'),
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'api-standard-chain',
          onclick: () => {
            steps.splice(0, steps.length, ...STANDARD_CHAIN.map((p) => ({ policy: p, config: undefined, mode: 'form', raw: null, note: '' })));
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
        if (s.mode === 'form' && editors[i]) {
          const cfg = editors[i].read(violations);
          if (cfg !== undefined) {
            step.config = cfg;
          }
          return step;
        }
        const parsed = parseConfig(s.raw);
        if (parsed.error) {
          violations.push({ field: `steps[${i}].config`, message: parsed.error });
        } else if (parsed.config !== undefined) {
          step.config = parsed.config;
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
