/**
 * Offline detection commands: `classify` (posts in, NDJSON detections out) and `evaluate` (labelled posts in,
 * precision / recall / F1 / false-positive rates out). Neither needs PostgreSQL or Redis.
 */
import { createReadStream, createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import { loadEnv } from '../config/env';
import type { Detection } from '../detection/domain/pipeline';
import { loadDetectorFromPolicies, type LoadedDetectorParts } from '../detection/detector-loader';
import { defaultPoliciesDir } from '../policy/policy-loader';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import type { Opts } from './commands';
import { CliError, printJson } from './output';

function loadDetector(): LoadedDetectorParts {
  return loadDetectorFromPolicies(defaultPoliciesDir(loadEnv().POLICIES_DIR), join(PROJECT_ROOT, 'models'));
}

/** One input post: `id` (string or number) and `text`; other fields are kept for evaluate and ignored by classify. */
interface InputPost {
  id: string;
  text: string;
  raw: Record<string, unknown>;
}

function toPost(v: unknown): InputPost | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.text !== 'string') return 'no "text" string';
  if (typeof o.id !== 'string' && typeof o.id !== 'number') return 'no "id" (string or number)';
  return { id: String(o.id), text: o.text, raw: o };
}

/**
 * Yields posts in input order from NDJSON (streamed line by line) or a JSON array (read whole), and reports each bad
 * line or entry through `bad` (`where` is `line N` or `entry N`) without stopping.
 */
async function* readPosts(path: string, bad: (where: string, reason: string) => void): AsyncGenerator<InputPost> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let arrayText: string | null = null;
  for await (const line of lines) {
    lineNo++;
    if (arrayText !== null) {
      arrayText += `\n${line}`;
      continue;
    }
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('[') && lineNo === 1) {
      arrayText = line;
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      bad(`line ${lineNo}`, `invalid JSON: ${(e as Error).message}`);
      continue;
    }
    const p = toPost(v);
    if (typeof p === 'string') bad(`line ${lineNo}`, p);
    else yield p;
  }
  if (arrayText === null) return;
  let arr: unknown;
  try {
    arr = JSON.parse(arrayText);
  } catch (e) {
    throw new CliError(`${path}: invalid JSON array: ${(e as Error).message}`);
  }
  if (!Array.isArray(arr)) throw new CliError(`${path}: expected a JSON array of objects`);
  for (let i = 0; i < arr.length; i++) {
    const p = toPost(arr[i]);
    if (typeof p === 'string') bad(`entry ${i + 1}`, p);
    else yield p;
  }
}

/** The NDJSON line written for one post (the offline contract). */
function outputLine(id: string, d: Detection): string {
  return JSON.stringify({ id, flagged: d.flagged, score: d.score, band: d.band, lang: d.language.code, explanation: d.explanation });
}

function countLines(path: string): number | null {
  if (path === '-') return null;
  try {
    const buf = readFileSync(path);
    let n = 0;
    for (const b of buf) if (b === 10) n++;
    return n + 1;
  } catch {
    return null;
  }
}

/** `classify <file|-> [--out file]`: NDJSON detections, one line per valid input post, in input order. */
export async function classify(o: Opts): Promise<void> {
  const file = o.args[0];
  if (!file) throw new CliError('usage: classify <file|-> [--out <file>]', 2);
  if (file !== '-' && !statSafe(file)) throw new CliError(`${file}: no such file`, 2);
  const { detector, rulesetVersion, modelVersion } = loadDetector();
  const outPath = typeof o.values.out === 'string' ? o.values.out : null;
  const out: Writable = outPath ? createWriteStream(outPath) : process.stdout;
  const total = process.stderr.isTTY ? countLines(file) : null;
  const bar = total === null ? null : new SingleBar({ format: 'classify [{bar}] {value}/{total} lines  {eta_formatted} left', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar?.start(total ?? 0, 0);
  let ok = 0;
  let badCount = 0;
  let flagged = 0;
  const bad = (where: string, reason: string): void => {
    badCount++;
    bar?.increment();
    process.stderr.write(`${bar ? '\n' : ''}${file}: ${where}: ${reason} (skipped)\n`);
  };
  for await (const p of readPosts(file, bad)) {
    const d = detector.classify(p.text);
    if (d.flagged) flagged++;
    ok++;
    if (!out.write(`${outputLine(p.id, d)}\n`)) await new Promise((r) => out.once('drain', r));
    bar?.increment();
  }
  bar?.stop();
  if (outPath) await new Promise<void>((r) => out.end(r));
  process.stderr.write(`classified ${ok} posts (${flagged} flagged), ${badCount} bad lines skipped; ruleset ${rulesetVersion.slice(0, 12)} model ${modelVersion?.slice(0, 12) ?? 'none'}\n`);
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}
const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });
const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((1000 * a) / b) / 1000);
function metrics(c: Counts) {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : Math.round((2000 * precision * recall) / (precision + recall)) / 1000;
  return { posts: c.tp + c.fp + c.fn + c.tn, ads: c.tp + c.fn, precision, recall, f1, fpr: ratio(c.fp, c.fp + c.tn) };
}

function datasetFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or folder`, 2);
  }
  if (st.isFile()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.ndjson') || f.endsWith('.jsonl') || f.endsWith('.json'))
    .sort()
    .map((f) => join(path, f));
}

/**
 * `evaluate --dataset <file|folder> [--json]`: classifies labelled posts (`label` smuggling_ad | not_smuggling,
 * optional `lang` and `kind`) and prints precision, recall, F1 and false-positive rate overall, per language (the
 * post's `lang`, else the detected one) and per kind. Every negative counts as a hard negative: the sets are built of
 * posts that share the ads' vocabulary.
 */
export async function evaluate(o: Opts): Promise<void> {
  const dataset = typeof o.values.dataset === 'string' ? o.values.dataset : o.args[0];
  if (!dataset) throw new CliError('usage: evaluate --dataset <file|folder> [--json]', 2);
  const { detector, rulesetVersion, modelVersion } = loadDetector();
  const overall = empty();
  const byLang = new Map<string, Counts>();
  const byKind = new Map<string, Counts>();
  const errors: Array<{ id: string; label: string; score: number; lang: string; kind: string }> = [];
  let skipped = 0;
  for (const file of datasetFiles(dataset)) {
    for await (const p of readPosts(file, (where, reason) => {
      skipped++;
      process.stderr.write(`${file}: ${where}: ${reason} (skipped)\n`);
    })) {
      const label = p.raw.label;
      if (label !== 'smuggling_ad' && label !== 'not_smuggling') {
        skipped++;
        process.stderr.write(`${file}: post ${p.id}: "label" must be smuggling_ad or not_smuggling (skipped)\n`);
        continue;
      }
      const d = detector.classify(p.text);
      const lang = typeof p.raw.lang === 'string' ? p.raw.lang : d.language.code;
      const kind = typeof p.raw.kind === 'string' ? p.raw.kind : label === 'smuggling_ad' ? 'ad' : 'negative';
      const key: keyof Counts = label === 'smuggling_ad' ? (d.flagged ? 'tp' : 'fn') : d.flagged ? 'fp' : 'tn';
      for (const c of [overall, get(byLang, lang), get(byKind, kind)]) c[key]++;
      if (key === 'fp' || key === 'fn') errors.push({ id: p.id, label, score: d.score, lang, kind });
    }
  }
  const result = {
    dataset,
    rulesetVersion,
    modelVersion,
    overall: metrics(overall),
    byLanguage: Object.fromEntries([...byLang].sort().map(([k, c]) => [k, metrics(c)])),
    byKind: Object.fromEntries([...byKind].sort().map(([k, c]) => [k, metrics(c)])),
    errors,
    skipped,
  };
  if (o.json) return printJson(result);
  const fmt = (x: number | null): string => (x === null ? '   -' : x.toFixed(3));
  const row = (name: string, m: ReturnType<typeof metrics>): string =>
    `${name.padEnd(16)} ${String(m.posts).padStart(5)} ${String(m.ads).padStart(5)}  ${fmt(m.precision)}  ${fmt(m.recall)}  ${fmt(m.f1)}  ${fmt(m.fpr)}`;
  const head = `${'group'.padEnd(16)} posts   ads  prec.  recall  F1     FPR`;
  console.log(`dataset ${dataset}\nruleset ${rulesetVersion.slice(0, 12)}  model ${modelVersion?.slice(0, 12) ?? 'none'}\n`);
  console.log(head);
  console.log(row('overall', result.overall));
  console.log('\nper language');
  for (const [k, m] of Object.entries(result.byLanguage)) console.log(row(k, m));
  console.log('\nper kind (FPR = share of that kind flagged)');
  for (const [k, m] of Object.entries(result.byKind)) console.log(row(k, m));
  if (errors.length > 0) {
    console.log('\nerrors');
    for (const e of errors) console.log(`  ${e.label === 'smuggling_ad' ? 'missed ad ' : 'false flag'} ${e.id} ${e.lang} ${e.kind} score ${e.score.toFixed(3)}`);
  }
  if (skipped > 0) console.log(`\n${skipped} entries skipped (see stderr)`);
}

function get(map: Map<string, Counts>, key: string): Counts {
  let c = map.get(key);
  if (c === undefined) {
    c = empty();
    map.set(key, c);
  }
  return c;
}
