#!/usr/bin/env node
/**
 * Command-line interface: `npm run cli -- <command> [args]` or the package's `smugwatch` bin.
 * Plain TypeScript (no Nest). Exit codes: see EXIT_CODES (printed by --help).
 */
import { parseArgs } from 'node:util';
import { CliError, ReaderGone } from './cli/output';
import * as audit from './cli/audit-commands';
import * as retention from './cli/retention-commands';
import * as evidence from './cli/evidence-commands';
import * as policy from './cli/policy-commands';
import * as cmd from './cli/commands';
import * as detection from './cli/detection-commands';
import { REPORT_OPTIONS, REPORT_USAGE, reportEffectiveness } from './cli/report-commands';
import * as evaluation from './cli/evaluation-commands';
import { IMPORT_OPTIONS, IMPORT_USAGE, importCommand } from './cli/import-command';

const COMMANDS: Record<string, { run: (o: cmd.Opts) => Promise<void>; usage: string; help: string }> = {
  migrate: { run: cmd.migrate, usage: 'migrate [--json]', help: 'create the database if missing and apply pending migrations' },
  'keys:create': { run: cmd.keysCreate, usage: 'keys:create --name <name> --role <role> --unit <unit> [--json]', help: 'create a principal (if missing) and a new API key, shown once' },
  classify: { run: detection.classify, usage: 'classify <file|-> [--out <file>]', help: 'detect on NDJSON or a JSON array of {id, text}; NDJSON out in input order (no services needed); exit 3 when any input line was refused' },
  evaluate: { run: evaluation.evaluate, usage: evaluation.EVALUATE_USAGE, help: 'metrics of the detector on labelled posts (overall, per language and kind), FPR ratio between languages, precision and flags per 10,000 posts at stated prevalences; exit 3 when any input line was refused, 4 under --fail-under' },
  compare: { run: evaluation.compare, usage: evaluation.COMPARE_USAGE, help: 'two rulesets or models on the same posts: agreement, metric deltas on labelled posts, every changed verdict with the rules that changed it; exit 3 when any input line was refused' },
  'policy:test': { run: policy.policyTest, usage: 'policy:test [--json]', help: 'run policies/tests/*.yaml against the access policy' },
  'rules:check': { run: cmd.rulesCheck, usage: 'rules:check [--json]', help: 'validate policy and rule files; print their versions' },
  'audit:verify': { run: audit.auditVerify, usage: 'audit:verify [--public-key <pem>] [--checkpoints <file>] [--json]', help: 'recompute the audit chain from the database and hold it to the checkpoints (exit 3 when broken)' },
  'audit:export': { run: audit.auditExport, usage: 'audit:export --out <file> [--recipient <who>] [--json]', help: 'write the audit log and its checkpoints as NDJSON (recorded as a disclosure to --recipient)' },
  'audit:verify-export': { run: audit.auditVerifyExport, usage: 'audit:verify-export <file> --public-key <pem> [--checkpoints <file>] [--json]', help: 'verify an export offline with only the public key (exit 3 when broken, truncated or not an audit export)' },
  'audit:checkpoint': { run: audit.auditCheckpoint, usage: 'audit:checkpoint [--json]', help: 'sign the current head of the audit chain' },
  'evidence:verify': { run: evidence.evidenceVerify, usage: 'evidence:verify <package.json> --public-key <pem> [--json]', help: 'verify an evidence package offline (exit 3 when it fails)' },
  'retention:run': { run: retention.retentionRun, usage: 'retention:run [--now <ISO time>] [--public-key <pem file>] [--json]', help: 'enforce policies/retention.yaml once (erasures are audited)' },
  'audit:keygen': { run: audit.auditKeygen, usage: 'audit:keygen --out <dir> [--json]', help: 'create an Ed25519 key pair for signing checkpoints' },
  import: { run: importCommand, usage: IMPORT_USAGE, help: 'read platform exports (streaming) and send their posts through the API; --dry-run checks them with no services' },
  'report:effectiveness': { run: reportEffectiveness, usage: REPORT_USAGE, help: 'reviewer decisions as labels: flags, shares decided, precision, flag rate and its drift per period, language and rule; --chart writes an SVG' },
  batch: { run: cmd.batchStatus, usage: 'batch <id> [--json]', help: 'counts of an ingest batch' },
  sweep: { run: cmd.sweep, usage: 'sweep [--json]', help: 're-enqueue stored posts that have no classification' },
};

