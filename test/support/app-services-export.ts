/** Generated App Services user exports (the Admin API's user documents), written to a temporary file. */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll } from 'vitest';

const T0 = Date.parse('2024-03-01T00:00:00Z') / 1000;

/** An ObjectId-shaped id, unique per `n` and `salt`. */
export const objectId = (n: number, salt = 0) => `65e1${salt.toString(16).padStart(4, '0')}${n.toString(16).padStart(16, '0')}`;

/**
 * User `n` of a generated export; its identities cycle through the kinds apps had: email/password,
 * custom JWT, custom function, anonymous, Google plus email/password, custom JWT plus an API key.
 * Every tenth user is disabled.
 */
export function exportUser(n: number): Record<string, unknown> {
  const id = objectId(n);
  const email = `user${n}@example.com`;
  const userpass = { id: objectId(n, 1), provider_type: 'local-userpass', provider_id: 'p1', provider_data: { email } };
  const identities = [
    [userpass],
    [{ id: `jwt-${n}`, provider_type: 'custom-token', provider_id: 'p2', provider_data: { name: `User ${n}` } }],
    [{ id: `emp-${n}`, provider_type: 'custom-function', provider_id: 'p3' }],
    [{ id: objectId(n, 2), provider_type: 'anon-user', provider_id: 'p4' }],
    [userpass, { id: `google-${n}`, provider_type: 'oauth2-google', provider_id: 'p5', provider_data: { email, name: `G ${n}` } }],
    [
      { id: `jwt-${n}`, provider_type: 'custom-token', provider_id: 'p2', provider_data: { name: `User ${n}` } },
      { id: objectId(n, 3), provider_type: 'api-key', provider_id: 'p6', provider_data: { name: 'laptop' } },
    ],
  ][n % 6]!;
  const data = n % 6 === 0 || n % 6 === 4 ? { email } : n % 6 === 1 || n % 6 === 5 ? { name: `User ${n}` } : {};
  return {
    _id: id,
    identities,
    type: 'normal',
    data,
    disabled: n % 10 === 9,
    creation_date: T0 + n,
    last_authentication_date: T0 + n + 3600,
  };
}

/** Records that cannot be imported, as raw JSON text, each with the reason's gist. */
export const MALFORMED: { text: string; reason: RegExp }[] = [
  { text: '{"_id": not-json}', reason: /not valid JSON/ },
  { text: `{"_id":"${objectId(1, 9)}","identities":[]}`, reason: /no identity/ },
  { text: `{"_id":"${objectId(2, 9)}","identities":[{"id":"x","provider_type":"oauth2-twitter"}]}`, reason: /oauth2-twitter/ },
  { text: `{"_id":"${objectId(3, 9)}","identities":[{"id":"y","provider_type":"local-userpass"}]}`, reason: /without an email/ },
  { text: '"a string"', reason: /not a JSON object/ },
];

let dir: string | undefined;

/**
 * Writes an export of `count` generated users as a JSON array, streaming, with the `MALFORMED`
 * records placed after the users at `malformedEvery` intervals if asked; returns its path and
 * the index of each malformed record in the file.
 */
export async function writeExport(count: number, opts: { malformedEvery?: number; name?: string } = {}) {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'app-services-export-'));
    const created = dir;
    afterAll(() => rmSync(created, { recursive: true, force: true }));
  }
  const path = join(dir, opts.name ?? `export-${count}.json`);
  const out = createWriteStream(path);
  const malformedAt: number[] = [];
  let index = 0;
  const write = async (text: string) => {
    if (!out.write(`${index === 0 ? '[\n' : ',\n'}${text}`)) await once(out, 'drain');
    index++;
  };
  let bad = 0;
  for (let n = 0; n < count; n++) {
    if (opts.malformedEvery && n % opts.malformedEvery === 0 && bad < MALFORMED.length) {
      malformedAt.push(index);
      await write(MALFORMED[bad++]!.text);
    }
    await write(JSON.stringify(exportUser(n)));
  }
  out.end(index === 0 ? '[]\n' : '\n]\n');
  await once(out, 'finish');
  return { path, malformedAt };
}
