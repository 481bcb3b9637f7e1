import { parseArgs } from 'node:util';
import { MongoStore } from '../store/mongo/mongo-store.js';
import { importAppServicesUsers, type ImportProblem, type ImportSummary } from '../import/import-users.js';

export const IMPORT_USAGE = `Usage: express-auth-providers import-app-services <export.json> [options]

Imports the users of an Atlas App Services export (the Admin API's user documents, as a JSON
array or one per line) into the MongoDB database the app's MongoStore uses. Running it again
changes nothing.

Options:
  --uri <uri>        MongoDB connection string (default: $MONGODB_URI)
  --db <name>        database name (default: the one in the URI)
  --prefix <prefix>  MongoStore collectionPrefix (default: auth_)
  --batch <n>        users written together (default: 5000)
  -h, --help         this text`;

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Rewrites the progress line in place (a terminal), or prints it as a line. */
  progress: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 all imported (or present), 2 some records were reported, 1 the import could not run. */
export async function importCommand(args: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        uri: { type: 'string' },
        db: { type: 'string' },
        prefix: { type: 'string', default: 'auth_' },
        batch: { type: 'string', default: '5000' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${IMPORT_USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(IMPORT_USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  const uri = values.uri ?? io.env['MONGODB_URI'];
  const batchSize = Number(values.batch);
  if (!file || extra.length > 0 || !uri || !Number.isInteger(batchSize) || batchSize < 1) {
    io.err(`${!file || extra.length ? 'Name one export file.' : !uri ? 'Give --uri or set MONGODB_URI.' : '--batch must be a positive integer.'}\n\n${IMPORT_USAGE}`);
    return 1;
  }

  // The driver is the host's (an optional peer dependency): loaded only for this command.
  let mongodb: typeof import('mongodb');
  try {
    mongodb = await import('mongodb');
  } catch {
    io.err('The mongodb package is not installed: npm install mongodb');
    return 1;
  }
  const client = new mongodb.MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  const started = Date.now();
  try {
    const store = new MongoStore({ db: client.db(values.db), collectionPrefix: values.prefix });
    const summary = await importAppServicesUsers({
      store,
      source: file,
      batchSize,
      onProblem: (problem) => io.err(describeProblem(problem)),
      onProgress: (s) => io.progress(progressLine(s, Date.now() - started)),
    });
    for (const line of summaryLines(summary, Date.now() - started)) io.out(line);
    return summary.failed > 0 ? 2 : 0;
  } catch (err) {
    io.err(`import stopped: ${(err as Error).message}. Nothing is lost: run the same command again to go on (already imported users are skipped).`);
    return 1;
  } finally {
    await client.close();
  }
}

const describeProblem = (p: ImportProblem) => `not imported: record ${p.index}${p.userId ? ` (user ${p.userId})` : ''}: ${p.reason}`;

function progressLine(s: Readonly<ImportSummary>, ms: number): string {
  const rate = ms > 0 ? Math.round((s.read * 1000) / ms) : 0;
  return `read ${s.read} · imported ${s.imported} · already there ${s.unchanged} · not imported ${s.failed} · ${rate} records/s`;
}

export function summaryLines(s: ImportSummary, ms: number): string[] {
  return [
    `Read ${s.read} records in ${(ms / 1000).toFixed(1)} s.`,
    `Imported ${s.imported} users; ${s.unchanged} were already there.`,
    `${s.awaitingPasswordReset} email/password users log in again after a password reset (App Services does not export password hashes).`,
    ...(s.apiKeysLeft > 0 ? [`${s.apiKeysLeft} API keys were left behind (their secrets cannot be exported): their holders create new ones.`] : []),
    s.failed > 0 ? `${s.failed} records were not imported: each is listed above with its reason.` : 'Every record was imported.',
  ];
}
