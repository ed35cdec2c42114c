/**
 * Offline detection command `classify` (posts in, NDJSON detections out) and the post reader it shares with `evaluate`
 * and `compare` (evaluation-commands.ts). Needs neither PostgreSQL nor Redis.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { loadEnv } from '../config/env';
import type { Detection, Detector } from '../detection/domain/pipeline';
import { loadDetectorFromPolicies, type LoadedDetectorParts } from '../detection/detector-loader';
import { DuplicateIds, hasText } from '../evaluation/domain/dataset';
import { firstInvalidUtf8Offset } from '../ingestion/domain/body';
import { defaultPoliciesDir } from '../policy/policy-loader';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import type { Opts } from './commands';
import { CliError, fileKind, OutputFile } from './output';

/**
 * Exit code of `classify`, `evaluate` and `compare` when any input line or entry was refused. The
 * rest is still processed and written; the code tells a script or CI gate that the input was not all used.
 */
export const EXIT_INPUT_REFUSED = 3;

/** The error that ends a run in which `refused` input lines or entries were skipped (exit {@link EXIT_INPUT_REFUSED}). */
export function inputRefused(refused: number, where: string): CliError {
  return new CliError(`${refused} input ${refused === 1 ? 'line' : 'lines'} of ${where} refused (see the messages above)`, EXIT_INPUT_REFUSED);
}

function loadDetector(): LoadedDetectorParts {
  return loadDetectorFromPolicies(defaultPoliciesDir(loadEnv().POLICIES_DIR), join(PROJECT_ROOT, 'models'));
}

/**
 * One input post: `id` (a non-empty string or a whole number) and `text`; other fields are kept for evaluate and ignored by classify.
 * `where` is where it was read (`line N` or `entry N`), for messages about it.
 */
export interface InputPost {
  id: string;
  text: string;
  raw: Record<string, unknown>;
  where: string;
}

function toPost(v: unknown, where: string): InputPost | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.text !== 'string') return 'no "text" string';
  const okId = (typeof o.id === 'string' && o.id.trim() !== '') || (typeof o.id === 'number' && Number.isSafeInteger(o.id));
  if (!okId) return 'no "id" (a non-empty string or a whole number)';
  return { id: String(o.id), text: o.text, raw: o, where };
}

/** One line of the input as bytes decoded: 1-based number, byte offset of its first byte, and the first invalid UTF-8 byte (absolute offset) or -1. */
interface RawLine {
  lineNo: number;
  text: string;
  badByte: number;
}

/** Splits a byte stream on LF (a trailing CR is dropped) and decodes each line, noting invalid UTF-8 with its byte offset in the input. */
async function* byteLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let lineStart = 0;
  let lineNo = 0;
  const emit = (buf: Buffer): RawLine => {
    lineNo++;
    const body = buf.length > 0 && buf[buf.length - 1] === 13 ? buf.subarray(0, buf.length - 1) : buf;
    const bad = firstInvalidUtf8Offset(body);
    const r = { lineNo, text: body.toString('utf8'), badByte: bad < 0 ? -1 : lineStart + bad };
    lineStart += buf.length + 1;
    return r;
  };
  for await (const chunk of input) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let from = 0;
    for (let nl = b.indexOf(10, from); nl >= 0; nl = b.indexOf(10, from)) {
      const part = b.subarray(from, nl);
      const line = pendingLen > 0 ? Buffer.concat([...pending, part]) : part;
      pending = [];
      pendingLen = 0;
      yield emit(line);
      from = nl + 1;
    }
    if (from < b.length) {
      pending.push(b.subarray(from));
      pendingLen += b.length - from;
    }
  }
  if (pendingLen > 0) yield emit(Buffer.concat(pending));
}

/**
 * Yields posts in input order and reports each bad line or entry through `bad` (`where` is `line N` or `entry N`)
 * without stopping. Accepted inputs:
 *  - NDJSON, one post a line; a first line `{"provenance": …}` (the ingest API's NDJSON header) is skipped;
 *  - a JSON array of posts, or the ingest API's JSON envelope `{"provenance": …, "posts": [...]}` (read whole).
 * A line that is not valid UTF-8 is reported with the byte offset of its first bad byte (for a whole JSON document,
 * that is an error for the file).
 */
