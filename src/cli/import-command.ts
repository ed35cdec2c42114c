/**
 * `import <file...> --format <name> --source … --legal-basis … --collected-by …`: reads platform
 * exports in constant memory and sends their posts in batches through the HTTP API, so that access
 * policy and audit apply. `--dry-run` reads and checks the files with no service running and prints
 * the same summary. A refused record is reported with its line (or element index) and the import goes on.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { COLLECTION_METHODS, type Provenance } from '../ingestion/domain/batch.schema';
import { validateProvenance } from '../ingestion/domain/prepare-batch';
import { detectFormat } from '../ingestion/sources/domain/detect';
import { openExport } from '../ingestion/sources/read-export';
import { TEXT_ENCODINGS, type TextEncodingName } from '../ingestion/sources/encodings';
import { parseMapping } from '../ingestion/sources/domain/tabular';
import { ImportTally, type ImportSummary } from '../ingestion/sources/domain/tally';
import type { GapReport } from '../ingestion/sources/domain/completeness';
import { FORMATS, type FormatName, type Location, type SourcePost } from '../ingestion/sources/domain/types';
import { CliError, fileKind, printJson } from './output';
import type { Opts } from './commands';

const HEAD_BYTES = 64 * 1024;
const MAX_BATCH_BYTES = 8 * 1024 * 1024; // under the API's default 10 MiB body limit

/** Options `src/cli.ts` must accept for this command. */
export const IMPORT_OPTIONS = {
  format: { type: 'string' }, source: { type: 'string' }, 'legal-basis': { type: 'string' }, 'collected-by': { type: 'string' },
  'collected-at': { type: 'string' }, 'collection-method': { type: 'string' }, case: { type: 'string' }, 'tool-version': { type: 'string' },
  api: { type: 'string' }, key: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'window-from': { type: 'string' }, 'window-to': { type: 'string' },
  'window-strict': { type: 'boolean' }, map: { type: 'string' }, platform: { type: 'string' }, channel: { type: 'string' }, account: { type: 'string' },
  delimiter: { type: 'string' }, encoding: { type: 'string' }, 'batch-size': { type: 'string' }, progress: { type: 'boolean' },
} as const;

export const IMPORT_USAGE =
  'import <file...> --format <' + FORMATS.join('|') + '> --source <platform> --legal-basis <ref> --collected-by <id> [--collected-at <iso>] ' +
  '[--case <ref>] [--api <url>] [--key <key>] [--dry-run] [--window-from <iso>] [--window-to <iso>] [--window-strict] [--map field=column,...] ' +
  '[--platform <name>] [--channel <username>] [--account <handle>] [--delimiter <c>] [--encoding <' + TEXT_ENCODINGS.join('|') + '>] [--batch-size 1000] [--json]';

/** Counts and hashes the bytes of a file as they are read. */
class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

