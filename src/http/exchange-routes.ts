import { Router } from 'express';
import { z } from 'zod';
import type { ExchangeCodes } from '../tokens/exchange-codes.js';
import { parseBody } from '../util/parse-input.js';
import type { TokenDelivery } from './token-delivery.js';

const exchangeBody = z.object({ code: z.string().min(1).max(256) });

/**
 * `POST /session/exchange { code }`: the tokens of a login finished in the browser (an OAuth
 * callback redirects with the code). A code works once, within a minute; any other is a 401.
 */
export function exchangeRoutes(codes: ExchangeCodes, delivery: TokenDelivery): Router {
  const router = Router();
  // In cookie mode the exchange is a login that sets cookies: the delivery's login guard applies.
  router.post('/session/exchange', delivery.guardLogin, async (req, res) => {
    const { code } = parseBody(exchangeBody, req);
    delivery.send(req, res, await codes.redeem(code));
  });
  return router;
}
