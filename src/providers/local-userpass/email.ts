import { z } from 'zod';
import { emailKey } from '../../identity/verified-identity.js';

/**
 * The account name: trimmed, NFC, and lower-cased as a whole, so `A@x.com` and `a@x.com`
 * are one account (SPEC §5); the result is the unique key of the credential. The same key
 * every provider's email is matched on, so the user management API finds records by it too.
 */
export const normaliseEmail = emailKey;

// Deliberately loose: one @, something on each side, no spaces. Deliverability is the mail's job.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A body field holding an email: a plain string, normalised. */
export const emailField = z
  .string()
  .trim()
  .max(254)
  .regex(EMAIL, 'must be an email address')
  .transform(normaliseEmail);