export async function* readPosts(
  path: string,
  bad: (where: string, reason: string) => void,
  input?: AsyncIterable<Buffer | string>,
  ndjsonOnly = false,
): AsyncGenerator<InputPost> {
  const source = input ?? (path === '-' ? process.stdin : createReadStream(path));
  let seenContent = false;
  /** Whole-document mode: the lines of a JSON array or object, kept for one parse at the end. */
  let doc: RawLine[] | null = null;
  for await (const raw of byteLines(source)) {
    if (doc !== null) {
      doc.push(raw);
      continue;
    }
    const t = raw.text.trim();
    if (t === '' && raw.badByte < 0) continue;
    const first = !seenContent;
    seenContent = true;
    if (first && !ndjsonOnly && t.startsWith('[')) {
      doc = [withoutBom(raw)]; // a JSON array: read the whole document
      continue;
    }
    if (raw.badByte >= 0) {
      bad(`line ${raw.lineNo}`, `not valid UTF-8: bad byte sequence at byte offset ${raw.badByte}`);
      continue;
    }
    let v: unknown;
    let parseError: string | null = null;
    try {
      v = JSON.parse(t);
    } catch (e) {
      parseError = (e as Error).message;
    }
    if (first && !ndjsonOnly && t.startsWith('{') && parseError !== null) {
      // maybe a JSON object spread over several lines: read the whole document
      doc = [withoutBom(raw)];
      continue;
    }
    if (parseError !== null) {
      bad(`line ${raw.lineNo}`, `invalid JSON: ${parseError}`);
      continue;
    }
    if (first && isEnvelope(v)) {
      const posts = (v as { posts?: unknown }).posts;
      if (Array.isArray(posts)) yield* entries(posts, bad);
      continue; // an NDJSON header line {"provenance": …}
    }
    const p = toPost(v, `line ${raw.lineNo}`);
    if (typeof p === 'string') bad(`line ${raw.lineNo}`, p);
    else yield p;
  }
  if (doc === null) return;
  const badLine = doc.find((l) => l.badByte >= 0);
  if (badLine) throw new CliError(`${path}: not valid UTF-8: bad byte sequence at byte offset ${badLine.badByte} (line ${badLine.lineNo})`, 2);
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc.map((l) => l.text).join('\n'));
  } catch (e) {
    if (!(doc[0]?.text.trim().startsWith('{') ?? false)) throw new CliError(`${path}: invalid JSON array: ${(e as Error).message}`, 2);
    // not one JSON object after all: treat the lines as NDJSON, reporting the bad ones
    yield* readPosts(path, bad, linesAsBuffers(doc), true);
    return;
  }
  if (Array.isArray(parsed)) yield* entries(parsed, bad);
  else if (isEnvelope(parsed) && Array.isArray((parsed as { posts?: unknown }).posts)) yield* entries((parsed as { posts: unknown[] }).posts, bad);
  else throw new CliError(`${path}: expected NDJSON, a JSON array of posts or {"provenance": …, "posts": [...]}`, 2);
}

/** The line without a leading byte-order mark (JSON.parse refuses one; trim() drops it from NDJSON lines). */
function withoutBom(raw: RawLine): RawLine {
  return raw.text.charCodeAt(0) === 0xfeff ? { ...raw, text: raw.text.slice(1) } : raw;
}

async function* linesAsBuffers(lines: readonly RawLine[]): AsyncGenerator<Buffer> {
  for (const l of lines) yield Buffer.from(`${l.text}\n`, 'utf8');
}

/** The ingest API's envelope or NDJSON header: an object with `provenance` and no post `text`. */
function isEnvelope(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'provenance' in v && typeof (v as { text?: unknown }).text !== 'string';
}

