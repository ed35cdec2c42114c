/**
 * Turns a parsed ingest body into rows to store: validates the envelope (whole batch refused with
 * the field path), validates each post (a bad post is rejected with its index, line and reason; the
 * rest go on), drops repeats inside the batch, pseudonymises handles and hashes raw payloads.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/domain/hash-chain';
import { DomainError } from '../../common/errors';
import { BatchEnvelopeSchema, PostSchema, ProvenanceSchema, fieldIssues, type FieldIssue, type Provenance } from './batch.schema';
import { normaliseHandle, pseudonymise } from './pseudonym';
import { storableProblem } from './storable';

export interface PreparedPost {
  index: number;
  platform: string;
  platformPostId: string;
  url: string;
  authorPseudonym: string;
  /** The handle as received (trimmed); stored only sealed, never in clear. */
  authorHandle: string;
  text: string;
  postedAt: Date | null;
  rawPayload: Record<string, unknown>;
  rawSha256: string;
}
export interface Rejection {
  index: number;
  line?: number;
  /** Path of the (first) offending field, e.g. `posts[3].url`. */
  field: string;
  /** Why; when the post has several issues, all of them, the first one without its path. */
  reason: string;
  /** Every issue of the post, present when there is more than one. */
  issues?: { field: string; reason: string }[];
}
export interface PreparedBatch {
  provenance: Provenance;
  received: number;
  posts: PreparedPost[];
  /** Repeats of a (platform, post id) earlier in the same batch. */
  inBatchDuplicates: number;
  rejections: Rejection[];
}

/** Tolerated clock difference between the collecting machine and the service. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * @param value parsed body (`{provenance, posts}`)
 * @param now the service's time, to refuse a collection time in the future
 * @param lines NDJSON line of each post, when the body was NDJSON
 * @param pseudonymKey HMAC key for author handles
 * @throws DomainError('invalid') when the envelope or provenance is invalid, naming the field path
 */
export function prepareBatch(value: unknown, lines: number[] | undefined, pseudonymKey: string, maxPosts: number, now: Date = new Date(0x7fffffffffff)): PreparedBatch {
  const prov = value && typeof value === 'object' && 'provenance' in value ? validateProvenance((value as { provenance?: unknown }).provenance, now) : null;
  if (prov && !prov.ok) throw invalidBatch(prov.issues.map((i) => ({ path: `provenance${i.path ? `.${i.path}` : ''}`, message: i.message })));
  const env = BatchEnvelopeSchema.safeParse(value);
  if (!env.success) throw invalidBatch(fieldIssues(env.error));
  const { provenance, posts } = env.data;
  if (posts.length > maxPosts) {
    throw new DomainError('INGEST.TOO_MANY_POSTS', 'too_large', `a batch may hold at most ${maxPosts} posts; got ${posts.length}`, { maxPosts });
  }
  const out: PreparedPost[] = [];
  const rejections: Rejection[] = [];
  const seen = new Set<string>();
  let inBatchDuplicates = 0;
  posts.forEach((candidate, index) => {
    const line = lines?.[index];
    const at = line !== undefined ? { index, line } : { index };
    if (candidate && typeof candidate === 'object' && '__parseError' in candidate) {
      rejections.push({ ...at, field: `posts[${index}]`, reason: String((candidate as { __parseError: unknown }).__parseError) });
      return;
    }
    const unsafe = storableProblem(candidate, `posts[${index}]`);
    if (unsafe) {
      rejections.push({ ...at, field: unsafe.path, reason: unsafe.reason });
      return;
    }
    const r = PostSchema.safeParse(candidate);
    if (!r.success) {
      // Every issue of the post, not just the first: the sender fixes them in one go.
      const issues = fieldIssues(r.error, ['posts', index]);
      const [first, ...more] = issues;
      const reason = [first!.message, ...more.map((i) => `${i.path}: ${i.message}`)].join('; ');
      rejections.push({ ...at, field: first!.path, reason, ...(more.length ? { issues: issues.map((i) => ({ field: i.path, reason: i.message })) } : {}) });
      return;
    }
    const p = r.data;
    const key = `${p.platform.toLowerCase()}\u0000${p.platformPostId}`;
    if (seen.has(key)) {
      inBatchDuplicates++;
      return;
    }
    seen.add(key);
    // The record as received (not zod's copy, which would drop keys such as "__proto__").
    const received = candidate as Record<string, unknown>;
    const raw = received.raw && typeof received.raw === 'object' ? (received.raw as Record<string, unknown>) : received;
    if (p.postedAt && Date.parse(p.postedAt) > Date.parse(provenance.collectedAt)) {
      rejections.push({ ...at, field: `posts[${index}].postedAt`, reason: 'postedAt is after the batch collectedAt: a post cannot be collected before it was posted' });
      return;
    }
    const rawSha256 = createHash('sha256').update(canonicalJson(raw)).digest('hex');
    out.push({
      index,
      platform: p.platform.toLowerCase(),
      platformPostId: p.platformPostId,
      url: p.url,
      authorPseudonym: pseudonymise(pseudonymKey, p.platform, p.authorHandle),
      authorHandle: p.authorHandle.trim(),
      text: p.text,
      postedAt: p.postedAt ? new Date(p.postedAt) : null,
      rawPayload: redactHandle(raw, p.authorHandle),
      rawSha256,
    });
  });
  return { provenance, received: posts.length, posts: out, inBatchDuplicates, rejections };
}

/**
 * The raw record as stored: the author handle, wherever it appears as a whole string value (compared
 * as pseudonyms compare it: case, spaces and a leading `@` ignored), is replaced by a marker, so no plaintext handle reaches the database. `rawSha256` covers the record
 * as received.
 */
function redactHandle(raw: Record<string, unknown>, handle: string): Record<string, unknown> {
  const target = normaliseHandle(handle);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return normaliseHandle(v) === target ? '[pseudonymised]' : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(raw) as Record<string, unknown>;
}

function invalidBatch(issues: FieldIssue[]): DomainError {
  return new DomainError('INGEST.INVALID_BATCH', 'invalid', `invalid batch: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`, { issues });
}

/**
 * Validates a batch provenance: storable text, `ProvenanceSchema`, and a collection time not in the
 * future (beyond a few minutes of clock skew). The ingest API and the `import` command (dry run
 * included) both use it, so they accept and refuse the same provenance.
 * @param value the provenance object
 * @param now the current time
 * @returns the parsed provenance, or every issue with its path inside the provenance (`collectedAt`)
 */
export function validateProvenance(value: unknown, now: Date): { ok: true; provenance: Provenance } | { ok: false; issues: FieldIssue[] } {
  const unsafe = storableProblem(value, '');
  if (unsafe) return { ok: false, issues: [{ path: unsafe.path === '(value)' ? '' : unsafe.path, message: unsafe.reason }] };
  const r = ProvenanceSchema.safeParse(value);
  if (!r.success) return { ok: false, issues: fieldIssues(r.error) };
  if (Date.parse(r.data.collectedAt) > now.getTime() + CLOCK_SKEW_MS) {
    return { ok: false, issues: [{ path: 'collectedAt', message: `collectedAt ${r.data.collectedAt} is in the future` }] };
  }
  return { ok: true, provenance: r.data };
}
