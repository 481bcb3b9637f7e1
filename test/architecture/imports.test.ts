/** The import direction of ENGINEERING.md's layout, checked on the sources (types included). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of a file, as a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, ''));
}

const files = sources(SRC).map((f) => ({ path: relative(SRC, f), imports: importsOf(f) }));
const layerOf = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

describe('imports run one way', () => {
  it('nothing under providers/, identity/, tokens/, users/, store/, model/ or util/ imports http/ or auth', () => {
    const upward = files
      .filter((f) => ['providers', 'identity', 'tokens', 'users', 'store', 'model', 'util', 'options'].includes(layerOf(f.path)))
      .flatMap((f) => f.imports.filter((i) => i.startsWith('http/') || i === 'auth' || i === 'index').map((i) => `${f.path} -> ${i}`));
    expect(upward).toEqual([]);
  });

  it('the core reaches no provider’s internals: auth.ts, http/ and users/ import only the provider contract and registry', () => {
    const core = files.filter((f) => f.path === 'auth.ts' || f.path.startsWith('http/') || f.path.startsWith('users/'));
    const internals = core.flatMap((f) =>
      f.imports.filter((i) => /^providers\/[^/]+\//.test(i)).map((i) => `${f.path} -> ${i}`),
    );
    expect(internals).toEqual([]);
  });

  it('no provider folder imports another provider folder (the OAuth kit excepted)', () => {
    const crossing = files
      .filter((f) => /^providers\/[^/]+\//.test(f.path))
      .flatMap((f) => {
        const own = f.path.split('/')[1];
        return f.imports
          .filter((i) => /^providers\/[^/]+\//.test(i) && i.split('/')[1] !== own && i.split('/')[1] !== 'oauth')
          .map((i) => `${f.path} -> ${i}`);
      });
    expect(crossing).toEqual([]);
  });
});
