import { AuthError } from '../errors.js';
import type { SessionCheck } from '../tokens/session-check.js';
import type { SessionClient } from '../model/types.js';
import type { IssuedTokens, Sessions } from '../tokens/sessions.js';
import type { Accounts } from './accounts.js';
import type { VerifiedIdentity } from './verified-identity.js';

/** The signed-in user a login links to, and the session that asked for it. */
export interface LinkTarget {
  userId: string;
  sessionId: string;
}

export interface CompleteLoginOptions {
  /** Add the identity to this user instead of logging in (`?link=true`, or a web flow started with `link=true`). */
  link?: LinkTarget | undefined;
  /** The client's description of its device, stored on a new session. */
  device?: Record<string, unknown> | undefined;
  /** The client dialect a new session is opened for (App Services' routes: a refresh token that does not rotate). */
  client?: SessionClient | undefined;
}

/** How every login ends, whichever route or provider verified the identity. */
export type CompleteLogin = (verified: VerifiedIdentity, options?: CompleteLoginOptions) => Promise<IssuedTokens>;

/**
 * Finishes a login: the user of the identity is found or created and a session starts. A link
 * adds the identity to the signed-in user, who keeps the session: the answer is a fresh access
 * token for it that says what the user now holds, as App Services answers a link.
 */
export function completeLogin(accounts: Accounts, sessions: Sessions, check: SessionCheck): CompleteLogin {
  return async (verified, options = {}) => {
    const { link, device, client } = options;
    if (link) {
      // A web flow's link target was signed in when the flow began; it must still be when it ends.
      if ((await check.state(link.sessionId, link.userId)) !== 'live') {
        throw new AuthError('InvalidSession', 'the session that started the link has ended');
      }
      await accounts.link(link.userId, verified);
      return sessions.reissue(link.sessionId);
    }
    return accounts.login(verified, ({ user, identities, identity }) => sessions.start(user, identities, { device, identity, client }));
  };
}
