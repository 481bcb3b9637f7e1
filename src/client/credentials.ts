/** A provider login: the provider's type and the body its login route takes (SPEC §4). */
export interface ClientCredentials {
  provider: 'anon-user' | 'local-userpass' | 'api-key' | 'custom-token' | 'custom-function';
  body: Record<string, unknown>;
}

/** The credentials of each provider, as `AuthClient.logIn` and `AuthClient.link` take them. */
export const Credentials = {
  anonymous: (): ClientCredentials => ({ provider: 'anon-user', body: {} }),
  emailPassword: (email: string, password: string): ClientCredentials => ({ provider: 'local-userpass', body: { username: email, password } }),
  apiKey: (key: string): ClientCredentials => ({ provider: 'api-key', body: { key } }),
  /** A JWT from the host's own issuer (the custom-token provider). */
  jwt: (token: string): ClientCredentials => ({ provider: 'custom-token', body: { token } }),
  /** Any JSON object, passed to the host's custom-function `authenticate`. */
  function: (payload: Record<string, unknown>): ClientCredentials => ({ provider: 'custom-function', body: payload }),
} as const;
