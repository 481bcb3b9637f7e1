import type { Request, RequestHandler, Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../../util/parse-input.js';
import type { ApiKeyRecord } from '../../model/types.js';
import { keyName, type ApiKeys, type KeyOwner } from './manage-keys.js';

const createBody = z.object({ name: keyName });

/** A key as the API shows it: never its secret, which only the creation answer carries. */
export function keyView(record: ApiKeyRecord) {
  return {
    _id: record.id,
    name: record.name,
    disabled: record.disabled,
    created_at: record.createdAt.toISOString(),
    ...(record.lastUsedAt ? { last_used_at: record.lastUsedAt.toISOString() } : {}),
  };
}

const ownerOf = (req: Request): KeyOwner => ({ userId: req.user!.id });
const idOf = (req: Request) => String(req.params['id']);

/**
 * The user API key routes of App Services (`/api_keys`), for logged-in, non-anonymous
 * users. Each user sees and manages only their own keys.
 */
export function userKeyRoutes(router: Router, guard: RequestHandler, keys: ApiKeys): void {
  router.post('/api_keys', guard, async (req, res) => {
    const { name } = parseBody(createBody, req);
    const { record, key } = await keys.create(ownerOf(req), name);
    res.status(201).set('Cache-Control', 'no-store').json({ ...keyView(record), key });
  });

  router.get('/api_keys', guard, async (req, res) => {
    res.json((await keys.list(ownerOf(req))).map(keyView));
  });

  router.get('/api_keys/:id', guard, async (req, res) => {
    res.json(keyView(await keys.get(ownerOf(req), idOf(req))));
  });

  router.put('/api_keys/:id/enable', guard, async (req, res) => {
    await keys.setDisabled(ownerOf(req), idOf(req), false);
    res.status(204).end();
  });

  router.put('/api_keys/:id/disable', guard, async (req, res) => {
    await keys.setDisabled(ownerOf(req), idOf(req), true);
    res.status(204).end();
  });

  router.delete('/api_keys/:id', guard, async (req, res) => {
    await keys.delete(ownerOf(req), idOf(req));
    res.status(204).end();
  });
}
