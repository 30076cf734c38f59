// Settings forms generated from a policy's config schema (GET /admin/v1/policies: the JSON Schema
// subset io.meshgate.admin.policies.ConfigSchema writes). A form edits a JSON value; fields left
// empty are omitted, so the policy's defaults apply. Shapes the form cannot show without losing
// something are refused (supported / fits), and the caller falls back to editing JSON.
//
// Every control carries data-field with the path the admin API reports violations under
// (steps[2].config.operations[0].path, a map entry as headers[X-Name]), so showProblem places
// server errors next to it; groups (fieldsets) carry one too, for errors about the whole list.
import { h, put, clear, field, announce } from './dom.js';

/** Follows $ref ("#" or "#/$defs/Name") from the root schema; null when it cannot. */
export function resolve(schema, root) {
  let s = schema;
  for (let guard = 0; s && typeof s.$ref === 'string' && guard < 20; guard += 1) {
    if (s.$ref === '#') {
      s = root;
    } else if (s.$ref.startsWith('#/$defs/')) {
      const name = decodeURIComponent(s.$ref.slice(8)).replace(/~1/g, '/').replace(/~0/g, '~');
      s = root.$defs ? root.$defs[name] : undefined;
    } else {
      return null;
    }
  }
  return s && typeof s === 'object' && typeof s.$ref !== 'string' ? s : null;
}

/**
 * The fixed values a string may take: its enum, or a pattern that only lists literals
 * (^(?:\*|GET|POST)$, as a Java @Pattern of alternatives is written); null for free text.
 */
function choices(s) {
  if (Array.isArray(s.enum) && s.enum.length && s.enum.every((v) => typeof v === 'string')) {
    return s.enum;
  }
  if (typeof s.pattern === 'string' && !s.allOf) {
    const m = /^\^\(\?:(.*)\)\$$/.exec(s.pattern);
    if (m) {
      const alternatives = m[1].split('|');
      if (alternatives.length > 1 && alternatives.every((a) => /^(?:\\[*.+?$^]|[A-Za-z0-9_:/-])+$/.test(a))) {
        return alternatives.map((a) => a.replace(/\\(.)/g, '$1'));
      }
    }
  }
  return null;
}

/** What kind of control a schema gets; null for shapes the form does not handle. */
function kind(schema, root) {
  const s = resolve(schema, root);
  if (!s) {
    return null;
  }
  switch (s.type) {
    case 'string':
      return choices(s) ? 'choice' : 'string';
    case 'integer':
    case 'number':
      return s.type;
    case 'boolean':
      return s.default === true ? 'booleanSelect' : 'boolean';
    case 'array': {
      if (!s.items) {
        return null;
      }
      const k = kind(s.items, root);
      if (k === 'choice') {
        return 'choiceList';
      }
      if (k === 'string' || k === 'integer' || k === 'number') {
        return 'lineList';
      }
      if (k === 'record' || k === 'map') {
        return 'recordList';
      }
      return null;
    }
    case 'object':
      if (s.properties && typeof s.properties === 'object') {
        return 'record';
      }
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        return 'map';
      }
      return null;
    default:
      return null;
  }
}

