import { Strategy as GoogleStrategy } from 'passport-google-oauth20';

/**
 * passport-google-oauth20 for the web flow. Its own authorization parameters lack the OIDC
 * `nonce`, which the ID token must echo: added here from the login's options.
 */
export class GoogleWebStrategy extends GoogleStrategy {
  override authorizationParams(options: { nonce?: string }): object {
    const params = super.authorizationParams(options) as Record<string, string>;
    return options.nonce ? { ...params, nonce: options.nonce } : params;
  }
}
