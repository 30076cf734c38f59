// Small DOM helpers. Data from the API is only ever set as text, never parsed as HTML.

/** h('tag', {attrs}, ...children): attrs starting with "on" are listeners; class/dataset handled. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    Object.entries(attrs).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) {
        return;
      }
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'dataset') {
        Object.entries(v).forEach(([dk, dv]) => {
          if (dv !== undefined && dv !== null) {
            el.dataset[dk] = String(dv);
          }
        });
      } else if (k === 'value' && 'value' in el) {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'readOnly') {
        el[k] = Boolean(v);
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    });
  }
  append(el, children);
  return el;
}

function append(el, children) {
  children.flat(Infinity).forEach((c) => {
    if (c === undefined || c === null || c === false) {
      return;
    }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  });
}

/** Appends children like h() does: null, undefined and false are skipped (unlike Node.append). */
export function put(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) {
    el.firstChild.remove();
  }
  return el;
}

let uid = 0;
/** A unique element id with a readable prefix. */
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Announces a message to screen readers (and keeps it visible for tests in #live). */
export function announce(message) {
  const live = document.getElementById('live');
  if (live) {
    live.textContent = '';
    live.textContent = message;
  }
}

/**
 * A labelled form field. spec: {id, label, type ('text', 'number', 'password', 'checkbox',
 * 'select', 'textarea', ...), value, field (the API field name its violations are reported under),
 * hint, required, options [{value, label}], placeholder, rows, cls}. Returns {wrap, input}.
 */
export function field(spec) {
  const { id } = spec;
  const describedBy = [];
  const hint = spec.hint ? h('p', { class: 'hint', id: `${id}-hint` }, spec.hint) : null;
  if (hint) {
    describedBy.push(`${id}-hint`);
  }
  const error = h('p', { class: 'field-error', id: `${id}-error` });
  describedBy.push(`${id}-error`);
  let input;
  const common = {
    id,
    name: spec.name || spec.field || id,
    'aria-describedby': describedBy.join(' '),
    dataset: spec.field ? { field: spec.field } : undefined,
    required: spec.required || undefined,
    placeholder: spec.placeholder,
    class: spec.cls,
    readOnly: spec.readOnly,
    disabled: spec.disabled,
    autocomplete: spec.autocomplete || 'off',
    spellcheck: spec.spellcheck === undefined ? undefined : String(spec.spellcheck),
  };
  if (spec.type === 'select') {
    input = h(
      'select',
      common,
      (spec.options || []).map((o) => h('option', { value: o.value, selected: String(o.value) === String(spec.value ?? '') }, o.label ?? o.value)),
    );
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...common, rows: spec.rows || 4 });
    input.value = spec.value ?? '';
  } else if (spec.type === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: Boolean(spec.value) });
    const wrap = h('div', { class: 'field inline' }, input, h('label', { for: id }, spec.label), hint, error);
    return { wrap, input };
  } else {
    input = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '', min: spec.min, max: spec.max, step: spec.step });
  }
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, spec.label), hint, input, error);
  return { wrap, input };
}

/** A form's problem box: the first .problem in it, created at its top when absent. */
function problemBox(form) {
  let box = form.querySelector(':scope > .problem');
  if (!box) {
    box = h('div', { class: 'problem', role: 'alert', hidden: true });
    form.prepend(box);
  }
  return box;
}

/** Removes every shown problem and field error in form. */
export function clearProblem(form) {
  const box = problemBox(form);
  box.hidden = true;
  clear(box);
  form.querySelectorAll('.field-error').forEach((e) => clear(e));
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

/**
 * Shows an error next to form: its title and detail at the top, each violation next to the field
 * whose data-field is the violation's field or the longest prefix of it ("steps[2]" for
 * "steps[2].config.denyIps[1]"); violations without a field are listed at the top. A control
 * with data-lines="true" edits a list one value per line: "denyIps[1]" is shown as "Line 2".
 * Groups (a fieldset with tabindex="-1" and an id-error element) take errors like fields do.
 */
export function showProblem(form, err) {
  clearProblem(form);
  const problem = err && err.problem ? err.problem : { title: 'Error', detail: err && err.message ? err.message : String(err) };
  const box = problemBox(form);
  const unplaced = [];
  let firstInvalid = null;
  const fields = Array.from(form.querySelectorAll('[data-field]'));
  (problem.violations || []).forEach((v) => {
    const name = String(v.field || '');
    let best = null;
    fields.forEach((f) => {
      const df = f.dataset.field;
      if (name === df || name.startsWith(`${df}.`) || name.startsWith(`${df}[`)) {
        if (!best || df.length > best.dataset.field.length) {
          best = f;
        }
      }
    });
    if (best) {
      const errorEl = document.getElementById(`${best.id}-error`);
      if (errorEl) {
        const rest = name.slice(best.dataset.field.length);
        const line = best.dataset.lines === 'true' ? /^\[(\d+)\]$/.exec(rest) : null;
        let text = `${name}: ${v.message}`;
        if (!rest) {
          text = v.message;
        } else if (line) {
          text = `Line ${Number(line[1]) + 1}: ${v.message}`; // a list edited one value per line
        }
        put(errorEl, errorEl.textContent ? h('br') : null, text);
      }
      best.setAttribute('aria-invalid', 'true');
      firstInvalid = firstInvalid || best;
    } else {
      unplaced.push(v);
    }
  });
  put(
    box,
    h('strong', null, problem.title || 'Error'),
    problem.status ? ` (${problem.status})` : '',
    problem.detail ? h('p', null, problem.detail) : null,
    problem.errorKey ? h('p', { class: 'muted' }, 'Error key: ', h('code', null, problem.errorKey)) : null,
    unplaced.length ? h('ul', null, unplaced.map((v) => h('li', null, v.field ? `${v.field}: ` : '', v.message))) : null,
    problem.requestId ? h('p', { class: 'muted' }, 'Request id: ', h('code', null, problem.requestId)) : null,
  );
  box.hidden = false;
  if (firstInvalid) {
    firstInvalid.focus();
  } else {
    box.setAttribute('tabindex', '-1');
    box.focus();
  }
}

/** A scrollable, keyboard-reachable table. columns: [{label, num}]; rows: <tr> elements. */
export function table(caption, columns, rows, attrs = {}) {
  const t = h(
    'table',
    attrs,
    h('caption', null, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label ?? c)))),
    h('tbody', null, rows),
  );
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, t);
}

