/**
 * Reading and verifying the audit log from PostgreSQL. Plain TS over a Prisma client, shared by the
 * API (AuditRepository) and the CLI (`audit:verify`).
 */
import type { PrismaClient } from '../generated/prisma/client';
import { verifyChain, type ChainedAuditEvent, type ChainVerdict } from './domain/hash-chain';

type AuditRow = Awaited<ReturnType<PrismaClient['auditEvent']['findFirstOrThrow']>>;

/** A stored row as the chain hashes it (seq as a number, time as ISO 8601 with milliseconds). */
export function toChainedEvent(r: AuditRow): ChainedAuditEvent {
  return {
    seq: Number(r.seq), occurredAt: r.occurredAt.toISOString(), actorId: r.actorId, actorRole: r.actorRole, unit: r.unit,
    action: r.action, resourceType: r.resourceType, resourceId: r.resourceId, purpose: r.purpose,
    caseReference: r.caseReference, legalBasis: r.legalBasis, outcome: r.outcome, reason: r.reason,
    requestId: r.requestId, policyVersion: r.policyVersion, rulesetVersion: r.rulesetVersion,
    modelVersion: r.modelVersion, details: r.details as Record<string, unknown>, prevHash: r.prevHash, hash: r.hash,
  };
}

/** Events with `seq > afterSeq`, oldest first, at most `limit`. */
export async function readAuditEvents(prisma: PrismaClient, afterSeq: number, limit: number, filter: { action?: string } = {}): Promise<ChainedAuditEvent[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { seq: { gt: BigInt(afterSeq) }, ...(filter.action ? { action: filter.action } : {}) },
    orderBy: { seq: 'asc' },
    take: limit,
  });
  return rows.map(toChainedEvent);
}

/** Re-verifies the whole chain from the genesis, reading it in pages of `pageSize` events. */
export async function verifyAuditLog(prisma: PrismaClient, pageSize = 5000): Promise<ChainVerdict> {
  let from: { seq: number; hash: string } | null = null;
  let total = 0;
  for (;;) {
    const page = await readAuditEvents(prisma, from?.seq ?? 0, pageSize);
    if (!page.length) break;
    const v = verifyChain(page, from);
    total += v.count;
    if (!v.ok) return { ...v, count: total };
    const last = page[page.length - 1]!;
    from = { seq: last.seq, hash: last.hash };
  }
  return from ? { ok: true, count: total, headSeq: from.seq, headHash: from.hash } : verifyChain([]);
}
