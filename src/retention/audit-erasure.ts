/**
 * Erasure of the audit log itself after `auditEventsDays` (policies/retention.yaml). Plain TS over a
 * Prisma client; run by the retention job (worker schedule and `retention:run`).
 *
 * The chain can only lose a prefix, and only up to a signed checkpoint, so that verification can
 * start again from that checkpoint (see createLogVerifier). The deletion itself happens in the
 * database function `audit_erase_through_checkpoint` (migration 20261129120000_audit_erasure), the
 * only path past the append-only trigger; it refuses, again, any event younger than the cutoff or
 * than the 183-day floor measured by the database clock.
 */
import type { KeyObject } from 'node:crypto';
import { AUDIT_CHAIN_LOCK, appendAuditEvents, type AuditInput } from '../audit/audit-writer';
import { checkpointSignatureValid, type AuditErasureDetails } from '../audit/domain/checkpoint';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { ERASED } from './enforce';

/**
 * Audit events are never erased before they are this many days old, whatever the policy or the
 * caller's clock say: the six-month floor for automatically generated logs of high-risk AI systems
 * (AI Act Art. 19(1), 26(6)). The same figure is written in the migration's SQL and the policy
 * loader refuses `auditEventsDays` below it.
 */
export const AUDIT_FLOOR_DAYS = 183;

const DAY = 86_400_000;

export interface AuditErasure {
  /** Events deleted. */
  count: number;
  firstSeq: number;
  lastSeq: number;
  /** The signed checkpoint at `lastSeq` that verification starts from afterwards. */
  anchorCheckpoint: { seq: number; headHash: string; signedAt: string; keyId: string };
  /** Sequence number of the `erasure` event that records this erasure. */
  recordedAtSeq: number;
}

/**
 * Erases the oldest audit events, up to the newest stored checkpoint such that every event up to it
 * is older than `now - days` and than {@link AUDIT_FLOOR_DAYS} (database clock), none of them names
 * a case under legal hold, at least one event stays after it, and its signature verifies with
 * `publicKey`. Records one `erasure` event (kind `audit_events`, count, seq range, anchor checkpoint;
 * no content) in the same transaction.
 * @param now the job's clock (a fake clock in tests moves the cutoff, never the floor)
 * @param days `auditEventsDays` of the retention policy
 * @param heldCases case references under legal hold: erasure stops before their first event. It also stops
 *   before the first event on a confirmed post (or its flag) whose content is still kept, so the chain of custody
 *   of evidence lives as long as the evidence
 * @returns the erasure, or null when no checkpoint qualifies (nothing erased)
 * @throws Error from the database function when the log changed under it (the transaction rolls back)
 */
export async function eraseExpiredAuditEvents(
  prisma: PrismaClient,
  opts: { now: Date; days: number; heldCases: readonly string[]; publicKey: KeyObject; actor: Omit<AuditInput, 'action' | 'outcome'> },
): Promise<AuditErasure | null> {
  const cutoff = new Date(opts.now.getTime() - opts.days * DAY);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    const [bounds] = await tx.$queryRaw<{ first: bigint | null; head: bigint | null; stop: bigint | null }[]>`
      SELECT (SELECT min(seq) FROM audit_event) AS first, (SELECT max(seq) FROM audit_event) AS head,
             (SELECT min(seq) FROM audit_event
               WHERE occurred_at >= LEAST(${cutoff}::timestamptz, statement_timestamp() - make_interval(days => ${AUDIT_FLOOR_DAYS}))
                  OR case_reference = ANY(${[...opts.heldCases]}::text[])
                  -- the chain of custody of evidence still kept: events on a confirmed post or its flag whose content is not erased
                  OR (resource_type = 'post' AND resource_id IN (SELECT f.post_id::text FROM flag f JOIN post p ON p.id = f.post_id WHERE f.status = 'confirmed' AND p.text <> ${ERASED}))
                  OR (resource_type = 'flag' AND resource_id IN (SELECT f.id::text FROM flag f JOIN post p ON p.id = f.post_id WHERE f.status = 'confirmed' AND p.text <> ${ERASED}))) AS stop`;
    if (bounds?.first == null || bounds.head == null) return null;
    // Erase at most up to the event before the first one that must stay, and never the head.
    const limit = Math.min(Number(bounds.stop ?? bounds.head + 1n) - 1, Number(bounds.head) - 1);
    if (limit < Number(bounds.first)) return null;
    const candidates = await candidateCheckpoints(tx, Number(bounds.first), limit);
    const anchor = candidates.find((c) => checkpointSignatureValid({ ...c, signedAt: c.signedAt.toISOString() }, opts.publicKey));
    if (!anchor) return null;
    const [r] = await tx.$queryRaw<{ erased: bigint; first_seq: bigint | null; last_seq: bigint | null }[]>`
      SELECT erased, first_seq, last_seq FROM audit_erase_through_checkpoint(${anchor.id}::uuid, ${cutoff}::timestamptz)`;
    if (!r || r.erased === 0n || r.first_seq === null || r.last_seq === null) return null;
    const details: AuditErasureDetails = {
      ledOperation: 'erasure', kind: 'audit_events', count: Number(r.erased), firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq),
      anchorCheckpoint: { seq: anchor.seq, headHash: anchor.headHash, signedAt: anchor.signedAt.toISOString(), keyId: anchor.keyId },
      olderThanDays: opts.days, floorDays: AUDIT_FLOOR_DAYS,
    };
    const [event] = await appendAuditEvents(tx, [{
      ...opts.actor, action: 'erasure', outcome: 'success', resourceType: 'audit_events', details: { ...details, heldCases: opts.heldCases.length },
    }]); // the real time: `now` moves the cutoff only, never the log's clock
    return { count: details.count, firstSeq: details.firstSeq, lastSeq: details.lastSeq, anchorCheckpoint: details.anchorCheckpoint, recordedAtSeq: event!.seq };
  }, { timeout: 300_000, maxWait: 30_000 });
}

/** Stored checkpoints with `first <= seq <= limit` that match the log (same hash at their seq), newest first. */
async function candidateCheckpoints(tx: Prisma.TransactionClient, first: number, limit: number) {
  const rows = await tx.$queryRaw<{ id: string; seq: bigint; head_hash: string; signed_at: Date; key_id: string; signature: string }[]>`
    SELECT c.id, c.seq, c.head_hash, c.signed_at, c.key_id, c.signature
    FROM audit_checkpoint c JOIN audit_event e ON e.seq = c.seq AND e.hash = c.head_hash
    WHERE c.seq BETWEEN ${BigInt(first)} AND ${BigInt(limit)}
    ORDER BY c.seq DESC, c.signed_at DESC`;
  return rows.map((r) => ({ id: r.id, seq: Number(r.seq), headHash: r.head_hash, signedAt: r.signed_at, keyId: r.key_id, signature: r.signature }));
}
