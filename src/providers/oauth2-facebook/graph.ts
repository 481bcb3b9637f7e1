import { createHmac } from 'node:crypto';
import { AuthError } from '../../errors.js';
import type { Logger } from '../../options.js';
import { fetchJson } from '../oauth/fetch-json.js';

export interface GraphOptions {
  graphUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  logger: Logger;
}

const OWNER = 'Facebook';
const refused = (reason: string) => new AuthError('AuthError', `invalid Facebook access token: ${reason}`);

/** HMAC-SHA256 of the token under the app secret: Graph calls made with a stolen token alone are refused. */
export const appSecretProof = (accessToken: string, appSecret: string) => createHmac('sha256', appSecret).update(accessToken).digest('hex');

/**
 * The Graph API calls a native login makes: `debug_token` first (the token is valid and was
 * issued to our app, RFC 9700's "token from another client" case), then `/me`, which must
 * name the same user.
 */
export class Graph {
  constructor(private readonly options: GraphOptions) {}

  /** The user id of a user access token issued to our app, or a 401. */
  async tokenUser(accessToken: string): Promise<string> {
    const { graphUrl, clientId, clientSecret } = this.options;
    const url = new URL(`${graphUrl}/debug_token`);
    url.searchParams.set('input_token', accessToken);
    url.searchParams.set('access_token', `${clientId}|${clientSecret}`);
    const { status, body } = await this.get(url);
    const data = (body as { data?: Record<string, unknown> } | undefined)?.data;
    if (status >= 400 || !data) throw refused('Facebook could not check it');
    if (data['is_valid'] !== true) throw refused('expired or revoked');
    if (String(data['app_id']) !== clientId) throw refused('issued to another app');
    if (typeof data['user_id'] !== 'string' && typeof data['user_id'] !== 'number') throw refused('not a user token');
    return String(data['user_id']);
  }

  /** `/me` with the given fields, for a token already checked. */
  async me(accessToken: string, fields: string[]): Promise<unknown> {
    const url = new URL(`${this.options.graphUrl}/me`);
    url.searchParams.set('fields', fields.join(','));
    url.searchParams.set('access_token', accessToken);
    url.searchParams.set('appsecret_proof', appSecretProof(accessToken, this.options.clientSecret));
    const { status, body } = await this.get(url);
    if (status >= 400) throw refused('Facebook refused the profile');
    return body;
  }

  private async get(url: URL) {
    const result = await fetchJson(url.href, { timeoutMs: this.options.timeoutMs, owner: OWNER, logger: this.options.logger });
    if (result.status >= 500) throw new AuthError('ServiceUnavailable', `${OWNER} is unavailable`);
    return result;
  }
}
