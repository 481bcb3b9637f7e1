// The rest of the newsroom's API: the visitor (/api/me), the site's sign-in methods
// (/api/config), the development outbox, the editors' admin API, and the settings behind them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminEmailsFrom } from '../lib/admin.js';
import { oauthProviders } from '../lib/oauth-providers.js';
import { startNewsroom, storages } from './support/api.mjs';

for (const storage of storages) {
  describe(`site API on ${storage.name}`, () => {
    let app;
    before(async () => {
      app = await startNewsroom(storage, { adminEmails: ['editor@example.com', 'chief@example.com'] });
    });
    after(() => app?.close());

    test('GET /api/me says whether the visitor may publish and edits', async () => {
      const { access_token, user_id } = await app.reader();
      assert.deepEqual((await app.call('/api/me', { token: access_token })).body, { user_id, can_publish: false, admin: false });
      const writer = await app.journalist('writer@example.com');
      assert.deepEqual((await app.call('/api/me', { token: writer.token })).body, { user_id: writer.id, can_publish: true, admin: false });
      const editor = await app.journalist('Chief@Example.com');
      assert.deepEqual((await app.call('/api/me', { token: editor.token })).body, { user_id: editor.id, can_publish: true, admin: true });
      assert.equal((await app.call('/api/me')).status, 401);
    });

    test('GET /api/dev/outbox lists the mails, newest first, with their links', async () => {
      await app.call('/auth/providers/local-userpass/reset/send', { method: 'POST', json: { email: 'writer@example.com' } });
      await app.auth.settled();
      const { body } = await app.call('/api/dev/outbox');
      assert.equal(body.mails[0].kind, 'reset');
      assert.equal(body.mails[0].to, 'writer@example.com');
      assert.match(body.mails[0].link, /^http:\/\/127\.0\.0\.1:1\/reset\?token=[^&]+&tokenId=/);
      // Registering a taken address changes nothing: its owner is told by mail.
      await app.call('/auth/providers/local-userpass/register', { method: 'POST', json: { email: 'writer@example.com', password: 'another-pass-phrase' } });
      await app.auth.settled();
      const notice = (await app.call('/api/dev/outbox')).body.mails[0];
      assert.deepEqual([notice.kind, notice.link], ['notice', null]);
    });

    describe('the admin API (/api/admin: the package’s admin router behind the editor guard)', () => {
      test('refuses readers, journalists who are not editors, and requests without a session', async () => {
        const { access_token } = await app.reader();
        const writer = await app.journalist('not-an-editor@example.com');
        assert.equal((await app.call('/api/admin/users')).status, 401);
        assert.equal((await app.call('/api/admin/users', { token: access_token })).status, 403);
        const refused = await app.call('/api/admin/users', { token: writer.token });
        assert.deepEqual([refused.status, refused.body.error_code], [403, 'Forbidden']);
      });

      test('lets an editor list users with identities, disable one (who is refused), enable and sign them out', async () => {
        const editor = await app.journalist('editor@example.com');
        const target = await app.journalist('target@example.com');
        const listed = await app.call('/api/admin/users?anonymous=false', { token: editor.token });
        const row = listed.body.users.find((u) => u.user_id === target.id);
        assert.deepEqual(row.identities.map((i) => [i.provider_type, i.data.email]), [['local-userpass', 'target@example.com']]);

        assert.equal((await app.call(`/api/admin/users/${target.id}/disable`, { method: 'PUT', token: editor.token })).status, 204);
        assert.equal((await app.call('/api/posts', { method: 'POST', token: target.token, json: { title: 't', body: 'b' } })).status, 401);
        const login = await app.call('/auth/providers/local-userpass/login', { method: 'POST', json: { username: 'target@example.com', password: 'inverted-pyramid-1923' } });
        assert.deepEqual([login.status, login.body.error_code], [403, 'UserDisabled']);

        assert.equal((await app.call(`/api/admin/users/${target.id}/enable`, { method: 'PUT', token: editor.token })).status, 204);
        const again = await app.call('/auth/providers/local-userpass/login', { method: 'POST', json: { username: 'target@example.com', password: 'inverted-pyramid-1923' } });
        assert.equal(again.status, 200);
        assert.equal((await app.call(`/api/admin/users/${target.id}/logout`, { method: 'PUT', token: editor.token })).status, 204);
        assert.equal((await app.call('/auth/session', { method: 'POST', token: again.body.refresh_token })).status, 401);
      });
    });
  });
}

describe('GET /api/config', () => {
  test('tells the page which sign-in methods are on, and how', async () => {
    const app = await startNewsroom(storages[0]);
    try {
      assert.deepEqual((await app.call('/api/config')).body, { oauth: {}, outbox: true });
    } finally {
      await app.close();
    }
  });
});

describe('ADMIN_EMAILS', () => {
  test('lists editors, comma-separated, any case; unset means editor@example.com in development and nobody in production', () => {
    assert.deepEqual([...adminEmailsFrom({ ADMIN_EMAILS: ' Ann@Example.com, bo@example.com ,' }, false)], ['ann@example.com', 'bo@example.com']);
    assert.deepEqual([...adminEmailsFrom({}, false)], ['editor@example.com']);
    assert.deepEqual([...adminEmailsFrom({}, true)], []);
  });
});

describe('Google, Facebook and Apple sign-in (oauthProviders)', () => {
  const publicUrl = 'http://127.0.0.1:3000';

  test('without credentials in development: local test providers on 127.0.0.1, reached by the browser as localhost', async () => {
    const oauth = await oauthProviders({ env: {}, publicUrl, production: false });
    try {
      assert.deepEqual(oauth.modes, { google: 'local-test', facebook: 'local-test', apple: 'local-test' });
      const google = oauth.providers['oauth2-google'];
      assert.match(google.authorizationUrl, /^http:\/\/localhost:\d+\//);
      assert.match(google.tokenUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.equal(google.callbackUrl, `${publicUrl}/auth/providers/oauth2-google/callback`);
      assert.deepEqual(google.redirectUris, [`${publicUrl}/signin`, `${publicUrl}/profile`]);
      const keys = await (await fetch(google.jwksUri)).json();
      assert.equal(keys.keys[0].kty, 'RSA');
      assert.equal('d' in keys.keys[0], false, 'the JWK set holds public keys only');
    } finally {
      await oauth.close();
    }
  });

  test('with credentials: the real provider, and no local one for it', async () => {
    const env = { GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'secret' };
    const oauth = await oauthProviders({ env, publicUrl, production: false });
    try {
      assert.deepEqual(oauth.modes, { google: 'real', facebook: 'local-test', apple: 'local-test' });
      assert.equal(oauth.providers['oauth2-google'].clientId, 'id.apps.googleusercontent.com');
      assert.equal(oauth.providers['oauth2-google'].authorizationUrl, undefined, 'the package’s defaults: Google itself');
    } finally {
      await oauth.close();
    }
  });

  test('in production, a provider without credentials is off (no local test provider), and half a set of credentials is an error', async () => {
    const oauth = await oauthProviders({ env: {}, publicUrl: 'https://news.example', production: true });
    assert.deepEqual([oauth.modes, oauth.providers], [{ google: 'off', facebook: 'off', apple: 'off' }, {}]);
    await assert.rejects(oauthProviders({ env: { APPLE_CLIENT_ID: 'com.example', APPLE_TEAM_ID: 'T' }, publicUrl, production: false }), {
      name: 'TypeError',
      message: /Apple sign-in needs APPLE_KEY_ID and APPLE_PRIVATE_KEY as well/,
    });
  });
});
