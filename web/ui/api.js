// The JSON API, called with the token this tab signed in with (README "Dashboard"). The
// token lives in sessionStorage: it is sent as an Authorization header, never as a cookie,
// so another site cannot make the browser send it (docs/security.md "The dashboard").

const TOKEN_KEY = 'lifeboat.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthorized = () => {};

//! `handler(message)` runs when the daemon answers 401 (wrong or changed token).
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

async function errorMessage(res) {
  let text = '';
  try {
    text = await res.text();
    const body = JSON.parse(text);
    if (body && typeof body.detail === 'string') return body.detail;
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: the text itself, below
  }
  return text ? text.slice(0, 500) : `HTTP ${res.status}`;
}

//! One request; resolves to the parsed JSON body, rejects with an ApiError naming what
//! the daemon said.
export async function api(method, path, body, presented) {
  const headers = { Accept: 'application/json' };
  const tok = presented ?? token();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, `the daemon could not be reached (${e.message}); is lifeboat serve running?`);
  }
  if (res.status === 401) {
    const message = await errorMessage(res);
    if (presented === undefined) onUnauthorized(message);
    throw new ApiError(401, message);
  }
  if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
  if (res.status === 204) return null;
  return res.json();
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

//! "/v1/x?a=1&b=2" from a path and the parameters that are set.
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

//! The URL path of one profile: every part percent-encoded.
export function profilePath(domain, kind, name) {
  return `/v1/profiles/${encodeURIComponent(domain)}/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
}

//! A profile's name whatever its kind.
export function profileName(p) {
  return p.user_profile_name ?? p.space_name ?? p.profileName ?? '';
}
