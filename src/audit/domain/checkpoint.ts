/**
 * Signed checkpoints of the audit chain, and verification of a log against them.
 *
 * A checkpoint is `{seq, headHash, signedAt, keyId}` signed with Ed25519 (RFC 8032, node:crypto) by a
 * key kept outside the database. An auditor who keeps checkpoints can later prove that the log
 * still holds, at each checkpoint's `seq`, the same hash: a rewritten history or a cut tail, which
 * the hash chain alone cannot reveal, then fails (the certificate-transparency auditor's check).
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, hashEvent, type ChainedAuditEvent } from './hash-chain';

export interface Checkpoint {
  seq: number;
  headHash: string;
  signedAt: string; // ISO 8601 UTC
  keyId: string; // SHA-256 hex of the public key's SPKI DER
  signature: string; // base64 Ed25519 signature over checkpointMessage()
}

/** SHA-256 hex of a public key's SPKI DER encoding: names the key that signed. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** The exact bytes signed: canonical JSON of the checkpoint without its signature. */
export function checkpointMessage(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ seq: c.seq, headHash: c.headHash, signedAt: c.signedAt, keyId: c.keyId }), 'utf8');
}

/** Signs the head `{seq, hash}` at time `now` with an Ed25519 private key. */
export function signCheckpoint(privateKey: KeyObject, publicKey: KeyObject, head: { seq: number; hash: string }, now: Date): Checkpoint {
  const body = { seq: head.seq, headHash: head.hash, signedAt: now.toISOString(), keyId: keyIdOf(publicKey) };
  return { ...body, signature: sign(null, checkpointMessage(body), privateKey).toString('base64') };
}

