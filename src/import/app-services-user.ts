import { z } from 'zod';
import { emailKey } from '../identity/verified-identity.js';
import { onlyAnonymous, providerTypesOf } from '../model/held-providers.js';
import { mergeIdentityData } from '../model/metadata.js';
import { storableProblem } from '../model/storable.js';
import { PROVIDER_TYPES, type IdentityRecord, type ProviderType, type UserpassRecord, type UserRecord } from '../model/types.js';
import { fromCanonicalEjson } from '../util/ejson.js';
import { unusablePasswordHash } from './unusable-password.js';

/** What one App Services user document becomes here. */
export interface PlannedUser {
  user: UserRecord;
  identities: IdentityRecord[];
  /** local-userpass credentials, waiting for a password reset. */
  credentials: UserpassRecord[];
  /** API key identities left behind: a key's secret never leaves App Services, so its holder makes a new key. */
  apiKeysLeft: number;
}

/** A user document that cannot be imported; `reason` says why, for the report. */
export class UnimportableUser extends Error {
  constructor(readonly reason: string, readonly userId?: string) {
    super(reason);
    this.name = 'UnimportableUser';
  }
}

// Ids as App Services has them: ObjectId hex, or a provider's subject. Printable, bounded.
const id = z.string().min(1).max(512).regex(/^[^\u0000-\u001f\u007f]+$/, 'must be printable');
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Unix seconds, as the Admin API gives them, or an ISO date (Extended JSON `$date`, once decoded). */
const timestamp = z.union([z.number().int().min(0).max(253_402_300_799), z.iso.datetime({ offset: true })]).transform((t) =>
  typeof t === 'number' ? new Date(t * 1000) : new Date(t),
);
const documentField = z.record(z.string(), z.unknown());

const userDocument = z.object({
  _id: id,
  identities: z
    .array(z.object({ id, provider_type: z.string(), provider_data: documentField.optional() }))
    .min(1, 'the user has no identity')
    .max(100),
  type: z.enum(['normal', 'server']).default('normal'),
  disabled: z.boolean().default(false),
  data: documentField.default({}),
  creation_date: timestamp.optional(),
  last_authentication_date: timestamp.optional(),
});

type Identity = z.output<typeof userDocument>['identities'][number];

/**
 * Maps a user document of App Services' Admin API (`GET /users`: `_id`, `identities[{ id,
 * provider_type, provider_data }]`, `data`, `type`, `disabled`, `creation_date`,
 * `last_authentication_date`) to the records of the same user here: same user id, same
 * identity ids. Extended JSON (`{ "$oid" }`, `{ "$date" }`) is accepted, as mongoexport writes it.
 */
export function planUser(document: Record<string, unknown>, now: Date): PlannedUser {
  const parsed = userDocument.safeParse(fromCanonicalEjson(document));
  const userId = typeof document['_id'] === 'string' ? document['_id'] : undefined;
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UnimportableUser(`${issue.path.length ? issue.path.join('.') : 'the document'}: ${issue.message}`, userId);
  }
  const doc = parsed.data;
  const dataProblem = storableProblem(doc.data);
  if (dataProblem) throw new UnimportableUser(`data: ${dataProblem}`, doc._id);
  const createdAt = doc.creation_date ?? now;
  const lastAuthAt = doc.last_authentication_date ?? createdAt;

  const identities: IdentityRecord[] = [];
  const credentials: UserpassRecord[] = [];
  let apiKeysLeft = 0;
  doc.identities.forEach((identity, i) => {
    const where = `identities.${i}`;
    const type = providerType(identity.provider_type, where, doc._id);
    if (type === 'api-key') return void apiKeysLeft++;
    const record: IdentityRecord = {
      id: identity.id,
      providerType: type,
      userId: doc._id,
      data: identityData(type, identity, doc.data, where, doc._id),
      createdAt,
      lastLoginAt: lastAuthAt,
    };
    if (type === 'local-userpass') {
      const email = record.data['email'] as string;
      // Not marked verified: whether App Services confirmed it is not in the export; the next login says.
      record.email = { address: email, verified: false };
      credentials.push({ email, identityId: identity.id, passwordHash: unusablePasswordHash(), status: 'confirmed', createdAt, updatedAt: now });
    }
    identities.push(record);
  });
  if (identities.length === 0) {
    throw new UnimportableUser(
      doc.type === 'server'
        ? 'a server API key user: its key cannot be exported; create a new server key'
        : 'no identity that can log in here (only API keys, whose secrets cannot be exported)',
      doc._id,
    );
  }
  if (credentials.length > 1) throw new UnimportableUser('more than one email/password identity', doc._id);

  const user: UserRecord = {
    id: doc._id,
    type: doc.type,
    data: Object.keys(doc.data).length > 0 ? doc.data : mergeIdentityData(identities),
    anonymous: onlyAnonymous(identities),
    providers: providerTypesOf(identities),
    disabled: doc.disabled,
    createdAt,
    lastAuthAt,
  };
  return { user, identities, credentials, apiKeysLeft };
}

function providerType(type: string, where: string, userId: string): ProviderType {
  if ((PROVIDER_TYPES as readonly string[]).includes(type)) return type as ProviderType;
  throw new UnimportableUser(`${where}.provider_type: "${type.slice(0, 64)}" is not a provider this package has`, userId);
}

/** An identity's metadata: none for anonymous ones, the email for email/password, else what App Services kept. */
function identityData(type: ProviderType, identity: Identity, userData: Record<string, unknown>, where: string, userId: string) {
  if (type === 'anon-user') return {};
  if (type === 'local-userpass') {
    const email = identity.provider_data?.['email'] ?? userData['email'];
    if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email.trim())) {
      throw new UnimportableUser(`${where}: an email/password identity without an email address in provider_data.email`, userId);
    }
    return { email: emailKey(email) };
  }
  const data = identity.provider_data ?? {};
  const problem = storableProblem(data);
  if (problem) throw new UnimportableUser(`${where}.provider_data: ${problem}`, userId);
  return data;
}
