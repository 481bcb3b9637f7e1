// The browser side of a session: tokens kept in localStorage (so a reload, or a new
// tab, is the same reader), an anonymous login when there are none, and one refresh
// with the refresh token when the server says the access token is no longer good.

const STORAGE_KEY = 'newsroom.session';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `request failed with status ${status}`);
    this.status = status;
    this.code = body?.error_code;
  }
}

async function failure(res) {
  const body = await res.json().catch(() => null);
  return new ApiError(res.status, body);
}

function load() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function save(session) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

/** Starts a new anonymous session: a new user with no credentials. */
async function loginAnonymously() {
  const res = await fetch('/auth/providers/anon-user/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) throw await failure(res);
  const tokens = await res.json();
  const session = { userId: tokens.user_id, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
  save(session);
  return session;
}

let refreshing = null;

/**
 * Trades the refresh token for a new access token (and, as the server rotates it, a new
 * refresh token). Concurrent callers share one request: a rotated refresh token must
 * not be sent twice. A session the server no longer knows is replaced by a new
 * anonymous one, since an anonymous reader has nothing else to sign in with.
 */
function refresh(session) {
  refreshing ??= (async () => {
    const res = await fetch('/auth/session', {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.refreshToken}` },
    });
    if (res.status === 401) return loginAnonymously();
    if (!res.ok) throw await failure(res);
    const tokens = await res.json();
    // Inside the server's grace period for concurrent tabs no new refresh token comes back.
    const next = { ...session, accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? session.refreshToken };
    save(next);
    return next;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The current session, signing in anonymously first when there is none. */
export async function currentSession() {
  return load() ?? loginAnonymously();
}

/**
 * fetch() with the access token. A 401 means it expired (or the server restarted with
 * a new key): refresh once and retry once. Other failures throw an ApiError.
 */
export async function api(path, init = {}) {
  const send = (session) =>
    fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${session.accessToken}` } });
  let session = await currentSession();
  let res = await send(session);
  if (res.status === 401) {
    session = await refresh(session);
    res = await send(session);
  }
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? null : res.json();
}
