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
 * `POST /` publishes one, for journalists only (users with a non-anonymous identity).
 */
export function postsRoutes({ auth, posts }) {
  const router = express.Router();

  router.get('/', auth.requireUser(), async (_req, res) => {
    const list = await posts.list(PAGE_SIZE);
    res.set('Cache-Control', 'no-store').json({ posts: list.map(postJson) });
  });

  // The body is read only after the guard: an anonymous reader's post is refused unread.
  router.post('/', auth.requireUser({ allowAnonymous: false }), express.json({ limit: '16kb' }), async (req, res) => {
    const input = parsePostInput(req.body);
    const post = await posts.create({ ...input, author: await authorName(auth, req.user.id), authorId: req.user.id });
    res.status(201).json(postJson(post));
  });

  return router;
}
