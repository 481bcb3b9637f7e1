// Type tests, checked by `npm run typecheck` (never run): what a host app's compiler sees.
import express from 'express';
import { createAuth, importAppServicesUsers, MemoryStore, type AuthUser, type ErrorCode, type ImportProblem, type ImportSummary } from '../../src/index.js';

const auth = createAuth({ store: new MemoryStore(), providers: { 'anon-user': {} } });
const app = express();

app.get('/posts', auth.requireUser(), (req, res) => {
  const user: AuthUser = req.user!; // req.user is typed in host routes
  const id: string = user.id;
  res.json({ id, anonymous: user.anonymous, providers: user.providers });
});

auth.requireUser({ providers: ['local-userpass'], types: ['normal'], allowAnonymous: false, checkSession: true });
// @ts-expect-error an unknown provider type
auth.requireUser({ providers: ['oauth2-myspace'] });
// @ts-expect-error a provider option of the wrong type
createAuth({ store: new MemoryStore(), providers: { 'anon-user': { inactiveTtl: 'soon' } } });
// @ts-expect-error a store is required
createAuth({ providers: { 'anon-user': {} } });

createAuth({ store: new MemoryStore(), providers: { 'anon-user': {} }, cookies: { sameSite: 'strict' }, trustedOrigins: ['https://app.example'] });
// @ts-expect-error SameSite is lax, strict or none
createAuth({ store: new MemoryStore(), providers: { 'anon-user': {} }, cookies: { sameSite: 'loose' } });
app.post('/contact', auth.csrfGuard(), (_req, res) => void res.status(202).end());
createAuth({
  store: new MemoryStore(),
  providers: {
    'oauth2-google': { clientId: 'id', clientSecret: 's', callbackUrl: 'https://api.test/cb', redirectUris: ['https://app.test/'], metadataFields: ['email', { name: 'given_name', fieldName: 'first_name' }] },
    'oauth2-facebook': { clientId: '1', clientSecret: 's', graphUrl: 'https://graph.test/v21.0' },
    'oauth2-apple': { clientId: 'app.test', teamId: 'T', keyId: 'K', privateKey: '-----BEGIN PRIVATE KEY-----…' },
  },
});
// @ts-expect-error Google needs its client secret
createAuth({ store: new MemoryStore(), providers: { 'oauth2-google': { clientId: 'id' } } });
// @ts-expect-error Apple's secret is generated from its key: there is no clientSecret option
createAuth({ store: new MemoryStore(), providers: { 'oauth2-apple': { clientId: 'a', teamId: 'T', keyId: 'K', privateKey: 'k', clientSecret: 'x' } } });

const code: ErrorCode = 'InvalidPassword';
// @ts-expect-error error codes are a closed set
const bad: ErrorCode = 'invalid_password';
void code;
void bad;

// The client subpath: typed credentials, answers and error codes.
import { AuthClient, Credentials, isAuthClientError, type Profile } from '../../src/client/index.js';

const client = new AuthClient({ baseUrl: '/auth', tokens: 'cookie' });
// @ts-expect-error tokens is 'bearer' or 'cookie'
new AuthClient({ baseUrl: '/auth', tokens: 'session' });
// @ts-expect-error a password login needs the password
Credentials.emailPassword('ada@example.com');
void client.profile().then((p: Profile) => p.identities.map((i) => i.provider_type));
void client.logIn(Credentials.anonymous()).catch((err: unknown) => {
  if (isAuthClientError(err, 'InvalidSession', 'MissingAuthReq')) {
    const c: 'InvalidSession' | 'MissingAuthReq' = err.code;
    void c;
  }
});
// App Services compatibility: the router mounts at the host's root; the import is a function too.
app.use(auth.appServicesRouter({ appId: 'blog-abcde', hostname: 'https://api.example.com' }));
// @ts-expect-error the app id is required
auth.appServicesRouter({ hostname: 'https://api.example.com' });
void importAppServicesUsers({ store: new MemoryStore(), source: 'export.json', onProblem: (p: ImportProblem) => void p.index }).then(
  (summary: ImportSummary) => summary.awaitingPasswordReset satisfies number,
);
