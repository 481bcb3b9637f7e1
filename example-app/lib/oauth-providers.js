import { startFakeProviders } from './fake-providers/index.js';

/** Each provider's credentials in the environment: all of them, or none. */
const CREDENTIALS = {
  google: { type: 'oauth2-google', label: 'Google', env: { clientId: 'GOOGLE_CLIENT_ID', clientSecret: 'GOOGLE_CLIENT_SECRET' } },
  facebook: { type: 'oauth2-facebook', label: 'Facebook', env: { clientId: 'FACEBOOK_APP_ID', clientSecret: 'FACEBOOK_APP_SECRET' } },
  apple: {
    type: 'oauth2-apple',
    label: 'Apple',
    env: { clientId: 'APPLE_CLIENT_ID', teamId: 'APPLE_TEAM_ID', keyId: 'APPLE_KEY_ID', privateKey: 'APPLE_PRIVATE_KEY' },
  },
};

const METADATA = { google: ['email', 'name'], facebook: ['name', 'email'], apple: ['email', 'name'] };

/** The credentials of `name` from the environment, undefined when none is set; a partial set is an error. */
function credentialsOf(name, env) {
  const wanted = Object.entries(CREDENTIALS[name].env);
  const given = wanted.filter(([, variable]) => env[variable]?.trim());
  if (given.length === 0) return undefined;
  if (given.length < wanted.length) {
    const missing = wanted.filter(([, variable]) => !env[variable]?.trim()).map(([, variable]) => variable);
    throw new TypeError(`${CREDENTIALS[name].label} sign-in needs ${missing.join(' and ')} as well (or none of its variables, for the local test provider)`);
  }
  return Object.fromEntries(wanted.map(([option, variable]) => [option, env[variable].trim()]));
}

/**
 * The OAuth providers of the newsroom. A provider whose credentials are in the environment
 * uses the real service; without them, outside production, a local test provider started
 * here (`fake-providers/`) stands in, so the buttons work with no setup; in production a
 * provider without credentials is off. A finished login returns to the sign-in page, a link
 * to the profile page. Answers the `providers` entries for `createAuth`, which mode each
 * provider is in (`real`, `local-test`, `off`), and `close()`.
 */
export async function oauthProviders({ env, publicUrl, production }) {
  const real = Object.fromEntries(Object.keys(CREDENTIALS).map((name) => [name, credentialsOf(name, env)]));
  const faked = production ? [] : Object.keys(CREDENTIALS).filter((name) => !real[name]);
  const fakes = faked.length > 0 ? await startFakeProviders({ only: faked, browserHost: browserHostFor(publicUrl) }) : undefined;

  const providers = {};
  const modes = {};
  for (const [name, { type }] of Object.entries(CREDENTIALS)) {
    const connection = real[name] ?? fakes?.options[name];
    modes[name] = real[name] ? 'real' : connection ? 'local-test' : 'off';
    if (!connection) continue;
    providers[type] = {
      ...connection,
      callbackUrl: `${publicUrl}/auth/providers/${type}/callback`,
      redirectUris: [`${publicUrl}/signin`, `${publicUrl}/profile`],
      metadataFields: METADATA[name],
    };
  }
  return { providers, modes, fakeUrls: fakes?.urls ?? {}, close: () => fakes?.close() };
}

/**
 * The host name the browser reaches the local test providers by: `localhost` when the app is
 * on 127.0.0.1 (the providers are then on another site, as the real ones are), else 127.0.0.1.
 */
function browserHostFor(publicUrl) {
  return new URL(publicUrl).hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
}

/** A log line per provider: which one the buttons use. */
export function describeModes(modes, fakeUrls) {
  return Object.entries(modes).map(([name, mode]) => {
    const label = CREDENTIALS[name].label;
    if (mode === 'real') return `${label} sign-in: the real ${label} (credentials from the environment)`;
    if (mode === 'local-test') return `${label} sign-in: local test provider at ${fakeUrls[name]} (development only; set ${Object.values(CREDENTIALS[name].env).join(', ')} for the real one)`;
    return `${label} sign-in: off (set ${Object.values(CREDENTIALS[name].env).join(', ')})`;
  });
}
