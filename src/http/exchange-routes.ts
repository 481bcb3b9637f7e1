import { Router } from 'express';
import { z } from 'zod';
import type { ExchangeCodes } from '../tokens/exchange-codes.js';
import { parseBody } from '../util/parse-input.js';

const exchangeBody = z.object({ code: z.string().min(1).max(256) });

/**
 * `POST /session/exchange { code }`: the tokens of a login finished in the browser (an OAuth
 * callback redirects with the code). A code works once, within a minute; any other is a 401.
 */
export function exchangeRoutes(codes: ExchangeCodes): Router {
  const router = Router();
  router.post('/session/exchange', async (req, res) => {
    const { code } = parseBody(exchangeBody, req);
    res.set('Cache-Control', 'no-store').json(await codes.redeem(code));
  });
  return router;
}
