import type { ProviderOptions } from '../options.js';
import { anonUser } from './anon-user/index.js';
import { apiKey } from './api-key/index.js';
import { customFunction } from './custom-function/index.js';
import { customToken } from './custom-token/index.js';
import { localUserpass } from './local-userpass/index.js';
import { oauth2Apple } from './oauth2-apple/index.js';
import { oauth2Facebook } from './oauth2-facebook/index.js';
import { oauth2Google } from './oauth2-google/index.js';
import type { ProviderModule } from './provider.js';

/** Every provider the package ships, by type. Adding one: its folder, its options schema, one line here. */
export const providerModules: { [K in keyof ProviderOptions]: ProviderModule<ProviderOptions[K]> } = {
  'anon-user': anonUser,
  'local-userpass': localUserpass,
  'api-key': apiKey,
  'oauth2-google': oauth2Google,
  'oauth2-facebook': oauth2Facebook,
  'oauth2-apple': oauth2Apple,
  'custom-token': customToken,
  'custom-function': customFunction,
};
