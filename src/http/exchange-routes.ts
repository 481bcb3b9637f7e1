import { Router } from 'express';
import { z } from 'zod';
import type { ExchangeCodes } from '../tokens/exchange-codes.js';
import { parseBody } from '../util/parse-input.js';
import { exchangeBinding } from './exchange-binding.js';
import type { TokenDelivery } from './token-delivery.js';

const exchangeBody = z.object({ code: z.string().min(1).max(256) });

/**
 * `POST /session/exchange { code }`: the tokens of a login finished in the browser (an OAuth
 * callback redirects with the code). A code works once, within a minute, from the browser the
 * callback answered (its binding cookie); any other is a 401.
 */
export function exchangeRoutes(codes: ExchangeCodes, delivery: TokenDelivery): Router {
  const router = Router();
  // In cookie mode the exchange is a login that sets cookies: the delivery's login guard applies.
  router.post('/session/exchange', delivery.guardLogin, async (req, res) => {
    const { code } = parseBody(exchangeBody, req);
    const binding = exchangeBinding.read(req);
    exchangeBinding.clear(req, res);
    delivery.send(req, res, await codes.redeem(code, binding));
  });
  return router;
}
