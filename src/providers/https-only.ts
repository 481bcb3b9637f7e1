import type { ProviderContext } from './provider.js';

/**
 * Refuses, at start-up, a URL that would carry secrets (links with tokens, key sets) over
 * plain http in production; `option` is the option's path under `options.providers`.
 */
export function requireHttpsInProduction(ctx: ProviderContext, option: string, url: string | undefined): void {
  if (ctx.environment === 'production' && url !== undefined && new URL(url).protocol === 'http:') {
    throw new TypeError(`createAuth: options.providers.${option} must use https in production`);
  }
}
