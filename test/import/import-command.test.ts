/** `express-auth-providers import-app-services`: the command's arguments, output and exit codes. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { importCommand } from '../../src/cli/import-command.js';
import { objectId, writeExport } from '../support/app-services-export.js';

const uri = inject('mongoUri');
const dbName = `t_import_cli_${randomBytes(4).toString('hex')}`;
const client = new MongoClient(uri);
afterAll(async () => {
  await client.db(dbName).dropDatabase().catch(() => undefined);
  await client.close();
});

function capture(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  return { out, err, progress, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), progress: (l: string) => void progress.push(l), env } };
}

describe('import-app-services', () => {
  it('imports, prints progress, a summary with the password-reset count, and each record not imported; exit 2', async () => {
    const { path, malformedAt } = await writeExport(12, { malformedEvery: 5, name: 'cli.json' });
    const c = capture({ MONGODB_URI: uri });
    const code = await importCommand([path, '--db', dbName, '--prefix', 'cli_', '--batch', '4'], c.io);
    expect(code).toBe(2);
    expect(c.progress.length).toBeGreaterThanOrEqual(3);
    expect(c.progress.at(-1)).toMatch(/^read 15 · imported 12 · already there 0 · not imported 3 · \d+ records\/s$/);
    expect(c.out.join('\n')).toMatch(/Imported 12 users; 0 were already there\./);
    expect(c.out.join('\n')).toMatch(/4 email\/password users log in again after a password reset/);
    expect(c.out.join('\n')).toMatch(/2 API keys were left behind/);
    expect(c.out.join('\n')).toMatch(/3 records were not imported/);
    expect(c.err).toEqual(malformedAt.map((index) => expect.stringMatching(new RegExp(`^not imported: record ${index}\\b`))));
    expect(await client.db(dbName).collection('cli_users').findOne({ _id: objectId(11) as never })).not.toBeNull();
  });

  it('changes nothing when run again, and exits 0 when every record is imported or present', async () => {
    const { path } = await writeExport(6, { name: 'clean.json' });
    const first = capture();
    expect(await importCommand([path, '--uri', uri, '--db', dbName, '--prefix', 'clean_'], first.io)).toBe(0);
    const second = capture();
    expect(await importCommand([path, '--uri', uri, '--db', dbName, '--prefix', 'clean_'], second.io)).toBe(0);
    expect(second.out.join('\n')).toMatch(/Imported 0 users; 6 were already there\./);
    expect(second.out.join('\n')).toMatch(/Every record was imported\./);
  });

  it('exits 1 with the usage when the file or the database is not named', async () => {
    const noFile = capture({ MONGODB_URI: uri });
    expect(await importCommand([], noFile.io)).toBe(1);
    expect(noFile.err[0]).toMatch(/Name one export file\.[\s\S]*Usage:/);
    const noUri = capture();
    expect(await importCommand(['x.json'], noUri.io)).toBe(1);
    expect(noUri.err[0]).toMatch(/--uri or set MONGODB_URI/);
    const badOption = capture({ MONGODB_URI: uri });
    expect(await importCommand(['x.json', '--frobnicate'], badOption.io)).toBe(1);
  });

  it('exits 1 saying the import can be run again when the export is cut short', async () => {
    const path = `${(await writeExport(0, { name: 'placeholder.json' })).path}.cut`;
    writeFileSync(path, `[${JSON.stringify({ _id: objectId(1), identities: [{ id: 'a', provider_type: 'anon-user' }] })},`);
    const c = capture();
    expect(await importCommand([path, '--uri', uri, '--db', dbName, '--prefix', 'cut_'], c.io)).toBe(1);
    expect(c.err.at(-1)).toMatch(/^import stopped: the export ends before its array closes.*run the same command again/);
  });

  it('prints the usage for --help', async () => {
    const c = capture();
    expect(await importCommand(['--help'], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^Usage: express-auth-providers import-app-services <export.json>/);
  });
});
