#!/usr/bin/env node
/**
 * Command-line interface: `npm run cli -- <command> [args]` or the package's `smugwatch` bin.
 * Plain TypeScript (no Nest). Exit codes: 0 ok, 1 failure, 2 usage error, 3 audit chain broken.
 */
import { parseArgs } from 'node:util';
import { CliError } from './cli/output';
import * as cmd from './cli/commands';

const COMMANDS: Record<string, { run: (o: cmd.Opts) => Promise<void>; usage: string; help: string }> = {
  migrate: { run: cmd.migrate, usage: 'migrate [--json]', help: 'create the database if missing and apply pending migrations' },
  'keys:create': { run: cmd.keysCreate, usage: 'keys:create --name <name> --role <role> --unit <unit> [--json]', help: 'create a principal (if missing) and a new API key, shown once' },
  classify: { run: cmd.classify, usage: 'classify <file|-> [--json]', help: 'run the detection pipeline on text, JSON or NDJSON posts (no services needed)' },
  'rules:check': { run: cmd.rulesCheck, usage: 'rules:check [--json]', help: 'validate policy and rule files; print their versions' },
  'audit:verify': { run: cmd.auditVerify, usage: 'audit:verify [--json]', help: 'recompute the audit hash chain from the database (exit 3 when broken)' },
  batch: { run: cmd.batchStatus, usage: 'batch <id> [--json]', help: 'counts of an ingest batch' },
  sweep: { run: cmd.sweep, usage: 'sweep [--json]', help: 're-enqueue stored posts that have no classification' },
};

function help(): string {
  const w = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'usage: smugwatch <command> [args]   (npm run cli -- <command> [args])',
    '',
    'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(w)}  ${c.help}`),
    '',
    'Configuration comes from the environment (DATABASE_URL, REDIS_URL, ...; see README).',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, name: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' } },
  });
  if (values.help) {
    console.log(`usage: smugwatch ${command.usage}\n${command.help}`);
    return 0;
  }
  await command.run({ json: Boolean(values.json), values, args: positionals });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const code = e instanceof CliError ? e.exitCode : (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(code);
  },
);
