import { randomBytes } from 'node:crypto';
import express from 'express';
import { TEST_ACCOUNTS, chosenAccount } from './accounts.js';

const TEN_MINUTES = 10 * 60 * 1000;

const escape = (value) =>
  String(value).replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The part the three fake providers share: the authorization request is kept under a random
 * id while the consent page asks who is signing in; the answer (an account, or "cancel") is
 * handed to the provider's `grant` or `deny`, which send the browser back to the app.
 */
export function consentRoutes(app, { provider, brand, authorizePath, check, grant, deny }) {
  const pending = new Map();

  app.get(authorizePath, (req, res) => {
    const problem = check(req.query);
    if (problem) return void res.status(400).type('text').send(`${brand.name} (local test provider): ${problem}`);
    for (const [id, entry] of pending) if (entry.expires < Date.now()) pending.delete(id);
    const id = randomBytes(16).toString('base64url');
    pending.set(id, { query: { ...req.query }, expires: Date.now() + TEN_MINUTES });
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.type('html').send(consentPage({ id, brand, client: String(req.query.client_id ?? '') }));
  });

  app.post('/consent', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    const entry = pending.get(String(req.body?.request ?? ''));
    if (!entry) return void res.status(400).type('text').send('This sign-in request has expired: go back to the app and start again.');
    pending.delete(String(req.body.request));
    if (req.body.decision === 'cancel') return deny(res, entry.query);
    const account = chosenAccount(provider, req.body);
    if (!account) return void res.status(400).type('text').send('Enter a name and a valid email address, or pick a test account.');
    grant(res, entry.query, account);
  });
}

function consentPage({ id, brand, client }) {
  const accounts = TEST_ACCOUNTS.map(
    (a) => `<button class="account" name="account" value="${a.key}" data-account="${a.key}">
      <span class="avatar">${escape(a.name[0])}</span><span><strong>${escape(a.name)}</strong><small>${escape(a.email)}</small></span></button>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in with ${escape(brand.name)} · local test provider</title>
<style>
  :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2430; background: #eef0f4; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 16px; box-sizing: border-box; }
  main { width: 100%; max-width: 420px; background: #fff; border-radius: 14px; box-shadow: 0 6px 30px rgba(20,30,60,.12); overflow: hidden; }
  header { background: ${brand.color}; color: ${brand.ink}; padding: 18px 22px; }
  header h1 { margin: 0; font-size: 1.2rem; }
  header p { margin: 4px 0 0; font-size: .85rem; opacity: .85; }
  .dev { margin: 0; padding: 10px 22px; background: #fff6d9; color: #6b5200; font-size: .82rem; border-bottom: 1px solid #f0e2b0; }
  form { padding: 16px 22px 22px; display: grid; gap: 10px; }
  .lead { margin: 0 0 4px; font-size: .95rem; }
  .account { display: flex; gap: 12px; align-items: center; text-align: left; width: 100%; padding: 10px 12px; border: 1px solid #d9dde6; border-radius: 10px; background: #fff; font: inherit; cursor: pointer; }
  .account:hover, .account:focus-visible { border-color: ${brand.color}; background: #f7f8fb; }
  .account small { display: block; color: #5b6375; font-size: .82rem; }
  .avatar { flex: none; width: 34px; height: 34px; border-radius: 50%; display: grid; place-items: center; background: ${brand.color}; color: ${brand.ink}; font-weight: 700; }
  fieldset { border: 1px dashed #d9dde6; border-radius: 10px; padding: 10px 12px 12px; display: grid; gap: 8px; margin: 4px 0 0; }
  legend { font-size: .82rem; color: #5b6375; padding: 0 4px; }
  label { display: grid; gap: 3px; font-size: .82rem; font-weight: 600; }
  input { font: inherit; font-weight: 400; padding: 7px 9px; border: 1px solid #d9dde6; border-radius: 7px; }
  .row { display: flex; gap: 8px; justify-content: space-between; flex-wrap: wrap; }
  .primary { font: inherit; font-weight: 600; padding: 8px 14px; border: 0; border-radius: 8px; background: ${brand.color}; color: ${brand.ink}; cursor: pointer; }
  .cancel { font: inherit; padding: 8px 14px; border: 1px solid #d9dde6; border-radius: 8px; background: #fff; cursor: pointer; }
</style></head>
<body><main>
  <header><h1>Sign in with ${escape(brand.name)}</h1><p>to continue to ${escape(client)}</p></header>
  <p class="dev">Local test provider for development: no real ${escape(brand.name)} account is used and nothing leaves this machine.</p>
  <form method="post" action="/consent">
    <input type="hidden" name="request" value="${id}">
    <p class="lead">Choose a test account</p>
    ${accounts}
    <fieldset><legend>or someone else</legend>
      <label>Name <input name="name" autocomplete="off" placeholder="Alex Doe"></label>
      <label>Email <input name="email" type="email" autocomplete="off" placeholder="alex@example.com"></label>
      <div class="row"><button class="primary" name="account" value="custom">Continue as this person</button></div>
    </fieldset>
    <div class="row"><button class="cancel" name="decision" value="cancel" formnovalidate>Cancel</button></div>
  </form>
</main></body></html>`;
}

export { escape };
