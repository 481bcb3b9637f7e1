import { createAuth } from 'express-auth-providers';
import { userpassMail } from './mail-outbox.js';

/** Who may publish: users holding an identity of one of these providers (anonymous readers hold none). */
export const JOURNALIST_PROVIDERS = ['local-userpass', 'oauth2-google', 'oauth2-facebook', 'oauth2-apple'];

/**
 * The newsroom's auth instance: every provider a visitor can see on the site, in cookie mode.
 * - anon-user: each new visitor reads as an anonymous user;
 * - local-userpass: journalists' email and password; confirmation and reset links go to the
 *   mail outbox (`outbox`) and point at the /confirm and /reset pages;
 * - api-key: keys a journalist makes on the /keys page, for scripts and `curl`;
 * - the OAuth providers of `oauth` (see oauth-providers.js), real or local test ones.
 */
export function createNewsroomAuth({ store, publicUrl, outbox, oauth = {}, signingKeys, logger, environment }) {
  const mail = userpassMail(outbox);
  return createAuth({
    store,
    tokens: { signingKeys },
    providers: {
      'anon-user': {},
      'local-userpass': {
        confirmation: { mode: 'email', url: `${publicUrl}/confirm`, send: mail.confirmation, onExistingAccount: mail.existingAccount },
        reset: { mode: 'email', url: `${publicUrl}/reset`, send: mail.reset },
      },
      'api-key': {},
      ...oauth,
    },
    // Browser sessions in HttpOnly cookies, with CSRF protection; Bearer tokens and API keys keep working for scripts.
    cookies: true,
    ...(logger && { logger }),
    ...(environment && { environment }),
  });
}
