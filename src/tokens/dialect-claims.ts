import type { SessionRecord, UserRecord } from '../model/types.js';

/**
 * The claims App Services put in its access tokens that its clients read, for the tokens of
 * sessions opened through its routes: realm-web's `user.deviceId` reads `baas_device_id`, its
 * `user.customData` reads `user_data`; `stitch_devId` is the older SDKs' name. Claims that would
 * change verification (App Services' `iss` is the session id) keep this package's meaning.
 */
export function dialectClaims(session: SessionRecord, user: UserRecord): Record<string, unknown> | undefined {
  if (session.client !== 'app-services') return undefined;
  return {
    baas_device_id: session.id,
    stitch_devId: session.id,
    ...(user.customData !== undefined ? { user_data: user.customData } : {}),
  };
}
