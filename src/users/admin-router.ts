import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { storableDocument } from '../model/storable.js';
import { AuthError } from '../errors.js';
import { parseInput } from '../util/parse-input.js';
import { PROVIDER_TYPES } from '../model/types.js';
import type { ServerApiKey } from '../providers/capabilities.js';
import type { ManagedUser, UserManagement } from './user-management.js';

/** A user as the admin API shows it (snake_case on the wire, like the rest of the API). */
export function adminView(user: ManagedUser) {
  return {
    user_id: user.id,
    type: user.type,
    disabled: user.disabled,
    anonymous: user.anonymous,
    identities: user.identities.map((i) => ({ id: i.id, provider_type: i.providerType, provider_id: i.providerType, data: i.data })),
    data: user.data,
    ...(user.customData !== undefined ? { custom_data: user.customData } : {}),
    created_at: user.createdAt.toISOString(),
    last_auth_at: user.lastAuthAt.toISOString(),
  };
}

/** A server API key as the admin API shows it (the secret only in the creation answer). */
function serverKeyView(key: ServerApiKey) {
  return {
    _id: key.id,
    name: key.name,
    user_id: key.userId,
    disabled: key.disabled,
    created_at: key.createdAt.toISOString(),
    ...(key.lastUsedAt ? { last_used_at: key.lastUsedAt.toISOString() } : {}),
  };
}

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const count = z.string().regex(/^[0-9]{1,4}$/, 'must be a number').transform(Number);
// Query values are plain strings; a repeated parameter (an array) is refused.
const listQuery = z.strictObject({
  provider: z.enum(PROVIDER_TYPES).optional(),
  disabled: flag.optional(),
  email: z.string().optional(),
  type: z.enum(['normal', 'server']).optional(),
  anonymous: flag.optional(),
  limit: count.optional(),
  after: z.string().optional(),
});
const pageQuery = z.strictObject({ limit: count.optional(), after: z.string().optional() });
const createKeyBody = z.object({ name: z.string() });

const param = (req: Request, name: string) => String(req.params[name]);
const notFound = () => new AuthError('UserNotFound', 'user not found');

/**
 * The admin API over HTTP: `auth.users` (server API keys included) behind the host's guard
 * (e.g. a server API key user). Paths follow App Services' admin API where it has one.
 */
export function adminRoutes(users: UserManagement, guards: RequestHandler[]): Router {
  const router = Router();
  router.use(...guards);

  router.get('/users', async (req, res) => {
    const { limit, after, ...filter } = parseInput(listQuery, req.query, 'query');
    const page = await users.list({ filter, limit, after });
    res.json({ users: page.users.map(adminView), ...(page.next ? { next: page.next } : {}) });
  });

  router.get('/users/:id', async (req, res) => {
    const user = await users.get(param(req, 'id'));
    if (!user) throw notFound();
    res.json(adminView(user));
  });

  router.get('/identities/:providerType/:id', async (req, res) => {
    const type = parseInput(z.enum(PROVIDER_TYPES), req.params['providerType'], 'provider type');
    const user = await users.findByIdentity(type, param(req, 'id'));
    if (!user) throw notFound();
    res.json(adminView(user));
  });

  for (const [path, action] of [
    ['disable', (id: string) => users.disable(id)],
    ['enable', (id: string) => users.enable(id)],
    ['logout', async (id: string) => (await users.get(id)) !== null && (await users.revokeSessions(id), true)],
  ] as const) {
    router.put(`/users/:id/${path}`, async (req, res) => {
      if (!(await action(param(req, 'id')))) throw notFound();
      res.status(204).end();
    });
  }

  router.delete('/users/:id', async (req, res) => {
    if (!(await users.delete(param(req, 'id')))) throw notFound();
    res.status(204).end();
  });

  router.put('/users/:id/custom_data', async (req, res) => {
    const user = await users.setCustomData(param(req, 'id'), parseInput(storableDocument, req.body, 'body'));
    if (!user) throw notFound();
    res.json(adminView(user));
  });

  router.delete('/users/:id/custom_data', async (req, res) => {
    const user = await users.setCustomData(param(req, 'id'), undefined);
    if (!user) throw notFound();
    res.json(adminView(user));
  });

  router.get('/user_registrations/pending_users', async (req, res) => {
    const page = await users.pending.list(parseInput(pageQuery, req.query, 'query'));
    res.json({
      users: page.users.map((u) => ({ email: u.email, created_at: u.createdAt.toISOString() })),
      ...(page.next ? { next: page.next } : {}),
    });
  });

  router.post('/user_registrations/by_email/:email/confirm', async (req, res) => {
    if (!(await users.pending.confirm(param(req, 'email')))) throw notFound();
    res.status(204).end();
  });

  router.delete('/user_registrations/by_email/:email', async (req, res) => {
    if (!(await users.pending.delete(param(req, 'email')))) throw notFound();
    res.status(204).end();
  });

  router.get('/api_keys', async (_req, res) => {
    res.json((await users.apiKeys.list()).map(serverKeyView));
  });

  router.post('/api_keys', async (req, res) => {
    const { key, ...created } = await users.apiKeys.createServerKey(parseInput(createKeyBody, req.body, 'body').name);
    res.status(201).set('Cache-Control', 'no-store').json({ ...serverKeyView(created), key });
  });

  router.get('/api_keys/:id', async (req, res) => {
    res.json(serverKeyView(await users.apiKeys.get(param(req, 'id'))));
  });

  router.put('/api_keys/:id/enable', async (req, res) => {
    await users.apiKeys.enable(param(req, 'id'));
    res.status(204).end();
  });

  router.put('/api_keys/:id/disable', async (req, res) => {
    await users.apiKeys.disable(param(req, 'id'));
    res.status(204).end();
  });

  router.delete('/api_keys/:id', async (req, res) => {
    await users.apiKeys.delete(param(req, 'id'));
    res.status(204).end();
  });

  return router;
}