/** Previous / next buttons for a Page answer {page, size, total}. */
export function pager(p, onPage, label) {
  const pages = Math.max(1, Math.ceil(p.total / p.size));
  return h(
    'nav',
    { class: 'pager', 'aria-label': `${label} pages` },
    h('button', { type: 'button', class: 'secondary', disabled: p.page <= 0, onclick: () => onPage(p.page - 1) }, 'Previous page'),
    h('span', null, `Page ${p.page + 1} of ${pages} (${p.total} in all)`),
    h('button', { type: 'button', class: 'secondary', disabled: p.page + 1 >= pages, onclick: () => onPage(p.page + 1) }, 'Next page'),
  );
}

/** An instant as UTC text in a <time> element; '—' for none. */
export function when(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return String(iso);
  }
  return h('time', { datetime: d.toISOString() }, d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC'));
}

export function stateBadge(state) {
  return h('span', { class: `state state-${String(state).toLowerCase()}` }, state);
}

/** Copies text with the asynchronous clipboard API; reports the outcome in statusEl. */
export async function copyText(text, statusEl) {
  try {
    await navigator.clipboard.writeText(text);
    if (statusEl) {
      statusEl.textContent = 'Copied to the clipboard.';
    }
    announce('Copied to the clipboard.');
  } catch (e) {
    const msg = 'The browser refused the clipboard: select the text and copy it yourself.';
    if (statusEl) {
      statusEl.textContent = msg;
    }
    announce(msg);
  }
}

/** Saves text as a file through a Blob URL and an <a download>. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type: type || 'text/plain' }));
  const a = h('a', { href: url, download: filename, class: 'visually-hidden' }, 'download');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Shows secrets that the API returns once, in a modal dialog with a copy button each and a
 * warning. Resolves when the dialog is closed. items: [{label, value}].
 */
export function showSecrets(title, intro, items) {
  return new Promise((resolve) => {
    const old = document.getElementById('secret-dialog');
    if (old) {
      old.remove();
    }
    const status = h('p', { class: 'muted', role: 'status' });
    const dialog = h(
      'dialog',
      { id: 'secret-dialog', 'aria-labelledby': 'secret-dialog-title' },
      h('h2', { id: 'secret-dialog-title' }, title),
      h('p', { class: 'warning' }, h('strong', null, 'Shown once. '), 'The gateway keeps only a digest: copy these values now and store them safely. They cannot be displayed again.'),
      intro ? h('p', null, intro) : null,
      items.map((it, i) => {
        const valueId = `secret-value-${i}`;
        return h(
          'div',
          null,
          h('p', { id: `${valueId}-label` }, h('strong', null, it.label)),
          h(
            'div',
            { class: 'secret-value' },
            h('code', { id: valueId, 'aria-labelledby': `${valueId}-label`, dataset: { secret: it.key || it.label } }, it.value),
            h('button', { type: 'button', class: 'secondary small', 'aria-label': `Copy ${it.label}`, onclick: () => copyText(it.value, status) }, 'Copy'),
          ),
        );
      }),
      status,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'secret-dialog-close', onclick: () => dialog.close() }, 'I have stored them, close')),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Asks before an irreversible change. */
export function confirmChange(message) {
  return window.confirm(message);
}

/** A definition list of [term, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}

/** Pretty JSON in a <pre>. */
export function jsonBlock(value, label) {
  return h('pre', { class: 'json', tabindex: '0', 'aria-label': label || 'JSON' }, JSON.stringify(value, null, 2));
}
