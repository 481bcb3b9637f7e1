import express from 'express';
import { parsePostInput } from './post-input.js';
import { postJson } from './posts.js';

const PAGE_SIZE = 50;

/** The name a journalist publishes under: from their profile data once a provider supplies it. */
async function authorName(auth, userId) {
  const user = await auth.store.getUser(userId);
  const data = user?.data ?? {};
  return typeof data.name === 'string' ? data.name : typeof data.email === 'string' ? data.email : 'A journalist';
}

/**
 * `GET /` lists posts for any signed-in user, anonymous readers included;
 * `POST /` publishes one, for journalists only: users holding an identity of one of
 * `journalistProviders` (email/password, Google, Facebook, Apple). Both also take a
 * journalist's API key (`Authorization: ApiKey …`), for scripts and curl.
 */
export function postsRoutes({ auth, posts, journalistProviders }) {
  const router = express.Router();

  router.get('/', auth.requireUser({ apiKeys: true }), async (_req, res) => {
    const list = await posts.list(PAGE_SIZE);
    res.set('Cache-Control', 'no-store').json({ posts: list.map(postJson) });
  });

  // The body is read only after the guard: a reader's post is refused unread. The session is
  // checked too, so a journalist an editor disabled cannot publish with the access token they hold.
  const journalist = auth.requireUser({ providers: journalistProviders, checkSession: true, apiKeys: true });
  router.post('/', journalist, express.json({ limit: '16kb' }), async (req, res) => {
    const input = parsePostInput(req.body);
    const post = await posts.create({ ...input, author: await authorName(auth, req.user.id), authorId: req.user.id });
    res.status(201).json(postJson(post));
  });

  return router;
}
