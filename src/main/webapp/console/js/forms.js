// Reading form values into the exact JSON shapes the admin API takes (types are strict there:
// a count is a JSON number, a flag a boolean; an unparsable value is sent as it is so that the
// API names the field in its answer).
import { ApiError } from './api.js';

export function text(form, id) {
  const el = form.querySelector(`#${id}`);
  return el ? el.value.trim() : '';
}

/** The trimmed value, or undefined when blank (the API reads an absent field as its default). */
export function optionalText(form, id) {
  const v = text(form, id);
  return v === '' ? undefined : v;
}

/** A whole number, undefined when blank, the raw text when it is not one. */
export function optionalInt(form, id) {
  const v = text(form, id);
  if (v === '') {
    return undefined;
  }
  return /^-?\d{1,15}$/.test(v) ? Number(v) : v;
}

export function checked(form, id) {
  const el = form.querySelector(`#${id}`);
  return Boolean(el && el.checked);
}

/** Parses a JSON object typed into a textarea; blank means undefined. */
export function optionalJsonObject(form, id, field, violations) {
  const v = text(form, id);
  if (v === '') {
    return undefined;
  }
  try {
    const parsed = JSON.parse(v);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      violations.push({ field, message: 'must be a JSON object ({ … })' });
      return undefined;
    }
    return parsed;
  } catch (e) {
    violations.push({ field, message: `is not valid JSON: ${e.message}` });
    return undefined;
  }
}

/** An ApiError made in the browser, for checks done before anything is sent. */
export function localProblem(violations) {
  return new ApiError(400, {
    title: 'Check the highlighted fields',
    detail: 'Nothing was sent: some fields cannot be read.',
    violations,
  });
}

/** Drops undefined members so that the body only carries what was set. */
export function compact(obj) {
  const out = {};
  Object.entries(obj).forEach(([k, v]) => {
    if (v !== undefined) {
      out[k] = v;
    }
  });
  return out;
}
