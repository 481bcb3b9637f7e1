import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsSchema } from '../../src/options.js';
import type { MongoStoreOptions } from '../../src/store/mongo/mongo-store.js';
import { optionPaths } from './option-paths.js';

/**
 * The options docs/configuration.md documents: each `## ` heading names one or more option
 * objects (`options.providers['oauth2-google']`), and each table row an option relative to them.
 */
function documentedPaths(markdown: string): Set<string> {
  const paths = new Set<string>();
  let bases: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      bases = [...line.matchAll(/`options((?:\.[\w-]+|\['[\w-]+'\])*)`/g)].map((m) =>
        m[1]!.replace(/\['([\w-]+)'\]/g, '.$1').replace(/^\./, ''),
      );
      for (const base of bases) if (base) paths.add(base);
      continue;
    }
    const row = /^\| `([^`]+)` \|/.exec(line);
    if (row && !line.startsWith('| ---')) for (const base of bases) paths.add(base ? `${base}.${row[1]}` : row[1]!);
  }
  return paths;
}

/** The rows of the section whose heading starts with `heading`. */
function sectionRows(markdown: string, heading: string): string[] {
  const section = markdown.split('\n## ').find((s) => s.startsWith(heading)) ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

// Every MongoStore option, checked by the compiler against its type.
const mongoStoreOptions = { db: true, collectionPrefix: true, atomicUpdates: true } satisfies Record<keyof MongoStoreOptions, true>;

describe('docs/configuration.md', () => {
  const markdown = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const documented = documentedPaths(markdown);
  const schema = new Set(optionPaths(optionsSchema));

  it('documents every option of the schema', () => {
    expect([...schema].filter((p) => !documented.has(p))).toEqual([]);
  });

  it('documents no option the schema lacks', () => {
    expect([...documented].filter((p) => !schema.has(p))).toEqual([]);
  });

  it('documents every MongoStore option, and no other', () => {
    expect(sectionRows(markdown, '`new MongoStore(').sort()).toEqual(Object.keys(mongoStoreOptions).sort());
  });
});
