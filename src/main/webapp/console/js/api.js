// Calls to the admin API on this origin. Every error answer is problem+json; it becomes an
// ApiError carrying the problem, so pages can show it next to their forms.
import { accessToken, signOut } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function query(params) {
  if (!params) {
    return '';
  }
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => {
    if (v !== undefined && v !== null && String(v) !== '') {
      q.set(k, String(v));
    }
  });
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Calls /admin/v1{path}. Options: body (sent as JSON), params (query), accept, text (resolve with
 * the body text instead of JSON), withHeaders (resolve with {body, headers}).
 */
export async function api(method, path, options = {}) {
  const token = accessToken();
  if (!token) {
    throw new ApiError(401, { title: 'Not signed in', detail: 'Sign in first.', errorKey: 'ADMIN_TOKEN_MISSING' });
  }
  const headers = {
    Authorization: `Bearer ${token}`,
    Accept: options.accept || 'application/json',
  };
  const init = { method, headers, credentials: 'omit', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  } else if (method === 'POST' || method === 'PUT') {
    // Every body-taking admin endpoint wants an object; the state sub-resources take none.
    if (options.emptyObject) {
      headers['Content-Type'] = 'application/json';
      init.body = '{}';
    }
  }
  let response;
  try {
    response = await fetch(`/admin/v1${path}${query(options.params)}`, init);
  } catch (e) {
    throw new ApiError(0, {
      title: 'Network error',
      detail: 'The gateway cannot be reached. Check your connection and try again.',
      errorKey: 'NETWORK_ERROR',
    });
  }
  if (response.status === 401) {
    let problem = {};
    try {
      problem = await response.json();
    } catch (e) {
      problem = {};
    }
    const why = problem.detail ? ` (${problem.detail})` : '';
    signOut(`Your session has ended: the gateway refused the token${why}. Sign in again.`);
    throw new ApiError(401, { title: 'Unauthorized', detail: 'Sign in again.', errorKey: problem.errorKey || 'ADMIN_TOKEN_INVALID' });
  }
  if (!response.ok) {
    let problem;
    const text = await response.text();
    try {
      problem = JSON.parse(text);
    } catch (e) {
      problem = { title: response.statusText || 'Error', detail: text.slice(0, 500) };
    }
    if (!problem || typeof problem !== 'object') {
      problem = { title: 'Error', detail: String(problem) };
    }
    problem.status = problem.status || response.status;
    throw new ApiError(response.status, problem);
  }
  let body = null;
  if (response.status !== 204) {
    body = options.text ? await response.text() : await response.json();
  }
  if (options.withHeaders) {
    return { body, headers: response.headers };
  }
  return body;
}

/** Every item of a paged list, up to max items (the API's page size is at most 500). */
export async function listAll(path, params = {}, max = 2000) {
  const items = [];
  for (let page = 0; items.length < max; page += 1) {
    const p = await api('GET', path, { params: { ...params, page, size: 500 } });
    items.push(...p.items);
    if (p.items.length === 0 || items.length >= p.total) {
      break;
    }
  }
  return items;
}
