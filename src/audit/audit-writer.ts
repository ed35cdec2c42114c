/**
 * Appending to the hash-chained audit log. Plain TS over a Prisma transaction client, shared by the
 * API, the workers and the CLI.
 *
 * One total order without gaps across every process: appends take a transaction-scoped advisory
 * lock, read the head, and insert the next sequence numbers; the lock is held until commit, so the
 * next appender sees this head. A rolled-back transaction leaves no gap because its sequence
 * numbers were never committed.
 */
import type { Prisma } from '../generated/prisma/client';
import { chainNext, type AuditEventBody, type ChainedAuditEvent } from './domain/hash-chain';

/** Fields a caller gives for one audit event; time, sequence and hashes are set on append. */
export type AuditInput = Partial<Omit<AuditEventBody, 'seq' | 'prevHash' | 'occurredAt' | 'action' | 'outcome' | 'details'>> &
  Pick<AuditEventBody, 'action' | 'outcome'> & { details?: Record<string, unknown> };

/** pg_advisory_xact_lock key that serialises appends to the chain. */
export const AUDIT_CHAIN_LOCK = 0x5a7d_a0d1;

/**
 * Appends events inside `tx`, so the record and the access it records commit or fail together.
 * @param now event time (truncated to milliseconds, as stored)
 * @returns the events as stored, with their sequence numbers and hashes
 */
export async function appendAuditEvents(tx: Prisma.TransactionClient, inputs: readonly AuditInput[], now: Date = new Date()): Promise<ChainedAuditEvent[]> {
  if (!inputs.length) return [];
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  let head = last ? { seq: Number(last.seq), hash: last.hash } : null;
  const occurredAt = new Date(Math.floor(now.getTime())).toISOString();
  const events = inputs.map((i) => {
    const e = chainNext(head, {
      occurredAt, actorId: i.actorId ?? null, actorRole: i.actorRole ?? null, unit: i.unit ?? null, action: i.action,
      resourceType: i.resourceType ?? null, resourceId: i.resourceId ?? null, purpose: i.purpose ?? null,
      caseReference: i.caseReference ?? null, legalBasis: i.legalBasis ?? null, outcome: i.outcome,
      reason: i.reason ?? null, policyIds: i.policyIds ?? [], recipients: i.recipients ?? [], requestId: i.requestId ?? null,
      policyVersion: i.policyVersion ?? null, rulesetVersion: i.rulesetVersion ?? null, modelVersion: i.modelVersion ?? null,
      details: JSON.parse(JSON.stringify(i.details ?? {})) as Record<string, unknown>,
    });
    head = { seq: e.seq, hash: e.hash };
    return e;
  });
  await tx.auditEvent.createMany({
    data: events.map((e) => ({ ...e, seq: BigInt(e.seq), occurredAt: new Date(e.occurredAt), details: e.details as Prisma.InputJsonValue })),
  });
  return events;
}