/** True when the signature is valid for this public key (and the checkpoint names this key). */
export function checkpointSignatureValid(c: Checkpoint, publicKey: KeyObject): boolean {
  if (c.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(null, checkpointMessage(c), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

export type LogProblem =
  | 'hash_mismatch' // an event's content does not match its hash (edited row)
  | 'link_mismatch' // an event does not link to the previous hash (row inserted, deleted or swapped)
  | 'seq_gap' // sequence numbers skip or repeat (row deleted or inserted)
  | 'checkpoint_signature' // a checkpoint is not validly signed by the trusted key
  | 'checkpoint_mismatch' // the log holds another hash at a checkpoint's seq (history rewritten)
  | 'truncated' // the log ends before a checkpoint's seq (tail cut)
  | 'unanchored' // the log starts after seq 1 and no signed checkpoint holds the hash just before its first event
  | 'unrecorded_erasure'; // the log is anchored at a checkpoint but holds no `erasure` event recording that erasure

export interface LogVerdict {
  ok: boolean;
  /** Events checked. */
  checked: number;
  firstSeq: number | null;
  headSeq: number | null;
  headHash: string;
  /** `beforeAnchor`: checkpoints older than the anchor, whose events were erased (signatures still checked). */
  checkpoints: { total: number; verified: number; beforeAnchor: number };
  /**
   * When events before `firstSeq` were erased under the retention policy: the signed checkpoint
   * (at seq `firstSeq - 1`) the verification started from.
   */
  anchor?: { seq: number; headHash: string; signedAt: string | null };
  /** First bad sequence number and what is wrong there (absent when ok). */
  brokenAtSeq?: number;
  problem?: LogProblem;
  detail?: string;
}

/** The `details` of the `erasure` event that records an erasure of audit events (see src/retention/audit-erasure.ts). */
export interface AuditErasureDetails {
  ledOperation: 'erasure';
  kind: 'audit_events';
  count: number;
  firstSeq: number;
  lastSeq: number;
  anchorCheckpoint: { seq: number; headHash: string; signedAt: string; keyId: string };
  olderThanDays: number;
  floorDays: number;
}

/** True when `e` is the `erasure` event recording that the events up to `anchor` were erased. */
export function recordsErasureThrough(e: Pick<ChainedAuditEvent, 'action' | 'details'>, anchor: { seq: number; hash: string }): boolean {
  if (e.action !== 'erasure') return false;
  const d = e.details as Partial<AuditErasureDetails>;
  return d.kind === 'audit_events' && d.lastSeq === anchor.seq && d.anchorCheckpoint?.seq === anchor.seq && d.anchorCheckpoint.headHash === anchor.hash;
}

/**
 * Streaming verifier: feed events in `seq` order (pages of any size), then `finish()`.
 *
 * A log whose first event is not seq 1 (events erased under the retention policy) verifies only
 * from an anchor: a checkpoint among `anchorCandidates`, validly signed by `publicKey`, at seq
 * `first.seq - 1` whose head hash is the first event's `prevHash`; and the remaining log must hold
 * the `erasure` event that recorded that erasure. Otherwise it fails `unanchored` (events missing)
 * or `unrecorded_erasure` (a prefix cut at a checkpoint by hand). Checkpoints before the anchor are
 * counted in `checkpoints.beforeAnchor`: their signatures are checked, their events are gone.
 * @param checkpoints checkpoints to hold the log to (each must be signed by `publicKey`)
 * @param anchor a trusted anchor given by the caller (the event before the first one fed); when
 *   given, no checkpoint anchor or erasure record is required
 * @param anchorCandidates checkpoints that may anchor an erased log (default: `checkpoints`)
 */
export function createLogVerifier(
  checkpoints: readonly Checkpoint[],
  publicKey: KeyObject | null,
  anchor: { seq: number; hash: string } | null = null,
  anchorCandidates: readonly Checkpoint[] = checkpoints,
) {
  const bySeq = new Map<number, Checkpoint[]>();
  for (const c of checkpoints) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);
  const signed = (c: Checkpoint) => publicKey !== null && checkpointSignatureValid(c, publicKey);
  let prevSeq = anchor?.seq ?? 0;
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let checked = 0;
  let firstSeq: number | null = null;
  let verified = 0;
  let erasureAnchor: { seq: number; hash: string; signedAt: string | null } | null = null;
  let erasureRecorded = false;
  let failure: { brokenAtSeq: number; problem: LogProblem; detail: string } | undefined;

  const fail = (brokenAtSeq: number, problem: LogProblem, detail: string) => {
    failure ??= { brokenAtSeq, problem, detail };
  };

  for (const c of checkpoints) {
    if (!signed(c)) fail(c.seq, 'checkpoint_signature', `checkpoint at seq ${c.seq} (signed ${c.signedAt}) is not signed by the trusted key`);
  }

  /** Anchors a log whose first event is `e` (seq > 1) at a signed checkpoint; false (and a failure) when none holds. */
  const anchorAt = (e: ChainedAuditEvent): boolean => {
    const at = e.seq - 1;
    const candidates = anchorCandidates.filter((c) => c.seq === at && signed(c));
    const match = candidates.find((c) => c.headHash === e.prevHash);
    if (!match) {
      if (candidates.length) fail(e.seq, 'checkpoint_mismatch', `the checkpoint at seq ${at} holds another hash than event ${e.seq} links to`);
      else fail(e.seq, 'unanchored', `events 1..${at} are missing and no signed checkpoint at seq ${at} anchors the log`);
      return false;
    }
    erasureAnchor = { seq: at, hash: match.headHash, signedAt: match.signedAt };
    prevSeq = at;
    prevHash = match.headHash;
    if (checkpoints.includes(match)) verified++;
    return true;
  };

  return {
    /** Checks the next events; stops checking after the first problem. */
    feed(events: readonly ChainedAuditEvent[]): void {
      for (const e of events) {
        if (failure) return;
        if (firstSeq === null && !anchor && e.seq > 1 && !anchorAt(e)) return;
        checked++;
        firstSeq ??= e.seq;
        const { hash, ...body } = e;
        if (body.seq !== prevSeq + 1) return fail(body.seq, 'seq_gap', `expected seq ${prevSeq + 1}, found ${body.seq}`);
        if (body.prevHash !== prevHash) return fail(body.seq, 'link_mismatch', `event ${body.seq} does not link to event ${prevSeq}`);
        if (hashEvent(body) !== hash) return fail(body.seq, 'hash_mismatch', `event ${body.seq} does not match its hash`);
        for (const c of bySeq.get(body.seq) ?? []) {
          if (c.headHash !== hash) return fail(body.seq, 'checkpoint_mismatch', `checkpoint of ${c.signedAt} holds another hash at seq ${c.seq}`);
          verified++;
        }
        if (erasureAnchor && !erasureRecorded) erasureRecorded = recordsErasureThrough(e, erasureAnchor);
        prevSeq = body.seq;
        prevHash = hash;
      }
    },
    finish(): LogVerdict {
      const a = erasureAnchor as { seq: number; hash: string; signedAt: string | null } | null;
      if (!failure && a && !erasureRecorded) {
        fail(a.seq + 1, 'unrecorded_erasure', `events 1..${a.seq} are missing and no erasure event in the log records their erasure up to the checkpoint at seq ${a.seq}`);
      }
      if (!failure) {
        const beyond = checkpoints.filter((c) => c.seq > prevSeq).sort((a, b) => a.seq - b.seq)[0];
        if (beyond) fail(prevSeq + 1, 'truncated', `the log ends at seq ${prevSeq} but a checkpoint of ${beyond.signedAt} was signed at seq ${beyond.seq}`);
      }
      const beforeAnchor = a ? checkpoints.filter((c) => c.seq < a.seq).length : 0;
      const base = {
        checked, firstSeq, headSeq: prevSeq || null, headHash: prevHash, checkpoints: { total: checkpoints.length, verified, beforeAnchor },
        ...(a ? { anchor: { seq: a.seq, headHash: a.hash, signedAt: a.signedAt } } : {}),
      };
      return failure ? { ok: false, ...base, ...failure } : { ok: true, ...base };
    },
  };
}