function str(o: Opts, name: string): string | undefined {
  const v = o.values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isoOption(o: Opts, name: string): string | undefined {
  const v = str(o, name);
  if (v !== undefined && Number.isNaN(Date.parse(v))) throw new CliError(`--${name} must be an ISO-8601 date`, 2);
  return v === undefined ? undefined : new Date(v).toISOString();
}

/**
 * The batch provenance from the options, validated as the ingest API validates it (same schema, same
 * refusal of a collection time in the future). Run before any file is read, dry run included.
 */
function provenanceFrom(o: Opts, firstFile: string, format: string, now: Date): Provenance {
  const collectedAt = str(o, 'collected-at') ?? statSync(firstFile).mtime.toISOString();
  const candidate: Record<string, string | undefined> = {
    sourcePlatform: str(o, 'source') ?? (format === 'auto' ? undefined : format),
    collectionMethod: str(o, 'collection-method') ?? 'platform_export',
    legalBasis: str(o, 'legal-basis'),
    collectedBy: str(o, 'collected-by'),
    collectedAt,
    ...(str(o, 'case') ? { caseReference: str(o, 'case') } : {}),
    toolVersion: str(o, 'tool-version') ?? `smugwatch import (${format})`,
  };
  const r = validateProvenance(candidate, now);
  if (!r.ok) {
    const flag: Record<string, string> = {
      sourcePlatform: '--source', legalBasis: '--legal-basis', collectedBy: '--collected-by', collectedAt: '--collected-at',
      collectionMethod: `--collection-method (${COLLECTION_METHODS.join('|')})`, caseReference: '--case', toolVersion: '--tool-version',
    };
    const say = (path: string, message: string) => `${flag[path] ?? path}: ${path in candidate && candidate[path] === undefined ? 'missing' : message}`;
    throw new CliError(`provenance: ${r.issues.map((i) => say(i.path, i.message)).join('; ')}`, 2);
  }
  return r.provenance;
}

interface Pending {
  posts: SourcePost[];
  locs: { file: string; loc: Location; id: string }[];
  bytes: number;
}

/** Sends batches to the API, at most two at a time; remembers the first failure. */
class Sender {
  private inFlight = new Set<Promise<void>>();
  failure: Error | null = null;

  constructor(private readonly api: string, private readonly key: string, private readonly provenance: Provenance, private readonly tally: ImportTally) {}

  async send(batch: Pending): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inFlight.size >= 2) await Promise.race(this.inFlight);
    const p = this.post(batch).catch((e: unknown) => { this.failure ??= e as Error; }).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  private async post(batch: Pending): Promise<void> {
    const body = [JSON.stringify({ provenance: this.provenance }), ...batch.posts.map((p) => JSON.stringify(p))].join('\n');
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.api}/v1/ingest/batches`, { method: 'POST', headers: { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/x-ndjson' }, body });
      } catch (e) {
        if (attempt >= 3) throw new CliError(`cannot reach the API at ${this.api}: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
        continue;
      }
      const text = await res.text();
      if (res.status === 202) return this.tally.batchReceipt(JSON.parse(text), batch.locs);
      if (res.status >= 500 && attempt < 3) {
        await new Promise((r) => setTimeout(r, 500 * attempt));
        continue;
      }
      let message = text.slice(0, 500);
      try { message = (JSON.parse(text) as { message?: string }).message ?? message; } catch { /* keep the text */ }
      throw new CliError(`the API refused a batch (HTTP ${res.status}): ${message}`);
    }
  }
}

function readHead(file: string): { head: Buffer; whole: boolean } {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return { head: buf.subarray(0, n), whole: n < HEAD_BYTES };
  } finally {
    closeSync(fd);
  }
}

