import { AuthError } from '../../errors.js';
import type { Logger } from '../../options.js';
import { fetchJson } from './fetch-json.js';

export interface TokenRequest {
  tokenUrl: string;
  form: Record<string, string | undefined>;
  owner: string;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Exchanges an authorization code at a token endpoint (RFC 6749 §4.1.3), bounded in time,
 * and answers the endpoint's JSON. A refusal (4xx, `invalid_grant`) is a 401; an endpoint
 * that fails or cannot be reached is a 503.
 */
export async function exchangeCode(request: TokenRequest): Promise<Record<string, unknown>> {
  const { status, body } = await fetchJson(request.tokenUrl, request);
  const answer = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (status >= 200 && status < 300 && answer) return answer;
  if (status >= 400 && status < 500) {
    const reason = typeof answer?.['error'] === 'string' ? answer['error'].slice(0, 64) : `status ${status}`;
    throw new AuthError('AuthError', `${request.owner} refused the authorization code (${reason})`);
  }
  request.logger.warn(`express-auth-providers: ${request.owner} token endpoint answered ${status}`);
  throw new AuthError('ServiceUnavailable', `${request.owner} is unavailable`);
}
