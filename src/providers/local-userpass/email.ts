import { z } from 'zod';

/**
 * The account name: trimmed, NFC, and lower-cased as a whole, so `A@x.com` and
 * `a@x.com` are one account (SPEC §5); the result is the unique key of the credential.
 */
export function normaliseEmail(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase();
}

// Deliberately loose: one @, something on each side, no spaces. Deliverability is the mail's job.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A body field holding an email: a plain string, normalised. */
export const emailField = z
  .string()
  .trim()
  .max(254)
  .regex(EMAIL, 'must be an email address')
  .transform(normaliseEmail);
