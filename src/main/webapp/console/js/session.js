// The signed-in caller. The access token lives in this module only: never in storage or cookies,
// so a reload or a new tab signs in again.

export const ADMIN_GROUP = 'meshgate-admin';
export const VIEWER_GROUP = 'meshgate-viewer';

let token = null;
let claims = null;
let expiryTimer = null;
const listeners = new Set();

/** Calls fn(reason) when the session ends (sign-out, expiry, a refused token). */
export function onSignOut(fn) {
  listeners.add(fn);
}

export function accessToken() {
  return token;
}

export function isSignedIn() {
  return token !== null;
}

/** 'admin', 'viewer' or null (a token with neither group cannot use the console). */
export function role() {
  if (!claims) {
    return null;
  }
  const groups = Array.isArray(claims.groups) ? claims.groups : [];
  if (groups.includes(ADMIN_GROUP)) {
    return 'admin';
  }
  if (groups.includes(VIEWER_GROUP)) {
    return 'viewer';
  }
  return null;
}

export function isAdmin() {
  return role() === 'admin';
}

export function subject() {
  return claims ? claims.upn || claims.sub || '' : '';
}

export function expiresAt() {
  return claims && typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null;
}

/** Decodes a JWT's payload (base64url JSON). It is not verified: the API verifies every call. */
export function decodePayload(jwt) {
  const parts = String(jwt).split('.');
  if (parts.length !== 3) {
    throw new Error('The token is not a JWT');
  }
  let b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
  b64 += '='.repeat((4 - (b64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function basic(id, secret) {
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
  const pair = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
  const bytes = new TextEncoder().encode(pair);
  let binary = '';
  bytes.forEach((b) => {
    binary += String.fromCharCode(b);
  });
  return btoa(binary);
}

/**
 * Trades client credentials for an admin token. Resolves with the role; rejects with an Error whose
 * message is meant for people.
 */
export async function signIn(clientId, clientSecret) {
  let response;
  try {
    response = await fetch('/admin/oauth2/token', {
      method: 'POST',
      headers: {
        Authorization: `Basic ${basic(clientId, clientSecret)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new Error('The gateway cannot be reached. Check your connection and try again.');
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok || !body || typeof body.access_token !== 'string') {
    if (response.status === 401) {
      throw new Error('The client id or secret is wrong.');
    }
    const detail = body && (body.error_description || body.detail || body.error);
    throw new Error(`Sign-in failed (${response.status})${detail ? `: ${detail}` : ''}.`);
  }
  const payload = decodePayload(body.access_token);
  token = body.access_token;
  claims = payload;
  if (role() === null) {
    token = null;
    claims = null;
    throw new Error('This client has neither the meshgate-admin nor the meshgate-viewer group.');
  }
  scheduleExpiry();
  return role();
}

function scheduleExpiry() {
  clearTimeout(expiryTimer);
  const exp = expiresAt();
  if (!exp) {
    return;
  }
  // setTimeout takes at most 2^31-1 ms; a longer-lived token is checked again later.
  const wait = Math.min(exp.getTime() - Date.now(), 2147483647);
  expiryTimer = setTimeout(() => {
    if (expiresAt() && Date.now() >= expiresAt().getTime()) {
      signOut('Your session has expired. Sign in again.');
    } else {
      scheduleExpiry();
    }
  }, Math.max(wait, 0));
}

/** Forgets the token and tells the listeners why. */
export function signOut(reason) {
  const was = token !== null;
  token = null;
  claims = null;
  clearTimeout(expiryTimer);
  if (was) {
    listeners.forEach((fn) => fn(reason || ''));
  }
}
