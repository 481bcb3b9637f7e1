// What every page of the newsroom shares: the package's typed client, the visitor's session
// (an anonymous one on the first visit), the masthead, readable errors, and the OAuth return.
import { AuthClient, Credentials, isAuthClientError } from '/vendor/auth-client/index.js';

// The server keeps the session in HttpOnly cookies; the client refreshes it once on a 401.
export const auth = new AuthClient({ baseUrl: '/auth', tokens: 'cookie' });
export { Credentials, isAuthClientError };

/** `fetch` + JSON for the app's own API, with the session; throws an AuthClientError on failure. */
export const api = (path, init) => auth.request(path, init);
export const postJson = (path, body, method = 'POST') =>
  api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

export const $ = (selector, root = document) => root.querySelector(selector);

/** A DOM element; text goes in as text (never HTML): names, titles and mails are user input. */
export function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'className' || name === 'textContent' || name === 'hidden' || name === 'disabled' || name === 'type' || name === 'value') node[name] = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const PROVIDERS = {
  'anon-user': { label: 'Anonymous reader', mark: '?' },
  'local-userpass': { label: 'Email and password', mark: '@' },
  'api-key': { label: 'API key', mark: 'K' },
  'oauth2-google': { label: 'Google', mark: 'G', name: 'google' },
  'oauth2-facebook': { label: 'Facebook', mark: 'f', name: 'facebook' },
  'oauth2-apple': { label: 'Apple', mark: 'A', name: 'apple' },
};
export const OAUTH_TYPES = ['oauth2-google', 'oauth2-facebook', 'oauth2-apple'];
export const providerLabel = (type) => PROVIDERS[type]?.label ?? type;

/** The little round mark of a provider, or of a person (their initial). */
export const mark = (text, kind) => element('span', { className: `mark mark-${kind}`, 'aria-hidden': 'true', textContent: text });

export const isJournalist = (profile) => profile.identities.some((i) => i.provider_type !== 'anon-user' && i.provider_type !== 'api-key');
export const displayName = (profile) =>
  profile.data.name ?? profile.data.email ?? (isJournalist(profile) ? 'Journalist' : 'Anonymous reader');

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (iso) => (iso ? dateFormat.format(new Date(iso)) : '—');
export const formatTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : '—');

// What each error code means to a person; the server's own words where they are already plain.
const MESSAGES = {
  InvalidPassword: 'That email and password do not match an account.',
  UserPending: 'Confirm your address first: open the link in the confirmation mail.',
  UserDisabled: 'This account has been disabled by an editor.',
  IdentityAlreadyExists: 'That sign-in already belongs to another account of the newsroom, so it cannot be added to this one.',
  LastIdentity: 'This is your only way to sign in: add another one before removing it.',
  LinkNotAllowed: 'That sign-in method cannot be added to this account.',
  UserpassTokenInvalid: 'This link has expired or was already used.',
  AccountNameInUse: 'An account with this address already exists.',
  TooManyRequests: 'Too many attempts from here. Wait a minute, then try again.',
  NetworkError: 'The newsroom cannot be reached. Check your connection, then retry.',
  ServiceUnavailable: 'The service is busy or briefly unavailable. Retry in a moment.',
  InternalServerError: 'Something went wrong on our side. Retry in a moment.',
  InvalidSession: 'Your session has ended. Sign in again.',
  MissingAuthReq: 'You are not signed in.',
  APIKeyAlreadyExists: 'You already have a key with that name.',
  ApiKeyLimitReached: 'You have reached the maximum number of API keys: delete one first.',
  Forbidden: 'You are not allowed to do that.',
};
const RETRYABLE = new Set(['NetworkError', 'ServiceUnavailable', 'InternalServerError', 'TooManyRequests']);
const sentence = (text) => (text ? `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}` : 'Something went wrong.');

/** A message a person can act on, for an AuthClientError (or any error). `overrides` by code. */
export function friendlyError(err, overrides = {}) {
  const code = err?.code;
  return overrides[code] ?? MESSAGES[code] ?? sentence(err?.message);
}

/**
 * Shows an error in `box`: the readable message and, with `retry`, a Retry button for a
 * failure worth retrying (the network, a busy server), or for any failure with `always`.
 */
export function showError(box, err, { retry, always = false, overrides } = {}) {
  const canRetry = retry && (always || RETRYABLE.has(err?.code) || err?.code === undefined);
  box.className = 'alert alert-error';
  box.replaceChildren(element('span', { textContent: friendlyError(err, overrides) }));
  if (canRetry) box.append(element('button', { type: 'button', className: 'btn btn-small', textContent: 'Retry', onclick: () => retry() }));
  box.dataset.code = err?.code ?? '';
  box.hidden = false;
}

export function showMessage(box, text, kind = 'success', extra = []) {
  box.className = `alert alert-${kind}`;
  box.replaceChildren(element('span', { textContent: text }), ...extra);
  delete box.dataset.code;
  box.hidden = false;
}

export const hide = (box) => {
  box.hidden = true;
  box.replaceChildren();
};

/** Runs `work` with the button disabled and a busy label, whatever happens. */
export async function busy(button, label, work) {
  const text = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = text;
  }
}

/** The visitor's profile; a browser without a session gets an anonymous one (a reader). */
async function currentProfile() {
  try {
    return await auth.profile();
  } catch (err) {
    if (!isAuthClientError(err, 'MissingAuthReq', 'InvalidSession')) throw err;
    await auth.logIn(Credentials.anonymous());
    return auth.profile();
  }
}