/** Whether every part of the schema has a control (recursive schemas are checked once). */
export function supported(schema, root = schema, seen = new Set()) {
  const s = resolve(schema, root);
  const k = kind(s, root);
  if (!k) {
    return false;
  }
  if (seen.has(s)) {
    return true;
  }
  seen.add(s);
  if (k === 'record') {
    return Object.values(s.properties).every((p) => supported(p, root, seen));
  }
  if (k === 'map') {
    return supported(s.additionalProperties, root, seen);
  }
  if (k === 'choiceList' || k === 'lineList' || k === 'recordList') {
    return supported(s.items, root, seen);
  }
  return true;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Why the form cannot show value without changing it (a member it does not know, a value of the
 * wrong type, a string with padding, ...); null when it can.
 */
export function misfit(schema, value, root = schema, path = 'config') {
  if (value === undefined || value === null) {
    return null;
  }
  const s = resolve(schema, root);
  const k = kind(s, root);
  const wrong = (what) => `${path} is not ${what}`;
  switch (k) {
    case 'string':
      if (typeof value !== 'string') {
        return wrong('a string');
      }
      return value === '' || (!long(s) && value.trim() !== value) ? `${path} is blank or padded with spaces` : null;
    case 'choice':
      return typeof value === 'string' && choices(s).includes(value) ? null : wrong(`one of ${choices(s).join(', ')}`);
    case 'integer':
      return Number.isInteger(value) ? null : wrong('a whole number');
    case 'number':
      return typeof value === 'number' ? null : wrong('a number');
    case 'boolean':
    case 'booleanSelect':
      return typeof value === 'boolean' ? null : wrong('true or false');
    case 'lineList':
    case 'choiceList':
    case 'recordList': {
      if (!Array.isArray(value)) {
        return wrong('a list');
      }
      for (let i = 0; i < value.length; i += 1) {
        const item = value[i];
        const at = `${path}[${i}]`;
        if (item === null) {
          return `${at} is null`;
        }
        if (k === 'lineList' && typeof item === 'string' && (item.includes('\n') || item.trim() !== item || item === '')) {
          return `${at} is blank, padded or spans lines`;
        }
        if (k === 'choiceList' && value.indexOf(item) !== i) {
          return `${at} repeats a value`;
        }
        const inner = misfit(s.items, item, root, at);
        if (inner) {
          return inner;
        }
      }
      return null;
    }
    case 'record': {
      if (!isObject(value)) {
        return wrong('an object');
      }
      for (const [name, v] of Object.entries(value)) {
        if (!Object.prototype.hasOwnProperty.call(s.properties, name)) {
          return `${path} has a member "${name}" this policy does not define`;
        }
        const inner = misfit(s.properties[name], v, root, `${path}.${name}`);
        if (inner) {
          return inner;
        }
      }
      return null;
    }
    case 'map': {
      if (!isObject(value)) {
        return wrong('an object');
      }
      const keys = s.propertyNames && Array.isArray(s.propertyNames.enum) ? s.propertyNames.enum : null;
      for (const [key, v] of Object.entries(value)) {
        if (key === '' || (keys && !keys.includes(key))) {
          return `${path} has a key "${key}" the form cannot show`;
        }
        if (v === null) {
          return `${path}[${key}] is null`;
        }
        const inner = misfit(s.additionalProperties, v, root, `${path}[${key}]`);
        if (inner) {
          return inner;
        }
      }
      return null;
    }
    default:
      return `${path} has a shape the form does not handle`;
  }
}

/** Long free text (a PEM bundle, say) gets a textarea. */
function long(s) {
  return typeof s.maxLength === 'number' && s.maxLength > 1000;
}

function show(v) {
  if (Array.isArray(v)) {
    return v.length ? v.map(show).join(', ') : '(none)';
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The hint under a control: default, format and bounds, in words. */
function hintFor(s, extra) {
  const parts = [];
  if (extra) {
    parts.push(extra);
  }
  if (s.default !== undefined) {
    parts.push(`Default: ${show(s.default)}.`);
  }
  if (s.format) {
    parts.push(`Format: ${s.format}${s.format === 'duration' ? ' (ISO 8601, e.g. PT30S)' : s.format === 'date-time' ? ' (ISO 8601, e.g. 2030-01-31T12:00:00Z)' : ''}.`);
  }
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined) {
    parts.push(`From ${lo}${s.exclusiveMinimum !== undefined ? ' (excluded)' : ''} to ${hi}${s.exclusiveMaximum !== undefined ? ' (excluded)' : ''}.`);
  } else if (lo !== undefined) {
    parts.push(s.exclusiveMinimum !== undefined ? `Above ${lo}.` : `At least ${lo}.`);
  } else if (hi !== undefined) {
    parts.push(s.exclusiveMaximum !== undefined ? `Below ${hi}.` : `At most ${hi}.`);
  }
  if (typeof s.minItems === 'number' && s.minItems > 0) {
    parts.push(`At least ${s.minItems}.`);
  }
  if (typeof s.maxItems === 'number') {
    parts.push(`At most ${s.maxItems}.`);
  }
  return parts.length ? parts.join(' ') : undefined;
}

function labelText(at) {
  return at.required ? `${at.label} (required)` : at.label;
}

/** A group of controls: a fieldset that also takes errors about the whole group. */
function group(at, legend, ...children) {
  const error = h('p', { class: 'field-error', id: `${at.id}-error` });
  return h(
    'fieldset',
    { class: 'schema-group', id: at.id, tabindex: '-1', dataset: { field: at.path }, 'aria-describedby': `${at.id}-error` },
    h('legend', null, legend),
    children,
    error,
  );
}

function singular(title) {
  return /[^s]s$/.test(title) ? title.slice(0, -1) : title;
}

function focusFirst(el) {
  const c = el && el.querySelector('input, select, textarea, button');
  if (c) {
    c.focus();
  }
}

/**
 * A widget for schema and value at a place: {el, read(violations)}; read returns the value to
 * send, undefined for "leave it out". at: {root, path, id, label, required}.
 */
function build(schema, value, at) {
  const s = resolve(schema, at.root);
  switch (kind(s, at.root)) {
    case 'string':
      return stringWidget(s, value, at);
    case 'choice':
      return choiceWidget(s, value, at);
    case 'integer':
    case 'number':
      return numberWidget(s, value, at);
    case 'boolean':
      return booleanWidget(s, value, at);
    case 'booleanSelect':
      return booleanSelectWidget(s, value, at);
    case 'lineList':
      return lineListWidget(s, value, at);
    case 'choiceList':
      return choiceListWidget(s, value, at);
    case 'recordList':
      return recordListWidget(s, value, at);
    case 'record':
      return at.required || at.always ? recordWidget(s, value, at) : optionalRecordWidget(s, value, at);
    case 'map':
      return mapWidget(s, value, at);
    default:
      throw new Error(`${at.path}: no control for this schema`);
  }
}

function stringWidget(s, value, at) {
  const area = long(s);
  const f = field({
    id: at.id,
    label: labelText(at),
    type: area ? 'textarea' : 'text',
    rows: area ? 4 : undefined,
    field: at.path,
    value: value ?? '',
    required: at.required,
    placeholder: typeof s.default === 'string' ? s.default : undefined,
    hint: hintFor(s),
    spellcheck: false,
  });
  return {
    el: f.wrap,
    read: () => {
      const v = area ? f.input.value : f.input.value.trim();
      return v.trim() === '' ? undefined : v;
    },
  };
}

function choiceWidget(s, value, at) {
  const none = at.required ? '(choose one)' : s.default !== undefined ? `(default: ${show(s.default)})` : '(not set)';
  const f = field({
    id: at.id,
    label: labelText(at),
    type: 'select',
    field: at.path,
    value: value ?? '',
    required: at.required,
    options: [{ value: '', label: none }, ...choices(s).map((c) => ({ value: c }))],
    hint: s.default !== undefined ? undefined : hintFor(s),
  });
  return { el: f.wrap, read: () => (f.input.value === '' ? undefined : f.input.value) };
}

function numberWidget(s, value, at) {
  const integer = s.type === 'integer';
  const f = field({
    id: at.id,
    label: labelText(at),
    type: 'number',
    field: at.path,
    value: value ?? '',
    required: at.required,
    min: s.minimum ?? s.exclusiveMinimum,
    max: s.maximum ?? s.exclusiveMaximum,
    step: integer ? 1 : 'any',
    placeholder: typeof s.default === 'number' ? String(s.default) : undefined,
    hint: hintFor(s, integer ? 'A whole number.' : undefined),
  });
  f.input.setAttribute('inputmode', integer ? 'numeric' : 'decimal');
  return {
    el: f.wrap,
    read: (violations) => {
      const raw = f.input.value.trim();
      if (raw === '') {
        if (f.input.validity && f.input.validity.badInput) {
          violations.push({ field: at.path, message: 'is not a number' });
        }
        return undefined;
      }
      const n = Number(raw);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        violations.push({ field: at.path, message: integer ? 'must be a whole number' : 'is not a number' });
        return undefined;
      }
      return n;
    },
  };
}

function booleanWidget(s, value, at) {
  const f = field({ id: at.id, label: labelText(at), type: 'checkbox', field: at.path, value: value === true, hint: hintFor(s, 'Unchecked: left out.') });
  return { el: f.wrap, read: () => (f.input.checked ? true : undefined) };
}

/** A flag whose default is true: a checkbox could not turn it off, so a select. */
function booleanSelectWidget(s, value, at) {
  const f = field({
    id: at.id,
    label: labelText(at),
    type: 'select',
    field: at.path,
    value: value === undefined || value === null ? '' : String(value),
    options: [{ value: '', label: '(default: true)' }, { value: 'true', label: 'true' }, { value: 'false', label: 'false' }],
  });
  return { el: f.wrap, read: () => (f.input.value === '' ? undefined : f.input.value === 'true') };
}

/** A list of strings or numbers: one per line. */
function lineListWidget(s, value, at) {
  const items = resolve(s.items, at.root);
  const lines = Array.isArray(value) ? value.map(String) : [];
  const f = field({
    id: at.id,
    label: labelText(at),
    type: 'textarea',
    rows: Math.min(10, Math.max(3, lines.length + 1)),
    field: at.path,
    value: lines.join('\n'),
    required: at.required,
    placeholder: Array.isArray(s.default) && s.default.length ? s.default.join('\n') : undefined,
    hint: hintFor(s, 'One per line.'),
    spellcheck: false,
  });
  f.input.dataset.lines = 'true';
  return {
    el: f.wrap,
    read: (violations) => {
      const out = [];
      f.input.value.split('\n').map((l) => l.trim()).filter((l) => l !== '').forEach((l) => {
        if (items.type === 'string') {
          out.push(l);
          return;
        }
        const n = Number(l);
        if (!Number.isFinite(n) || (items.type === 'integer' && !Number.isInteger(n))) {
          violations.push({ field: `${at.path}[${out.length}]`, message: `"${l}" is not a ${items.type === 'integer' ? 'whole number' : 'number'}` });
        }
        out.push(Number.isFinite(n) ? n : l);
      });
      return out.length ? out : undefined;
    },
  };
}

/** A list of fixed values: a checkbox each; the values keep the order they had. */
function choiceListWidget(s, value, at) {
  const options = choices(resolve(s.items, at.root));
  const initial = Array.isArray(value) ? value : [];
  const boxes = options.map((o, i) => {
    const id = `${at.id}-${i}`;
    const input = h('input', { type: 'checkbox', id, value: o, checked: initial.includes(o) });
    return { o, input, el: h('li', null, input, h('label', { for: id }, o)) };
  });
  const hint = hintFor(s, 'None checked: left out.');
  const el = group(at, labelText(at), hint ? h('p', { class: 'hint' }, hint) : null, h('ul', { class: 'checklist inline' }, boxes.map((b) => b.el)));
  return {
    el,
    read: () => {
      const on = boxes.filter((b) => b.input.checked).map((b) => b.o);
      const kept = initial.filter((o) => on.includes(o));
      const out = kept.concat(on.filter((o) => !kept.includes(o)));
      return out.length ? out : undefined;
    },
  };
}

/** An object with known members: its controls in order, in a fieldset unless at the root. */
function recordWidget(s, value, at) {
  const required = Array.isArray(s.required) ? s.required : [];
  const v = isObject(value) ? value : {};
  const members = Object.entries(s.properties).map(([name, p]) => {
    const ps = resolve(p, at.root) || {};
    return {
      name,
      w: build(p, v[name], {
        root: at.root,
        path: `${at.path}.${name}`,
        id: `${at.id}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`,
        label: ps.title || p.title || name,
        required: required.includes(name),
      }),
    };
  });
  const body = members.length ? members.map((m) => m.w.el) : h('p', { class: 'hint' }, 'This policy has no settings.');
  const el = at.bare ? h('div', { class: 'schema-record' }, body) : group(at, labelText(at), body);
  return {
    el,
    read: (violations) => {
      const out = {};
      members.forEach((m) => {
        const x = m.w.read(violations);
        if (x !== undefined) {
          out[m.name] = x;
        }
      });
      return Object.keys(out).length ? out : undefined;
    },
  };
}

/** An optional nested object: absent (defaults apply) until added; removable. */
function optionalRecordWidget(s, value, at) {
  const wrap = h('div', { class: 'schema-optional' });
  let inner = null;
  const draw = (present, v, focus) => {
    clear(wrap);
    inner = null;
    if (present) {
      inner = recordWidget(s, v, at);
      put(
        inner.el,
        h('div', { class: 'actions' }, h('button', {
          type: 'button',
          class: 'small danger',
          id: `${at.id}-remove`,
          onclick: () => {
            draw(false, undefined, true);
            announce(`${at.label} removed: the defaults apply.`);
          },
        }, `Remove ${at.label.toLowerCase()}`)),
      );
      put(wrap, inner.el);
      if (focus) {
        focusFirst(inner.el);
      }
    } else {
      put(wrap, group(at, at.label,
        h('p', { class: 'hint' }, 'Not set: the defaults apply.'),
        h('button', {
          type: 'button',
          class: 'small secondary',
          id: `${at.id}-add`,
          onclick: () => draw(true, {}, true),
        }, `Set ${at.label.toLowerCase()}`)));
      if (focus) {
        wrap.querySelector('button').focus();
      }
    }
  };
  draw(isObject(value), value, false);
  return {
    el: wrap,
    // Present but empty: {} (the server reports the members it requires).
    read: (violations) => (inner ? inner.read(violations) || {} : undefined),
  };
}

/** A list of objects: a fieldset per item with Remove, and Add. */
function recordListWidget(s, value, at) {
  const itemLabel = singular(at.label);
  const list = h('ol', { class: 'schema-items' });
  const addButton = h('button', { type: 'button', class: 'small secondary', id: `${at.id}-add` }, `Add ${itemLabel.toLowerCase()}`);
  let items = [];
  const draw = (values, focusIndex) => {
    clear(list);
    items = values.map((v, j) => {
      const w = build(s.items, v, { root: at.root, path: `${at.path}[${j}]`, id: `${at.id}-${j}`, label: `${itemLabel} ${j + 1}`, always: true });
      const remove = h('button', {
        type: 'button',
        class: 'small danger',
        id: `${at.id}-${j}-remove`,
        onclick: () => {
          const now = readAll([]);
          now.splice(j, 1);
          draw(now, null);
          (list.querySelector(`#${at.id}-${Math.min(j, now.length - 1)}-remove`) || addButton).focus();
          announce(`${itemLabel} ${j + 1} removed.`);
        },
      }, `Remove ${itemLabel.toLowerCase()} ${j + 1}`);
      put(w.el, h('div', { class: 'actions' }, remove));
      put(list, h('li', null, w.el));
      return w;
    });
    if (!values.length) {
      put(list, h('li', { class: 'hint' }, 'None.'));
    }
    addButton.disabled = typeof s.maxItems === 'number' && values.length >= s.maxItems;
    if (focusIndex !== null && focusIndex !== undefined) {
      focusFirst(list.children[focusIndex]);
    }
  };
  const readAll = (violations) => items.map((w) => w.read(violations) ?? {});
  addButton.addEventListener('click', () => {
    const now = readAll([]);
    now.push({});
    draw(now, now.length - 1);
    announce(`${itemLabel} ${now.length} added.`);
  });
  draw(Array.isArray(value) ? value : [], null);
  const hint = hintFor(s);
  const el = group(at, labelText(at), hint ? h('p', { class: 'hint' }, hint) : null, list, h('div', { class: 'actions' }, addButton));
  return {
    el,
    read: (violations) => {
      const out = readAll(violations);
      return out.length ? out : undefined;
    },
  };
}

/** A map: key / value rows with Remove, and Add. Keys are validated here (blank, repeated). */
function mapWidget(s, value, at) {
  const keys = s.propertyNames && Array.isArray(s.propertyNames.enum) ? s.propertyNames.enum : null;
  const valueKind = kind(s.additionalProperties, at.root);
  const scalarValues = !['record', 'map', 'recordList', 'choiceList'].includes(valueKind);
  const list = h('ol', { class: 'schema-items' });
  const addButton = h('button', { type: 'button', class: 'small secondary', id: `${at.id}-add` }, 'Add entry');
  let rows = [];
  const draw = (entries, focusIndex) => {
    clear(list);
    rows = entries.map(([k, v], j) => {
      const n = j + 1;
      const id = `${at.id}-${j}`;
      const entryPath = (key) => `${at.path}[${key}]`;
      const keyField = field(keys
        ? { id: `${id}-key`, label: `Key ${n}`, type: 'select', field: entryPath(k), value: k, options: [{ value: '', label: '(choose one)' }, ...keys.map((x) => ({ value: x }))] }
        : { id: `${id}-key`, label: `Key ${n}`, value: k, field: entryPath(k), spellcheck: false });
      const w = build(s.additionalProperties, v, { root: at.root, path: entryPath(k), id: `${id}-value`, label: `Value ${n}`, always: true });
      // The value's controls report under the key: follow edits of the key.
      let current = entryPath(k);
      const rekey = () => {
        const next = entryPath(keyField.input.value.trim());
        row.querySelectorAll('[data-field]').forEach((c) => {
          if (c.dataset.field === current || c.dataset.field.startsWith(current)) {
            c.dataset.field = next + c.dataset.field.slice(current.length);
          }
        });
        current = next;
      };
      keyField.input.addEventListener(keys ? 'change' : 'input', rekey);
      const remove = h('button', {
        type: 'button',
        class: 'small danger',
        id: `${id}-remove`,
        onclick: () => {
          const now = readEntries();
          now.splice(j, 1);
          draw(now, null);
          (list.querySelector(`#${at.id}-${Math.min(j, now.length - 1)}-remove`) || addButton).focus();
          announce(`Entry ${n} removed.`);
        },
      }, `Remove entry ${n}`);
      const row = scalarValues
        ? h('div', { class: 'kv-row' }, keyField.wrap, w.el, h('div', { class: 'actions' }, remove))
        : h('fieldset', { class: 'schema-group' }, h('legend', null, `Entry ${n}`), keyField.wrap, w.el, h('div', { class: 'actions' }, remove));
      put(list, h('li', null, row));
      return { key: () => keyField.input.value.trim(), w, n };
    });
    if (!entries.length) {
      put(list, h('li', { class: 'hint' }, 'No entries.'));
    }
    if (focusIndex !== null && focusIndex !== undefined) {
      focusFirst(list.children[focusIndex]);
    }
  };
  const readEntries = () => rows.map((r) => [r.key(), r.w.read([])]);
  addButton.addEventListener('click', () => {
    const now = readEntries();
    now.push(['', undefined]);
    draw(now, now.length - 1);
    announce(`Entry ${now.length} added.`);
  });
  draw(isObject(value) ? Object.entries(value) : [], null);
  const el = group(at, labelText(at), h('p', { class: 'hint' }, hintFor(s, 'Entries with an empty value are left out.')), list, h('div', { class: 'actions' }, addButton));
  return {
    el,
    read: (violations) => {
      const out = {};
      rows.forEach((r) => {
        const key = r.key();
        const v = r.w.read(violations);
        if (v === undefined && key === '') {
          return;
        }
        if (key === '') {
          violations.push({ field: at.path, message: `entry ${r.n} has no key` });
        } else if (Object.prototype.hasOwnProperty.call(out, key)) {
          violations.push({ field: `${at.path}[${key}]`, message: `key "${key}" is listed twice` });
        } else if (v !== undefined) {
          out[key] = v;
        } else if (!scalarValues) {
          out[key] = {};
        }
      });
      return Object.keys(out).length ? out : undefined;
    },
  };
}

/**
 * The settings form of a config: {el, read(violations) → object or undefined}. opts: {id (prefix
 * of the control ids), path (the field path of the config, steps[0].config), label}. The caller
 * checks supported() and misfit() first.
 */
export function schemaForm(schema, value, opts) {
  return recordWidget(schema, value, { root: schema, path: opts.path, id: opts.id, label: opts.label, bare: true });
}
