import express from 'express';

/**
 * `GET /me`: what the page needs to know about the visitor beyond the profile (whether they
 * may publish, whether they are an editor); `GET /config`: which sign-in methods the site
 * offers and how (real providers or local test ones), and whether the outbox is on.
 */
export function siteRoutes({ auth, isAdmin, journalistProviders, oauthModes, outbox }) {
  const router = express.Router();
  router.get('/me', auth.requireUser({ checkSession: true }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({
      user_id: req.user.id,
      can_publish: req.user.providers.some((p) => journalistProviders.includes(p)),
      admin: await isAdmin(req.user.id),
    });
  });
  router.get('/config', (_req, res) => {
    res.json({ oauth: oauthModes, outbox });
  });
  return router;
}
