// The API key for a server that requires one (server.auth): entered once,
// kept in this browser (localStorage, this origin only), sent as a Bearer
// header on fetches and, since browsers cannot set headers on a WebSocket,
// as the `openai-insecure-api-key.<key>` subprotocol of /v1/realtime.
const STORAGE = 'mirrorvox.apiKey';

export function apiKey() {
  try {
    return localStorage.getItem(STORAGE) || '';
  } catch {
    return ''; // storage disabled: no key
  }
}

export function setApiKey(key) {
  try {
    if (key)
      localStorage.setItem(STORAGE, key);
    else
      localStorage.removeItem(STORAGE);
  } catch {
    // storage disabled: the key lasts for this page only
  }
}

export function authHeaders(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

// fetch() with the key, when there is one.
export function authFetch(url, options = {}) {
  return fetch(url, { ...options, headers: authHeaders(options.headers || {}) });
}

export function realtimeProtocols() {
  const key = apiKey();
  return key ? ['realtime', `openai-insecure-api-key.${key}`] : undefined;
}

// After a refused connection: does the server want a (different) key?
export async function keyRequired() {
  try {
    const res = await authFetch('/v1/models');
    return res.status === 401;
  } catch {
    return false;
  }
}
