/**
 * `AUTH_SIGNING_KEY`: an HS256 secret of at least 32 bytes, or a private JWK, or a JSON
 * array of JWKs (the first private one signs; the others still verify, for rotation).
 * Unset: undefined, and the package uses an ephemeral key (refused in production).
 */
export function signingKeysFrom(env) {
  const value = env.AUTH_SIGNING_KEY?.trim();
  if (!value) return undefined;
  if (!value.startsWith('{') && !value.startsWith('[')) return [value];
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new TypeError('AUTH_SIGNING_KEY looks like JSON but does not parse: give a JWK, a JSON array of JWKs, or a secret');
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}