function* entries(arr: readonly unknown[], bad: (where: string, reason: string) => void): Generator<InputPost> {
  for (let i = 0; i < arr.length; i++) {
    const p = toPost(arr[i], `entry ${i + 1}`);
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

/**
 * `classify <file|-> [--out file]`: NDJSON detections, one line per valid input post, in input order.
 * Bad lines are reported on stderr with their number and skipped; every valid post is still classified and written.
 * @throws CliError exit 2: no file, no posts at all, or an `--out` that cannot be written (before any work);
 *   exit {@link EXIT_INPUT_REFUSED} (3) after writing, when any input line was refused
 */
export async function classify(o: Opts): Promise<void> {
  const file = o.args[0];
  if (!file || o.args.length > 1) throw new CliError(`usage: classify <file|-> [--out <file>]${o.args.length > 1 ? ' (one input file)' : ''}`, 2);
  if (file !== '-') {
    const kind = fileKind(file);
    if (kind !== 'file') throw new CliError(`${file}: ${kind === 'folder' ? 'is a folder, not a file of posts' : 'no such file'}`, 2);
  }
  let badCount = 0;
  let bar: SingleBar | null = null;
  const bad = (where: string, reason: string): void => {
    badCount++;
    bar?.increment();
    process.stderr.write(`${bar ? '\n' : ''}${file}: ${where}: ${reason} (skipped)\n`);
  };
  // as evaluate does: an empty text is nothing to classify, and an id seen before is refused (two output lines with
  // one id could not be told apart)
  const ids = new DuplicateIds<string>();
  const accepted = async function* (all: AsyncGenerator<InputPost>): AsyncGenerator<InputPost> {
    for await (const p of all) {
      if (!hasText(p.text)) {
        bad(p.where, 'text is empty (nothing to classify)');
        continue;
      }
      const prior = ids.firstSeen(p.id, p.where);
      if (prior === null) yield p;
      else bad(p.where, `duplicate id "${p.id.slice(0, 60)}" (first at ${prior})`);
    }
  };
  // read up to the first post before anything else, so that an empty input fails before the detector loads
  const posts = accepted(readPosts(file, bad));
  const firstPost = await posts.next();
  if (firstPost.done && badCount === 0) throw new CliError(`no posts in ${file}`, 2);
  // `--out -` is standard output, as `-` is standard input
  const outPath = typeof o.values.out === 'string' && o.values.out !== '-' ? o.values.out : null;
  const out = outPath ? OutputFile.open(outPath, '--out', file === '-' ? [] : [file]) : OutputFile.stdout(); // an unwritable --out fails before any work
  const { detector, rulesetVersion, modelVersion } = loadDetector();
  const total = process.stderr.isTTY ? countLines(file) : null;
  bar = total === null ? null : new SingleBar({ format: 'classify [{bar}] {value}/{total} lines  {eta_formatted} left', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar?.start(total ?? 0, badCount);
  let ok = 0;
  let flagged = 0;
  if (!firstPost.done) {
    const first = firstPost.value;
    const all = (async function* () {
      yield first;
      yield* posts;
    })();
    await classifyInChunks(all, detector, async (p, d) => {
      if (d.flagged) flagged++;
      ok++;
      await out.write(`${outputLine(p.id, d)}\n`);
      bar?.increment();
    });
  }
  bar?.stop();
  await out.close();
  process.stderr.write(`classified ${ok} posts (${flagged} flagged), ${badCount} bad lines skipped; ruleset ${rulesetVersion.slice(0, 12)} model ${modelVersion?.slice(0, 12) ?? 'none'}\n`);
  if (badCount > 0) throw inputRefused(badCount, file);
}

/** Posts the CLI classifies together ({@link Detector.classifyMany} runs them step by step: faster than one by one). */
export const CLASSIFY_CHUNK = 256;

/**
 * Classifies a stream of posts {@link CLASSIFY_CHUNK} at a time and calls `each` with every post and its detection,
 * in input order (awaiting it when it returns a promise).
 */
export async function classifyInChunks<P extends { text: string }>(
  posts: AsyncIterable<P>,
  detector: Pick<Detector, 'classifyMany'>,
  each: (post: P, detection: Detection) => void | Promise<void>,
): Promise<void> {
  let pending: P[] = [];
  const flush = async (): Promise<void> => {
    const detections = detector.classifyMany(pending.map((p) => p.text));
    for (let k = 0; k < pending.length; k++) await each(pending[k] as P, detections[k] as Detection);
    pending = [];
  };
  for await (const p of posts) {
    pending.push(p);
    if (pending.length >= CLASSIFY_CHUNK) await flush();
  }
  await flush();
}