let siteConfig;
/** Which sign-in methods the site offers and how (`real`, `local-test`, `off`), and whether the outbox is on. */
export const config = () => (siteConfig ??= fetch('/api/config').then((res) => res.json()));

/** The visitor: their profile, and what the app says of them (`can_publish`, `admin`). */
export async function loadVisitor() {
  const profile = await currentProfile();
  const me = await api('/api/me');
  return { profile, me, journalist: me.can_publish };
}

/** The masthead: who is reading or writing, and the links the visitor may use. */
export function renderMasthead(visitor, site) {
  const { profile } = visitor;
  const session = $('#session');
  session.dataset.userId = profile.user_id;
  session.dataset.kind = visitor.journalist ? 'journalist' : 'reader';
  if (visitor.journalist) {
    session.replaceChildren(
      mark(displayName(profile)[0].toUpperCase(), 'person'),
      element('span', { className: 'who' }, [element('strong', { id: 'who', textContent: displayName(profile) }), element('small', { textContent: 'Journalist' })]),
      element('button', { id: 'logout', type: 'button', className: 'btn btn-small btn-ghost-light', textContent: 'Log out', onclick: logOut }),
    );
  } else {
    session.replaceChildren(
      element('span', { className: 'who' }, [
        element('strong', { id: 'who', textContent: 'Anonymous reader' }),
        element('small', {}, ['id ', element('code', { id: 'user-id', textContent: profile.user_id })]),
      ]),
      element('a', { className: 'btn btn-small btn-light', href: '/signin', textContent: 'Sign in' }),
    );
  }
  for (const link of document.querySelectorAll('[data-admin]')) link.hidden = !visitor.me.admin;
  for (const link of document.querySelectorAll('[data-outbox]')) link.hidden = !site.outbox;
  for (const link of document.querySelectorAll('.nav a')) {
    if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
  }
}

/** Ends the session; the next page load starts a new anonymous one. */
async function logOut(event) {
  await busy(event.currentTarget, 'Logging out…', () => auth.logOut().catch(() => undefined));
  location.assign('/');
}

/**
 * Where a Google, Facebook or Apple button sends the browser: the auth router's login, which
 * answers 302 to the provider. The provider comes back to the router's callback, which sends
 * the browser to `back` (a page on the allowlist) with a one-time code. With `link`, the
 * identity joins the signed-in user: the access cookie rides along on this top-level navigation.
 */
export function providerLoginUrl(type, { back, link = false }) {
  const query = new URLSearchParams({ redirect: new URL(back, location.origin).href });
  if (link) query.set('link', 'true');
  return `/auth/providers/${type}/login?${query}`;
}

/** Sends the browser to the provider, with a fresh access token first when linking (the cookie must be valid). */
export async function goToProvider(type, options) {
  if (options.link) await auth.profile();
  location.assign(providerLoginUrl(type, options));
}

/**
 * Finishes a web login the page was sent back to. In cookie mode (this app's) the callback has
 * set the session cookies already, and the page only sees the marker it put in its own return
 * address (`?via=<provider>`, or the profile's `?linking=<provider>`); `?error=…&error_code=…` is
 * answered as an error. A server outside cookie mode sends `?code=…` instead, which is
 * exchanged (`POST /auth/session/exchange`, from this browser only). The query is removed from
 * the address bar either way.
 * Resolves with `{ finished: true }`, `{ error }`, or `{}` when there was nothing to finish.
 */
export async function finishProviderLogin() {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  const returned = params.get('via') ?? params.get('linking');
  if (!code && !error && !returned) return {};
  history.replaceState(null, '', location.pathname);
  if (error) return { error: { code: params.get('error_code') ?? 'AuthError', message: error } };
  if (!code) return { finished: true };
  const res = await fetch('/auth/session/exchange', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  }).catch(() => null);
  if (!res) return { error: { code: 'NetworkError' } };
  if (!res.ok) return { error: await res.json().catch(() => ({ code: 'AuthError', message: 'the sign-in could not be completed' })).then((b) => ({ code: b.error_code, message: b.error })) };
  return { finished: true };
}

/**
 * Starts a page: the visitor's session and the masthead, then `render(visitor, site)`. A
 * failure shows a readable message with a Retry button. `body[data-state]` says `ready` or `error`.
 */
export async function startPage(render) {
  const box = $('#page-error');
  const run = async () => {
    hide(box);
    document.body.dataset.state = 'loading';
    try {
      const [site, visitor] = await Promise.all([config(), loadVisitor()]);
      renderMasthead(visitor, site);
      await render(visitor, site);
      document.body.dataset.state = 'ready';
    } catch (err) {
      showError(box, err, { retry: run, always: true });
      document.body.dataset.state = 'error';
    }
  };
  await run();
}

/** Copies text to the clipboard, saying so on the button. */
export async function copyText(button, text) {
  try {
    await navigator.clipboard.writeText(text);
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = label), 1500);
  } catch {
    button.textContent = 'Select and copy';
  }
}

/** A pending email/password link: the profile page registered an address for the signed-in user. */
export const pendingLink = {
  get: () => JSON.parse(sessionStorage.getItem('newsroom.pending-link') ?? 'null'),
  set: (value) => sessionStorage.setItem('newsroom.pending-link', JSON.stringify(value)),
  clear: () => sessionStorage.removeItem('newsroom.pending-link'),
};
