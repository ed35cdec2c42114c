/**
 * Offline analyst commands: `evaluate` (a detector on labelled posts, with a CI gate) and `compare` (two rulesets or
 * models on the same posts). Neither needs PostgreSQL or Redis. The arithmetic lives in src/evaluation/domain.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '../config/env';
import { DEFAULT_MODEL_FILE } from '../detection/detector-loader';
import { loadDetectorSource, type DetectorSource } from '../evaluation/detector-source';
import { compareVerdicts, verdictOf, type CompareRow } from '../evaluation/domain/compare';
import { EvaluationError } from '../evaluation/domain/errors';
import { datasetPostProblem, DuplicateIds } from '../evaluation/domain/dataset';
import { DEFAULT_PREVALENCES, EvaluationAccumulator, parsePrevalences, type GoldLabel } from '../evaluation/domain/evaluate';
import { checkFailUnder, parseFailUnder, type FailUnderSpec } from '../evaluation/domain/fail-under';
import { DEFAULT_MIN_NEGATIVES } from '../evaluation/domain/fairness';
import { formatComparison, formatEvaluation } from '../evaluation/domain/format';
import { defaultPoliciesDir } from '../policy/policy-loader';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import type { Opts } from './commands';
import { classifyInChunks, EXIT_INPUT_REFUSED, inputRefused, readPosts } from './detection-commands';
import { CliError, printJson } from './output';

/** Exit code of `evaluate` when a `--fail-under` minimum is not met (the report is still printed). */
export const EXIT_UNDER_THRESHOLD = 4;

/** Options of evaluate and compare, merged into the CLI's argument parser. */
export const EVALUATION_OPTIONS = {
  prevalence: { type: 'string' }, 'fail-under': { type: 'string' }, 'min-negatives': { type: 'string' }, rules: { type: 'string' }, model: { type: 'string' },
  'rules-a': { type: 'string' }, 'rules-b': { type: 'string' }, 'model-a': { type: 'string' }, 'model-b': { type: 'string' },
} as const;

export const EVALUATE_USAGE =
  'evaluate --dataset <file|folder> [--prevalence 0.01,0.001] [--fail-under f1=0.9,precision=0.9] [--min-negatives 10] [--rules <dir>] [--model <file|none>] [--json]';
export const COMPARE_USAGE = 'compare --dataset <file|folder> [--rules-a <dir>] [--rules-b <dir>] [--model-a <file|none>] [--model-b <file|none>] [--json]';

function str(o: Opts, name: string): string | undefined {
  const v = o.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Runs a parser of user input, turning its EvaluationError into a usage error (exit 2) that says what was wrong. */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EvaluationError) throw new CliError(e.message, 2);
    throw e;
  }
}

function policiesDir(): string {
  return defaultPoliciesDir(loadEnv().POLICIES_DIR);
}

/** A detector from a rule folder and model file given on the command line; one that does not load is a usage error. */
function loadSide(rulesDir: string | undefined, model: string | undefined, prefix: string): DetectorSource {
  const dir = policiesDir();
  try {
    return loadDetectorSource(dir, join(PROJECT_ROOT, DEFAULT_MODEL_FILE), rulesDir, model);
  } catch (e) {
    if (rulesDir === undefined && model === undefined) throw e; // the live files: not a usage error
    throw new CliError(`${prefix}${(e as Error).message}`, 2);
  }
}