/** Exit codes of every command (also in the README's command table). */
const EXIT_CODES: [number, string][] = [
  [0, 'ok'],
  [1, 'failure (e.g. the database cannot be reached, a policy file does not load)'],
  [2, 'usage error: an unknown command or option, a bad or missing value, a file that cannot be read or written'],
  [3, 'verification failed (audit chain or export broken, evidence package altered, rule examples failing), or input lines refused by classify, evaluate or compare (the rest is still processed and written)'],
  [4, 'evaluate: a --fail-under minimum not met'],
];

/** Help text width: readable in a 100-column terminal. */
const WIDTH = 100;

/** Splits a usage line into words, keeping `[...]` and `<...>` groups whole. */
function usageWords(usage: string): string[] {
  const words: string[] = [];
  let depth = 0;
  let word = '';
  for (const ch of usage) {
    if (ch === '[' || ch === '<') depth++;
    if (ch === ']' || ch === '>') depth = Math.max(0, depth - 1);
    if (ch === ' ' && depth === 0) {
      if (word) words.push(word);
      word = '';
    } else word += ch;
  }
  if (word) words.push(word);
  return words;
}

/** Fills `words` into lines of at most `width` columns, the first prefixed by `first`, the rest by `rest`. */
function fill(words: string[], first: string, rest: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    if (!empty && line.length + 1 + w.length > width) {
      lines.push(line);
      line = rest + w;
    } else line += (empty ? '' : ' ') + w;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * What a command accepts, read from its usage line (the one place its interface is written): the options named there
 * (`--out`, `--json`, ...) plus --help, and whether it takes arguments (a `<...>` that is not an option's value).
 */
function accepted(usage: string): { options: ReadonlySet<string>; positionals: boolean } {
  const options = new Set(['help']);
  for (const m of usage.matchAll(/--([a-z][a-z0-9-]*)/g)) options.add(m[1] as string);
  const words = usageWords(usage).slice(1);
  const positionals = words.some((w, i) => /^\[?</.test(w) && !(words[i - 1] ?? '').startsWith('--'));
  return { options, positionals };
}

function commandHelp(c: { usage: string; help: string }, indent = '  '): string[] {
  return [...fill(usageWords(c.usage), indent, `${indent}  `), ...fill(c.help.split(' '), `${indent}    `, `${indent}    `)];
}

function help(): string {
  return [
    'usage: smugwatch <command> [args]   (npm run cli -- <command> [args]; <command> --help for one)',
    '',
    'commands:',
    ...Object.values(COMMANDS).flatMap((c) => commandHelp(c)),
    '',
    'exit codes:',
    ...EXIT_CODES.flatMap(([code, what]) => fill(what.split(' '), `  ${code}  `, '     ')),
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
  const { values, positionals, tokens } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    tokens: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, name: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' }, out: { type: 'string' }, dataset: { type: 'string' }, 'public-key': { type: 'string' }, checkpoints: { type: 'string' }, now: { type: 'string' }, recipient: { type: 'string' }, ...IMPORT_OPTIONS, ...evaluation.EVALUATION_OPTIONS, ...REPORT_OPTIONS },
  });
  // An option of another command, or an argument to a command that takes none, is a usage error too: read as given but
  // ignored, `rules:check --rules candidate/` would report the shipped rules as checked.
  const takes = accepted(command.usage);
  const foreign = tokens.find((t) => t.kind === 'option' && !takes.options.has(t.name));
  if (foreign?.kind === 'option') throw new CliError(`${name} takes no option ${foreign.rawName}\nusage: smugwatch ${command.usage}`, 2);
  if (!takes.positionals && positionals.length > 0) throw new CliError(`${name} takes no argument, got "${positionals[0]}"\nusage: smugwatch ${command.usage}`, 2);
  // The import command's API key may come from the environment (read here, in the entrypoint).
  if (name === 'import' && values.key === undefined && process.env.SMUGWATCH_API_KEY) values.key = process.env.SMUGWATCH_API_KEY;
  if (values.help) {
    console.log([...fill(usageWords(`smugwatch ${command.usage}`), 'usage: ', '         '), ...fill(command.help.split(' '), '', '')].join('\n'));
    return 0;
  }
  await command.run({ json: Boolean(values.json), values, args: positionals });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ReaderGone) process.exit(e.exitCode);
    // node:util parseArgs errors (unknown option, option without its value, unexpected argument) are usage errors
    const parseError = String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS_');
    const code = e instanceof CliError ? e.exitCode : parseError ? 2 : 1;
    console.error(`error: ${e instanceof Error ? e.message : String(e)}${parseError ? '\n(see smugwatch --help)' : ''}`);
    process.exit(code);
  },
);
