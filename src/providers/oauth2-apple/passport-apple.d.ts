// passport-apple ships no types; what this package uses of it.
declare module 'passport-apple' {
  import type { Request } from 'express';
  import OAuth2Strategy from 'passport-oauth2';

  class Strategy extends OAuth2Strategy {
    constructor(options: Record<string, unknown>, verify: (...args: never[]) => void);
    authenticate(req: Request, options?: object): void;
  }
  export default Strategy;
  export { Strategy };
}