/** The dataset's files: the file itself, or the `*.ndjson`, `*.jsonl` and `*.json` files of a folder, by name. */
function datasetFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or folder`, 2);
  }
  if (st.isFile()) return [path];
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.ndjson') || f.endsWith('.jsonl') || f.endsWith('.json'))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new CliError(`${path}: no *.ndjson, *.jsonl or *.json file`, 2);
  return files;
}

interface DatasetPost {
  id: string;
  text: string;
  label: GoldLabel | null;
  lang: string | null;
  kind: string | null;
}

/**
 * Reads labelled posts (`id`, `text`, `label`, optional `lang` and `kind`) from every dataset file. A line is refused,
 * reported on stderr with its file and line number (`entry N` in a JSON array) and skipped, when it is not a post,
 * its label is not smuggling_ad / not_smuggling (with `labelRequired` false a missing label is kept as null), its
 * text is empty, its `lang` is not an ISO 639-3 code, or its id was already read (the message names the first).
 */
async function* readDataset(dataset: string, labelRequired: boolean, skip: () => void): AsyncGenerator<DatasetPost> {
  const ids = new DuplicateIds<{ file: string; where: string }>();
  for (const file of datasetFiles(dataset)) {
    const bad = (where: string, reason: string): void => {
      skip();
      process.stderr.write(`${file}: ${where}: ${reason} (skipped)\n`);
    };
    for await (const p of readPosts(file, bad)) {
      const label = p.raw.label;
      if (label !== 'smuggling_ad' && label !== 'not_smuggling' && (labelRequired || (label !== undefined && label !== null))) {
        bad(p.where, `post ${JSON.stringify(p.id)}: "label" must be smuggling_ad or not_smuggling${labelRequired ? '' : ' (or absent)'}, got ${JSON.stringify(label ?? null).slice(0, 40)}`);
        continue;
      }
      const problem = datasetPostProblem({ text: p.text, lang: p.raw.lang === '' ? undefined : p.raw.lang });
      if (problem) {
        bad(p.where, `post ${JSON.stringify(p.id)}: ${problem.reason}`);
        continue;
      }
      const first = ids.firstSeen(p.id, { file, where: p.where });
      if (first) {
        bad(p.where, `duplicate id ${JSON.stringify(p.id)} (first at ${first.file === file ? '' : `${first.file} `}${first.where})`);
        continue;
      }
      const text = (k: string): string | null => (typeof p.raw[k] === 'string' && p.raw[k] !== '' ? (p.raw[k] as string) : null);
      yield { id: p.id, text: p.text, label: (label as GoldLabel | undefined) ?? null, lang: text('lang'), kind: text('kind') };
    }
  }
}

function datasetArg(o: Opts, usageLine: string): string {
  const dataset = str(o, 'dataset') ?? o.args[0];
  if (!dataset) throw new CliError(`usage: ${usageLine}`, 2);
  return dataset;
}

/**
 * `evaluate`: classifies labelled posts and prints the evaluation report (src/evaluation/domain/evaluate.ts) as tables
 * or, with --json, as one JSON document `{dataset, skipped, ...report, failUnder}`. The language of a post is its
 * `lang`, else the detected one; its kind is `kind`, else "unspecified".
 * Exit codes: 0; 2 for a usage error (bad --prevalence / --fail-under / --min-negatives, no dataset or no posts);
 * {@link EXIT_INPUT_REFUSED} (3) when any input line was refused (see readDataset), after printing the report of the
 * rest; this takes precedence over {@link EXIT_UNDER_THRESHOLD} (4), a --fail-under minimum not met, since a gate
 * measured on part of the data proves nothing (both messages are given).
 */
export async function evaluate(o: Opts): Promise<void> {
  const dataset = datasetArg(o, EVALUATE_USAGE);
  const prevalenceSpec = str(o, 'prevalence');
  const prevalences = prevalenceSpec === undefined ? DEFAULT_PREVALENCES : usage(() => parsePrevalences(prevalenceSpec));
  const failSpec = str(o, 'fail-under');
  const gate: FailUnderSpec | null = failSpec === undefined ? null : usage(() => parseFailUnder(failSpec));
  const minText = str(o, 'min-negatives');
  const minNegatives = minText === undefined ? DEFAULT_MIN_NEGATIVES : Number(minText);
  if (!Number.isInteger(minNegatives) || minNegatives < 1) throw new CliError(`--min-negatives must be an integer ≥ 1, got "${minText}"`, 2);
  datasetFiles(dataset); // a missing dataset is a usage error before the detector loads
  const source = loadSide(str(o, 'rules'), str(o, 'model'), '');
  const acc = new EvaluationAccumulator({ prevalences, minNegatives });
  let skipped = 0;
  await classifyInChunks(readDataset(dataset, true, () => skipped++), source.detector, (p, d) => acc.add({ id: p.id, label: p.label!, lang: p.lang, kind: p.kind }, d));
  const report = acc.report();
  if (report.posts === 0) throw noPosts(`no labelled posts in ${dataset}`, skipped);
  const failures = gate === null ? [] : checkFailUnder(report, gate);
  if (o.json) printJson({ dataset, skipped, ...report, failUnder: gate === null ? null : { thresholds: gate, failures } });
  else {
    console.log(formatEvaluation(report, `dataset ${dataset}`));
    if (skipped > 0) console.log(`\n${skipped} input lines refused (see stderr)`);
    if (gate !== null && failures.length === 0) console.log(`\n--fail-under passed${skipped > 0 ? ' on the lines read' : ''}: ${gate.map((t) => `${t.name} ≥ ${t.min}`).join(', ')}`);
  }
  const gateFailed = failures.length > 0 ? `--fail-under not met: ${failures.map((f) => f.message).join('; ')}` : null;
  if (skipped > 0) {
    const refused = inputRefused(skipped, dataset);
    throw new CliError(gateFailed ? `${refused.message}\n${gateFailed}` : refused.message, refused.exitCode);
  }
  if (gateFailed) throw new CliError(gateFailed, EXIT_UNDER_THRESHOLD);
}

/** No post to report on: a usage error (2) for an empty dataset, or exit 3 when every line was refused. */
function noPosts(message: string, refused: number): CliError {
  return refused > 0 ? new CliError(`${message}: all ${refused} input lines refused (see the messages above)`, EXIT_INPUT_REFUSED) : new CliError(message, 2);
}

function sideLabel(s: DetectorSource): string {
  return `rules ${s.rulesDir}, model ${s.modelFile ?? 'none'}`;
}

/**
 * `compare`: classifies the same posts with two detectors (a and b: rule folder and model file each; defaults are the
 * live `policies/detection` and `models/detection-model.json`, thresholds from the live flagging.yaml) and prints the
 * comparison report (src/evaluation/domain/compare.ts). Labels are optional; unlabelled posts count for agreement and
 * changed verdicts, not for metrics. Exit codes: 0; 2 for a usage error or a rule folder / model file that does not load;
 * {@link EXIT_INPUT_REFUSED} (3) after printing the report when any input line was refused (see readDataset).
 */
export async function compare(o: Opts): Promise<void> {
  const dataset = datasetArg(o, COMPARE_USAGE);
  datasetFiles(dataset);
  const a = loadSide(str(o, 'rules-a'), str(o, 'model-a'), 'side a: ');
  const b = loadSide(str(o, 'rules-b'), str(o, 'model-b'), 'side b: ');
  const rows: CompareRow[] = [];
  let skipped = 0;
  for await (const p of readDataset(dataset, false, () => skipped++)) {
    const da = a.detector.classify(p.text);
    const db = b.detector.classify(p.text);
    rows.push({ id: p.id, lang: p.lang ?? da.language.code, kind: p.kind, label: p.label, a: verdictOf(da), b: verdictOf(db) });
  }
  if (rows.length === 0) throw noPosts(`no posts in ${dataset}`, skipped);
  const report = compareVerdicts(rows, {
    a: { label: sideLabel(a), rulesetVersion: a.rulesetVersion, modelVersion: a.modelVersion },
    b: { label: sideLabel(b), rulesetVersion: b.rulesetVersion, modelVersion: b.modelVersion },
  });
  if (o.json) printJson({ dataset, skipped, ...report });
  else {
    console.log(`dataset ${dataset}\n${formatComparison(report)}`);
    if (skipped > 0) console.log(`\n${skipped} input lines refused (see stderr)`);
  }
  if (skipped > 0) throw inputRefused(skipped, dataset);
}
