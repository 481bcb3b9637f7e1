/** The default editor outside production, when ADMIN_EMAILS is unset: register it to see the admin page. */
export const DEFAULT_ADMIN = 'editor@example.com';

/**
 * `ADMIN_EMAILS`: comma-separated addresses whose confirmed email/password accounts are
 * editors (the admin page). Unset: `editor@example.com` in development, nobody in production.
 */
export function adminEmailsFrom(env, production) {
  const raw = env.ADMIN_EMAILS?.trim() || (production ? '' : DEFAULT_ADMIN);
  return new Set(raw.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean));
}

/**
 * Who is an editor, and the admin API behind that guard: the package's `auth.adminRouter`
 * (list users, disable, enable, revoke sessions…) admits only a live session of a user whose
 * email/password identity has one of the editors' addresses. The identity is only created
 * by a login, so its address is confirmed.
 */
export function adminAccess(auth, emails) {
  async function isAdmin(userId) {
    if (emails.size === 0) return false;
    const user = await auth.users.get(userId);
    return Boolean(
      user && !user.disabled && user.identities.some((i) => i.providerType === 'local-userpass' && emails.has(String(i.data.email).toLowerCase())),
    );
  }
  const guard = auth.requireUser({ checkSession: true, allowAnonymous: false, predicate: (user) => isAdmin(user.id) });
  return { isAdmin, router: auth.adminRouter(guard) };
}
