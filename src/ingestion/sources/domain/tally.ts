/**
 * The running account of an import: each mapped record is checked (ingest post schema, duplicates
 * across files, collection window, Telegram id gaps) and counted; the summary is the same for a dry
 * run and a real one, which adds what the API answered.
 */
import { PostSchema, fieldIssues } from '../../domain/batch.schema';
import { SeenSet, SequenceTracker, windowPosition, type GapReport, type Window } from './completeness';
import type { ConcreteFormat, Location, MapResult, SourcePost } from './types';

const MAX_LISTED = 1000;
const MAX_REASONS = 100;

export interface Refusal extends Location {
  file: string;
  id?: string;
  reason: string;
}

export interface FileSummary {
  file: string;
  format: ConcreteFormat | null;
  layout: string | null;
  bytes: number;
  sha256: string | null;
  records: number;
  posts: number;
  duplicates: number;
  refused: number;
  skipped: number;
  outsideWindow: number;
  undated: number;
  /** Text encoding the file was read in. */
  encoding?: string;
  /** Telegram: holes in the message id sequence (service messages count as present), when the file holds one chat. */
  gaps: GapReport | null;
  /** Telegram account export: the holes of each public chat, by chat id, when the file holds several. */
  gapsByChat?: Record<string, GapReport>;
  /** Set when reading stopped early (a JSON syntax error, invalid UTF-8 in a JSON document, an unreadable file). */
  error: string | null;
}

export interface ImportSummary {
  dryRun: boolean;
  files: FileSummary[];
  totals: {
    records: number;
    /** Posts that passed every check and were sent (or, in a dry run, would be). */
    posts: number;
    /** Posts the API stored; null in a dry run. */
    imported: number | null;
    /** Repeats within this import (across files) plus, after a real import, posts already stored. */
    duplicates: number;
    refused: number;
    skipped: number;
    outsideWindow: number;
    undated: number;
  };
  refusals: { byReason: Record<string, number>; listed: Refusal[]; truncated: boolean };
  skipped: Record<string, number>;
  window: (Window & { strict: boolean; examples: { file: string; id: string; postedAt: string; line?: number; index?: number; path?: string; document?: number }[] }) | null;
  batches: { batchId: string; received: number; accepted: number; duplicate: number; rejected: number }[];
}

export interface TallyOptions {
  dryRun: boolean;
  window?: Window;
  /** Refuse, rather than only report, posts outside the window. */
  strictWindow?: boolean;
}

export class ImportTally {
  private readonly seen = new SeenSet();
  private readonly files: FileSummary[] = [];
  private file: FileSummary | null = null;
  /** Telegram id sequences of the current file, one per chat. */
  private seq: Map<string, SequenceTracker> | null = null;
  private readonly refusals: ImportSummary['refusals'] = { byReason: {}, listed: [], truncated: false };
  private readonly skipped: Record<string, number> = {};
  private readonly windowExamples: NonNullable<ImportSummary['window']>['examples'] = [];
  private readonly batches: ImportSummary['batches'] = [];
  private imported = 0;
  private alreadyStored = 0;
  private apiRefused = 0;

  constructor(private readonly opts: TallyOptions) {}

  startFile(file: string, format: ConcreteFormat | null, layout: string | null, encoding?: string): void {
    this.file = { file, format, layout, ...(encoding && encoding !== 'utf-8' ? { encoding } : {}), bytes: 0, sha256: null, records: 0, posts: 0, duplicates: 0, refused: 0, skipped: 0, outsideWindow: 0, undated: 0, gaps: null, error: null };
    this.files.push(this.file);
    this.seq = format === 'telegram' ? new Map() : null;
  }

  private addSeq(id: number, group = ''): void {
    if (!this.seq) return;
    let t = this.seq.get(group);
    if (!t) this.seq.set(group, (t = new SequenceTracker()));
    t.add(id);
  }

