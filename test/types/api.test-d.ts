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

const code: ErrorCode = 'InvalidPassword';
// @ts-expect-error error codes are a closed set
const bad: ErrorCode = 'invalid_password';
void code;
void bad;

// App Services compatibility: the router mounts at the host's root; the import is a function too.
app.use(auth.appServicesRouter({ appId: 'blog-abcde', hostname: 'https://api.example.com' }));
// @ts-expect-error the app id is required
auth.appServicesRouter({ hostname: 'https://api.example.com' });
void importAppServicesUsers({ store: new MemoryStore(), source: 'export.json', onProblem: (p: ImportProblem) => void p.index }).then(
  (summary: ImportSummary) => summary.awaitingPasswordReset satisfies number,
);
