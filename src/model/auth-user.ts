import type { ProviderType, UserType } from './types.js';

/** `req.user` on routes behind `requireUser`: what the access token says. */
export interface AuthUser {
  id: string;
  type: UserType;
  /** Provider types of the user's identities when the token was minted. */
  providers: ProviderType[];
  /** True while the user holds only anonymous identities. */
  anonymous: boolean;
  /** The session the access token belongs to; empty when the request carried an API key instead. */
  sessionId: string;
  /** Set when `requireUser({ apiKeys: true })` authenticated the request with an API key: that key's id. */
  apiKeyId?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Merges with Passport's empty `Express.User`, so `req.user` is typed in host apps.
    interface User extends AuthUser {}
    // `req.user` itself, declared as @types/passport declares it (the two merge): a host
    // compiles without Passport's types in its program, which nothing in ours imports.
    interface Request {
      user?: User | undefined;
    }
  }
}
