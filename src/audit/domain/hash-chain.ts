/**
 * Tamper-evident audit chain. Each event's hash is SHA-256 over the canonical JSON of the event
 * (every field but `hash`, with `prevHash`), so changing, removing or reordering any earlier event
 * breaks every later hash. Detecting a cut tail or a full rewrite needs signed checkpoints kept
 * outside the database (see ACCOUNTABILITY notes: a chain alone cannot).
 */
import { createHash } from 'node:crypto';

/** `prevHash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit event that are hashed. Values must be plain JSON (no undefined/Date/BigInt). */
export interface AuditEventBody {
  seq: number;
  occurredAt: string; // ISO 8601 UTC with milliseconds
  actorId: string | null;
  actorRole: string | null;
  unit: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  purpose: string | null;
  caseReference: string | null;
  legalBasis: string | null;
  outcome: 'allow' | 'deny' | 'success' | 'failure';
  reason: string | null;
  /** Access policies (`@id`s) that determined the decision. */
  policyIds: string[];
  /** Recipients of a disclosure; empty otherwise. */
  recipients: string[];
  requestId: string | null;
  policyVersion: string | null;
  rulesetVersion: string | null;
  modelVersion: string | null;
  details: Record<string, unknown>;
  prevHash: string;
}
export interface ChainedAuditEvent extends AuditEventBody {
  hash: string;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * @throws TypeError on values JSON cannot carry (BigInt, functions, non-finite numbers)
 */
export function canonicalJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  switch (typeof v) {
    case 'object': {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
    }
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: non-finite number ${v}`);
      return JSON.stringify(v);
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof v}`);
  }
}

/** SHA-256 hex of the canonical JSON of an event body. */
export function hashEvent(body: AuditEventBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** Builds the next event of a chain whose head is `head` (null for an empty chain). */
export function chainNext(
  head: { seq: number; hash: string } | null,
  body: Omit<AuditEventBody, 'seq' | 'prevHash'>,
): ChainedAuditEvent {
  const full: AuditEventBody = { ...body, seq: head ? head.seq + 1 : 1, prevHash: head ? head.hash : GENESIS_HASH };
  return { ...full, hash: hashEvent(full) };
}

export type ChainVerdict =
  | { ok: true; count: number; headSeq: number | null; headHash: string }
  | { ok: false; count: number; brokenAtSeq: number; problem: 'hash_mismatch' | 'link_mismatch' | 'seq_gap' };

/**
 * Verifies a run of events in `seq` order. `from` is the event before the first one given
 * (null when the run starts at the genesis).
 */
export function verifyChain(
  events: Iterable<ChainedAuditEvent>,
  from: { seq: number; hash: string } | null = null,
): ChainVerdict {
  let prevHash = from ? from.hash : GENESIS_HASH;
  let prevSeq = from ? from.seq : 0;
  let count = 0;
  for (const e of events) {
    count++;
    const { hash, ...body } = e;
    if (body.seq !== prevSeq + 1) return { ok: false, count, brokenAtSeq: body.seq, problem: 'seq_gap' };
    if (body.prevHash !== prevHash) return { ok: false, count, brokenAtSeq: body.seq, problem: 'link_mismatch' };
    if (hashEvent(body) !== hash) return { ok: false, count, brokenAtSeq: body.seq, problem: 'hash_mismatch' };
    prevHash = hash;
    prevSeq = body.seq;
  }
  return { ok: true, count, headSeq: prevSeq || null, headHash: prevHash };
}
