import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { OAuth2Server, type MutableResponse, type MutableToken } from 'oauth2-mock-server';

/**
 * An OpenID Connect provider on 127.0.0.1 (oauth2-mock-server) with an RS256 key generated
 * at start: it stands in for Google, and behind the Apple fake for Apple. `user` holds the
 * claims of whoever is signed in at the provider; `tamper` changes the next ID tokens.
 */
export class OidcProvider {
  /** Claims of the person signed in at the provider, put into every ID token. */
  user: JWTPayload = { sub: 'user-1' };
  /** Changes the ID tokens it issues (aud, iss, exp, nonce…), until unset. */
  tamper: ((payload: JWTPayload) => void) | undefined;
  /** Replaces the ID token in the token response (e.g. one signed with a foreign key), until unset. */
  replaceIdToken: string | undefined;
  /** Token requests received (the form the client posted). */
  readonly tokenRequests: Record<string, string>[] = [];

  private constructor(readonly server: OAuth2Server) {
    server.service.on('beforeTokenSigning', (token: MutableToken) => {
      if (!('aud' in token.payload)) return; // the access token
      Object.assign(token.payload, this.user);
      this.tamper?.(token.payload as JWTPayload);
    });
    server.service.on('beforeResponse', (response: MutableResponse, req: { body: Record<string, string> }) => {
      this.tokenRequests.push({ ...req.body });
      if (this.replaceIdToken) (response.body as Record<string, unknown>)['id_token'] = this.replaceIdToken;
    });
  }

  static async start(): Promise<OidcProvider> {
    const server = new OAuth2Server();
    await server.issuer.keys.generate('RS256');
    await server.start(0, '127.0.0.1');
    return new OidcProvider(server);
  }

  get issuer(): string {
    return this.server.issuer.url!;
  }
  get authorizeUrl() {
    return `${this.issuer}/authorize`;
  }
  get tokenUrl() {
    return `${this.issuer}/token`;
  }
  get jwksUri() {
    return `${this.issuer}/jwks`;
  }
  get kid(): string {
    return (this.server.issuer.keys.toJSON()[0] as { kid: string }).kid;
  }

  /** An ID token signed by the provider's key, as a native app receives one. */
  idToken(claims: JWTPayload): Promise<string> {
    return this.server.issuer.buildToken({
      scopesOrTransform: (_header, payload) => Object.assign(payload, this.user, claims),
    });
  }

  /** A token that looks like the provider's (same kid) but is signed with another key. */
  async forgedIdToken(claims: JWTPayload): Promise<string> {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.issuer, iat: now, exp: now + 300, ...this.user, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .sign(privateKey);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
