import { createHash } from 'node:crypto';

/** The people a fake provider's consent page offers; anyone else can be typed in. */
export const TEST_ACCOUNTS = [
  { key: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  { key: 'grace', name: 'Grace Hopper', email: 'grace@example.com' },
  { key: 'katherine', name: 'Katherine Johnson', email: 'katherine@example.com' },
];

/**
 * The account chosen on the consent page: a listed one by its key, or the name and email
 * typed in. Its subject is derived from the provider and the email, so the same person
 * signs in as the same identity every time, as with the real provider.
 */
export function chosenAccount(provider, form) {
  const listed = TEST_ACCOUNTS.find((account) => account.key === form.account);
  const email = (listed?.email ?? String(form.email ?? '')).trim().toLowerCase();
  const name = (listed?.name ?? String(form.name ?? '')).trim().slice(0, 80);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 200) return null;
  const digest = createHash('sha256').update(`${provider}:${email}`).digest();
  // Each provider's subjects look like its real ones: Google's and Facebook's are numbers.
  const number = digest.readBigUInt64BE(0).toString().padStart(20, '1');
  const sub = provider === 'apple' ? `001${number.slice(0, 3)}.${digest.toString('hex', 8, 24)}.0${number.slice(3, 6)}` : number;
  return { sub, name: name || email.split('@')[0], email };
}
