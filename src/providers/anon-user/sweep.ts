import type { ProviderContext } from '../provider.js';

const PAGE = 200;

/**
 * Deletes anonymous users with no other identity and no login or refresh for
 * `inactiveTtl` seconds, with their sessions. Re-checks each candidate's identities
 * and sessions, so a user linked or active since its flag was read is kept.
 */
export async function sweepInactiveAnonymousUsers(ctx: ProviderContext, inactiveTtl: number): Promise<number> {
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - inactiveTtl * 1000);
  let removed = 0;
  let after: string | undefined;
  for (;;) {
    const page = await ctx.store.listUsers({ limit: PAGE, after, anonymous: true, lastAuthBefore: cutoff });
    for (const user of page) {
      const [identities, sessions] = await Promise.all([
        ctx.store.listIdentities(user.id),
        ctx.store.listSessions(user.id, now),
      ]);
      const onlyAnonymous = identities.every((i) => i.providerType === 'anon-user');
      const inactive = sessions.every((s) => s.lastUsedAt < cutoff);
      if (onlyAnonymous && inactive && (await ctx.deleteUser(user.id))) removed++;
    }
    if (page.length < PAGE) return removed;
    after = page[page.length - 1]!.id;
  }
}
