#!/usr/bin/env node
/** `npx express-auth-providers <command>`: the package's command line. */
import { IMPORT_USAGE, importCommand } from './import-command.js';

const USAGE = `Usage: express-auth-providers <command>

Commands:
  import-app-services <export.json>   import the users of an Atlas App Services export

${IMPORT_USAGE}`;

const [command, ...args] = process.argv.slice(2);
const tty = process.stderr.isTTY === true;
const io = {
  out: (line: string) => void process.stdout.write(`${line}\n`),
  err: (line: string) => void process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`),
  progress: (line: string) => void process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`),
  env: process.env,
};

if (command === 'import-app-services') {
  const code = await importCommand(args, io);
  if (tty) process.stderr.write('\n');
  process.exitCode = code;
} else {
  process.stderr.write(`${command === undefined || command === '--help' || command === '-h' ? '' : `Unknown command: ${command}\n\n`}${USAGE}\n`);
  process.exitCode = command === '--help' || command === '-h' ? 0 : 1;
}
