// The API as the page calls it: 'Authorization: Bearer <token>' on every call. The token stays in this tab's
// sessionStorage and travels only in that header (no cookie, so a cross-site form carries nothing). A link may bring
// it in the fragment (#token=...), which browsers never send; it is removed from the address at once.
const TOKEN_KEY = 'receiver-token';

export class AuthError extends Error {}

// A refused request, carrying the API's own reason ({"error": "..."}).
export class ApiError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

export function takeTokenFromFragment() {
  const m = /^#token=([A-Za-z0-9_-]{1,128})$/.exec(location.hash);
  if (m) sessionStorage.setItem(TOKEN_KEY, m[1]);
  if (/^#token=/.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
}

export const signedOut = new EventTarget();

async function call(method, url, body) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new AuthError('sign in with an API token');
  const headers = { Authorization: 'Bearer ' + token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, cache: 'no-store', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    setToken(null);
    signedOut.dispatchEvent(new Event('signedout'));
    throw new AuthError('the token was refused: sign in again');
  }
  if (!response.ok) {
    let reason = 'HTTP ' + response.status;
    try { reason = (await response.json()).error || reason; } catch { /* not JSON: keep the status */ }
    throw new ApiError(response.status, reason);
  }
  return response;
}

// Bytes as the API takes them in JSON (a package, an authorization): base64, converted in slices to bound the argument list.
export function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const getResponse = (url) => call('GET', url);
export const getJson = async (url) => (await call('GET', url)).json();
export const postJson = async (url, body) => (await call('POST', url, body ?? {})).json();

// The whole fleet: /api/devices answers a page of up to 1000 devices and names the next page in X-Next-After.
const MAX_DEVICE_PAGES = 100;
export async function getAllDevices() {
  const all = [];
  let after = null;
  for (let page = 0; page < MAX_DEVICE_PAGES; page++) {
    const response = await getResponse('/api/devices' + (after ? '?after=' + encodeURIComponent(after) : ''));
    all.push(...await response.json());
    after = response.headers.get('X-Next-After');
    if (!after) break;
  }
  return all;
}

// What a role may do, as Access/Roles.cs grants it (the API checks again on every call).
export function mayOperate(role) {
  return role === 'operator' || role === 'admin';
}
