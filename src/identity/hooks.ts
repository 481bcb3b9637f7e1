import type { AuthHooks, Logger } from '../options.js';

type HookEvent<K extends keyof AuthHooks> = Parameters<NonNullable<AuthHooks[K]>>[0];

/**
 * Runs a host hook after the change it reports is stored. Awaited, so the host can rely on
 * it having run before the response; a failure is logged and does not undo or fail the change.
 */
export async function runHook<K extends keyof AuthHooks>(
  hooks: AuthHooks,
  name: K,
  event: HookEvent<K>,
  logger: Logger,
): Promise<void> {
  const hook = hooks[name] as ((event: HookEvent<K>) => unknown) | undefined;
  if (!hook) return;
  try {
    await hook(event);
  } catch (err) {
    logger.error(`express-auth-providers: the ${name} hook failed`, {
      userId: event.user.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