  /** Checks one mapped record. @returns the post to send, or null when it was refused, skipped or a duplicate */
  record(loc: Location, result: MapResult): SourcePost | null {
    const f = this.current();
    f.records++;
    if (result.kind === 'refused') return this.refuse(loc, result.reason, result.id);
    if (result.kind === 'skipped') {
      if (result.seqId !== undefined) this.addSeq(result.seqId, result.seqGroup);
      f.skipped++;
      this.count(this.skipped, result.reason);
      return null;
    }
    if (result.seqId !== undefined) this.addSeq(result.seqId, result.seqGroup);
    const check = PostSchema.safeParse(result.post);
    if (!check.success) {
      // Every issue of the post, as the API reports them.
      const reason = fieldIssues(check.error).map((i) => `${i.path || 'post'}: ${i.message}`).join('; ');
      return this.refuse(loc, reason, result.post.platformPostId);
    }
    const p = result.post;
    if (!this.seen.add(`${p.platform.toLowerCase()}\u0000${p.platformPostId}`)) {
      f.duplicates++;
      return null;
    }
    const w = this.opts.window;
    if (w && (w.from || w.to)) {
      const where = windowPosition(p.postedAt, w);
      if (where === 'undated') f.undated++;
      else if (where !== 'inside') {
        f.outsideWindow++;
        if (this.windowExamples.length < 100) this.windowExamples.push({ file: f.file, id: p.platformPostId, postedAt: p.postedAt!, ...lineOrIndex(loc) });
        if (this.opts.strictWindow) return this.refuse(loc, `posted ${where} the collection window`, p.platformPostId);
      }
    } else if (!p.postedAt) f.undated++;
    f.posts++;
    return p;
  }

  /** Ends the current file with its size, digest, and the error that stopped it, if any. */
  endFile(bytes: number, sha256: string | null, error?: string): void {
    const f = this.current();
    f.bytes = bytes;
    f.sha256 = sha256;
    f.error = error ?? null;
    const reports = [...(this.seq ?? new Map<string, SequenceTracker>())].map(([chat, t]) => [chat, t.report()!] as const);
    f.gaps = reports.length === 1 ? reports[0]![1] : null;
    if (reports.length > 1) f.gapsByChat = Object.fromEntries(reports);
    this.seq = null;
  }

  /** Records the API's answer to one batch; `locs` gives the position of each post of the batch. */
  batchReceipt(
    r: { batchId: string; received: number; accepted: number; duplicate: number; rejected: number; rejections: { index: number; field: string; reason: string }[] },
    locs: { file: string; loc: Location; id: string }[],
  ): void {
    this.batches.push({ batchId: r.batchId, received: r.received, accepted: r.accepted, duplicate: r.duplicate, rejected: r.rejected });
    this.imported += r.accepted;
    this.alreadyStored += r.duplicate;
    this.apiRefused += r.rejected;
    for (const rej of r.rejections) {
      const at = locs[rej.index];
      this.list({ file: at?.file ?? '?', ...(at ? lineOrIndex(at.loc) : {}), ...(at ? { id: at.id } : {}), reason: `API: ${rej.field}: ${rej.reason}` });
    }
  }

  summary(): ImportSummary {
    const sum = (k: 'records' | 'posts' | 'duplicates' | 'refused' | 'skipped' | 'outsideWindow' | 'undated') => this.files.reduce((n, f) => n + f[k], 0);
    const w = this.opts.window;
    return {
      dryRun: this.opts.dryRun,
      files: this.files,
      totals: {
        records: sum('records'), posts: sum('posts'), imported: this.opts.dryRun ? null : this.imported,
        duplicates: sum('duplicates') + this.alreadyStored, refused: sum('refused') + this.apiRefused, skipped: sum('skipped'),
        outsideWindow: sum('outsideWindow'), undated: sum('undated'),
      },
      refusals: this.refusals,
      skipped: this.skipped,
      window: w && (w.from || w.to) ? { ...w, strict: Boolean(this.opts.strictWindow), examples: this.windowExamples } : null,
      batches: this.batches,
    };
  }

  private refuse(loc: Location, reason: string, id?: string): null {
    const f = this.current();
    f.refused++;
    this.list({ file: f.file, ...lineOrIndex(loc), ...(id !== undefined ? { id } : {}), reason });
    return null;
  }

  private list(r: Refusal): void {
    // Group by the reason's stable part: "invalid JSON: Unexpected token..." counts as "invalid JSON".
    this.count(this.refusals.byReason, r.reason.replace(/^(API: [^:]+|invalid JSON|invalid UTF-8|malformed CSV record)[:\s].*$/s, '$1'));
    if (this.refusals.listed.length < MAX_LISTED) this.refusals.listed.push(r);
    else this.refusals.truncated = true;
  }

  private count(map: Record<string, number>, reason: string): void {
    const key = reason in map || Object.keys(map).length < MAX_REASONS ? reason : 'other reasons';
    map[key] = (map[key] ?? 0) + 1;
  }

  private current(): FileSummary {
    if (!this.file) throw new Error('ImportTally: startFile() first');
    return this.file;
  }
}

function lineOrIndex(loc: Location): Location {
  if (loc.line !== undefined) return { line: loc.line };
  return { ...(loc.document !== undefined ? { document: loc.document } : {}), ...(loc.path !== undefined ? { path: loc.path } : {}), ...(loc.index !== undefined ? { index: loc.index } : {}) };
}