export async function importCommand(o: Opts): Promise<void> {
  const files = o.args;
  if (!files.length) throw new CliError(`usage: ${IMPORT_USAGE}`, 2);
  const format = (str(o, 'format') ?? 'auto') as FormatName;
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`unknown --format "${format}": use one of ${FORMATS.join(', ')}\nusage: ${IMPORT_USAGE}`, 2);
  for (const f of files) {
    const kind = fileKind(f);
    if (kind !== 'file') throw new CliError(`cannot read ${f}: ${kind === 'folder' ? 'it is a folder (name the export files in it)' : 'no such file'}`, 2);
  }
  const dryRun = Boolean(o.values['dry-run']);
  // The dry run checks the provenance exactly as the real run (and the API) will.
  const provenance = provenanceFrom(o, files[0]!, format, new Date());
  let mapping;
  try { mapping = parseMapping(str(o, 'map')); } catch (e) { throw new CliError((e as Error).message, 2); }
  if (str(o, 'map') !== undefined && !['csv', 'ndjson', 'auto'].includes(format)) throw new CliError(`--map applies to the csv and ndjson formats only, not --format ${format}`, 2);
  const api = (str(o, 'api') ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  if (!URL.canParse(api) || !/^https?:$/.test(new URL(api).protocol)) throw new CliError(`--api "${api}" is not an http(s) URL`, 2);
  const encoding = str(o, 'encoding')?.toLowerCase() as TextEncodingName | undefined;
  if (encoding !== undefined && !TEXT_ENCODINGS.includes(encoding)) throw new CliError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')}`, 2);
  const batchSize = Number(str(o, 'batch-size') ?? 1000);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new CliError('--batch-size must be 1..10000', 2);
  const windowFrom = isoOption(o, 'window-from');
  const windowTo = isoOption(o, 'window-to');
  if (windowFrom && windowTo && windowFrom > windowTo) throw new CliError(`--window-from (${windowFrom}) is later than --window-to (${windowTo})`, 2);
  const tally = new ImportTally({ dryRun, window: { ...(windowFrom ? { from: windowFrom } : {}), ...(windowTo ? { to: windowTo } : {}) }, strictWindow: Boolean(o.values['window-strict']) });

  let sender: Sender | null = null;
  if (!dryRun) {
    const key = str(o, 'key');
    if (!key) throw new CliError('an API key is needed: --key or SMUGWATCH_API_KEY (or use --dry-run)', 2);
    sender = new Sender(api, key, provenance, tally);
  }

  const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const showBar = !o.json && (o.values.progress === true || (o.values.progress !== false && Boolean(process.stderr.isTTY)));
  const bar = showBar ? new SingleBar({ format: 'import |{bar}| {percentage}% {mb}/{totalMb} MB | {posts} posts | {rate} posts/s', hideCursor: true, stream: process.stderr }) : null;
  bar?.start(totalBytes, 0, { mb: '0', totalMb: (totalBytes / 1e6).toFixed(1), posts: 0, rate: 0 });
  const t0 = performance.now();
  let doneBytes = 0;
  let sent = 0;
  let failed = false;
  const empty: string[] = [];

  // A --map is checked against every file's header before any post is sent: a later file without a mapped column
  // would otherwise stop the import after the earlier files were sent (a usage error, not a partial import).
  if (mapping && Object.keys(mapping).length) {
    for (const file of files) {
      const { head, whole } = readHead(file);
      try {
        const probe = openExport({ head, headIsWholeFile: whole, open: () => createReadStream(file, { highWaterMark: 1 << 16 }) }, { format, mapping, ...(str(o, 'delimiter') ? { delimiter: str(o, 'delimiter') } : {}), ...(encoding ? { encoding } : {}) });
        const items = probe.items[Symbol.asyncIterator]();
        await items.next();
        await items.return?.(undefined);
      } catch (e) {
        if (/--map names column/u.test((e as Error).message)) throw new CliError(`${file}: ${(e as Error).message}`, 2);
        // any other problem of the file is reported with the file's summary below, as without --map
      }
    }
  }

  for (const file of files) {
    const name = files.length > 1 ? file : basename(file);
    const { head, whole } = readHead(file);
    let meter: Meter | null = null;
    let opened;
    try {
      opened = openExport(
        { head, headIsWholeFile: whole, open: () => (meter = new Meter(), createReadStream(file, { highWaterMark: 1 << 20 }).on('error', (e) => meter!.destroy(e)).pipe(meter)) },
        { format, mapping, ...(str(o, 'platform') ? { platform: str(o, 'platform') } : {}), ...(str(o, 'channel') ? { channel: str(o, 'channel') } : {}), ...(str(o, 'account') ? { account: str(o, 'account') } : {}), ...(str(o, 'delimiter') ? { delimiter: str(o, 'delimiter') } : {}), ...(encoding ? { encoding } : {}) },
      );
    } catch (e) {
      tally.startFile(name, null, null);
      tally.endFile(statSync(file).size, null, (e as Error).message);
      failed = true;
      continue;
    }
    tally.startFile(name, opened.format, opened.layout, opened.encoding);
    let pending: Pending = { posts: [], locs: [], bytes: 0 };
    let error: string | undefined;
    let tick = 0;
    try {
      for await (const { loc, result } of opened.items) {
        const p = tally.record(loc, result);
        if (p && sender) {
          const size = JSON.stringify(p).length;
          if (pending.posts.length && (pending.posts.length >= batchSize || pending.bytes + size > MAX_BATCH_BYTES)) {
            await sender.send(pending);
            pending = { posts: [], locs: [], bytes: 0 };
          }
          pending.posts.push(p);
          pending.locs.push({ file: name, loc, id: p.platformPostId });
          pending.bytes += size + 1;
        }
        if (p) sent++;
        if (bar && ++tick % 2000 === 0) updateBar(bar, doneBytes + (meter as Meter | null)!.bytes, sent, t0);
      }
      if (sender && pending.posts.length) await sender.send(pending);
    } catch (e) {
      if (e instanceof CliError) {
        bar?.stop();
        throw e;
      }
      error = `stopped early: ${(e as Error).message}`;
      failed = true;
    }
    const m = meter as Meter | null;
    doneBytes += m?.bytes ?? 0;
    const fileSummary = tally.summary().files.at(-1)!;
    if (!error && fileSummary.posts === 0 && fileSummary.duplicates === 0 && head.toString('utf8').trim()) empty.push(noPostsMessage(name, format, opened.format, head, fileSummary.records));
    // The digest covers the whole file only when it was read to the end.
    tally.endFile(m?.bytes ?? 0, error ? null : (m?.hash.digest('hex') ?? null), error);
  }
  try {
    await sender?.drain();
  } finally {
    if (bar) {
      updateBar(bar, doneBytes, sent, t0);
      bar.stop();
    }
  }
  const summary = tally.summary();
  if (o.json) printJson(summary);
  else console.log(renderSummary(summary, (performance.now() - t0) / 1000));
  const problems = [...(failed ? ['some files could not be read to the end (see the summary)'] : []), ...empty];
  if (problems.length) throw new CliError(problems.join('\n'), 1);
}

