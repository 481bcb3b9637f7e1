/**
 * What a host's compiler sees through the built declarations (dist/), with only what the
 * README's Quick Start installs in its program: `req.user` is typed behind `requireUser`
 * even though the host never loads Passport's types (`types: ['node']`, no passport import).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const built = existsSync(join(root, 'dist/index.d.ts'));

const host = `import express from 'express';
import { createAuth, MemoryStore, type AuthUser } from '../../../dist/index.js';

const auth = createAuth({ store: new MemoryStore(), providers: { 'anon-user': {} } });
const app = express();
app.get('/posts', auth.requireUser(), (req, res) => {
  const user: AuthUser | undefined = req.user;
  res.json({ reader: req.user!.id, anonymous: user?.anonymous });
});
`;

describe.skipIf(!built)('the built declarations, in a host without Passport’s types', () => {
  it('type req.user as the AuthUser requireUser sets', { timeout: 60_000 }, async () => {
    // Inside the repository, so that express and its types resolve from its node_modules.
    const dir = await mkdtemp(join(root, 'test/types/.host-'));
    try {
      await writeFile(join(dir, 'host.ts'), host);
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], skipLibCheck: true, noEmit: true },
          files: ['host.ts'],
        }),
      );
      const tsc = join(root, 'node_modules/.bin/tsc');
      const result = await promisify(execFile)(tsc, ['-p', dir]).then(
        () => '',
        (err: { stdout?: string; message: string }) => err.stdout || err.message,
      );
      expect(result).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