/** Why a non-empty file gave no post, with the format it looks like when that is another one. */
function noPostsMessage(name: string, given: FormatName, read: string, head: Buffer, records: number): string {
  const detected = detectFormat(head.toString('utf8'));
  const hint = detected && detected !== read ? `: it looks like ${detected}, try --format ${detected} or --format auto` : given === 'auto' ? '' : ' (see the refusals in the summary)';
  return `${name}: no posts read as ${read} from ${records} record(s)${hint}`;
}

function updateBar(bar: SingleBar, bytes: number, posts: number, t0: number): void {
  const secs = Math.max(0.001, (performance.now() - t0) / 1000);
  bar.update(bytes, { mb: (bytes / 1e6).toFixed(1), posts, rate: Math.round(posts / secs) });
}

function where(r: { file: string; line?: number; path?: string; index?: number; document?: number; id?: string }): string {
  const doc = r.document !== undefined ? `document ${r.document} ` : '';
  const at = r.line !== undefined ? `line ${r.line}` : doc + (r.index !== undefined ? `${r.path || '(root)'}[${r.index}]` : r.path ? `at ${r.path}` : '');
  return `${r.file}${at ? ` ${at}` : ''}${r.id ? ` (id ${r.id})` : ''}`;
}

/** The human-readable summary printed at the end of an import. */
export function renderSummary(s: ImportSummary, seconds: number): string {
  const t = s.totals;
  const out: string[] = [];
  out.push(`${s.dryRun ? 'dry run (nothing sent)' : 'import'}: ${s.files.length} file(s) in ${seconds.toFixed(1)} s`);
  for (const f of s.files) {
    out.push(`  ${f.file}: ${f.format ?? '?'} (${f.layout ?? '?'}${f.encoding ? `, ${f.encoding}` : ''}), ${(f.bytes / 1e6).toFixed(2)} MB, ${f.records} records → ${f.posts} posts${f.sha256 ? `, sha256 ${f.sha256}` : ''}`);
    if (f.error) out.push(`    ERROR: ${f.error}`);
    const gaps: [string, GapReport][] = f.gaps ? [['', f.gaps]] : Object.entries(f.gapsByChat ?? {});
    for (const [chat, g] of gaps) {
      const ranges = g.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
      out.push(`    ${chat ? `chat ${chat}: ` : ''}message ids ${g.firstId}–${g.lastId}: ${g.present} present, ${g.missing} missing (${(g.missingShare * 100).toFixed(1)}%)${ranges ? `: ${ranges}${g.rangesTruncated ? ', …' : ''}` : ''}`);
    }
  }
  out.push(`posts ${t.posts}${t.imported !== null ? `, imported ${t.imported}` : ' (would be sent)'}, duplicates ${t.duplicates}, refused ${t.refused}, skipped ${t.skipped}` +
    `${s.window ? `, outside the window ${t.outsideWindow}` : ''}, without a date ${t.undated}`);
  if (Object.keys(s.refusals.byReason).length) {
    out.push('refused, by reason:');
    for (const [r, n] of Object.entries(s.refusals.byReason).sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(7)}  ${r}`);
    out.push('refused records:');
    for (const r of s.refusals.listed.slice(0, 50)) out.push(`  ${where(r)}: ${r.reason}`);
    if (s.refusals.listed.length > 50 || s.refusals.truncated) out.push('  … (all of them with --json)');
  }
  if (Object.keys(s.skipped).length) {
    out.push('skipped (not posts):');
    for (const [r, n] of Object.entries(s.skipped).sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(7)}  ${r}`);
  }
  if (s.window && t.outsideWindow) {
    out.push(`outside the collection window ${s.window.from ?? '…'} – ${s.window.to ?? '…'}${s.window.strict ? ' (refused)' : ' (imported, reported)'}:`);
    for (const e of s.window.examples.slice(0, 10)) out.push(`  ${where(e)} posted ${e.postedAt}`);
  }
  if (s.batches.length) out.push(`batches: ${s.batches.map((b) => b.batchId).join(', ')}`);
  return out.join('\n');
}
