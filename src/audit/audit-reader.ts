/**
 * Reading, verifying and exporting the audit log from PostgreSQL. Plain TS over a Prisma client,
 * shared by the API and the CLI.
 */
import type { KeyObject } from 'node:crypto';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { createLogVerifier, type Checkpoint, type LogVerdict } from './domain/checkpoint';
import type { ChainedAuditEvent } from './domain/hash-chain';

type AuditRow = Awaited<ReturnType<PrismaClient['auditEvent']['findFirstOrThrow']>>;

/** A stored row as the chain hashes it (seq as a number, time as ISO 8601 with milliseconds). */
export function toChainedEvent(r: AuditRow): ChainedAuditEvent {
  return {
    seq: Number(r.seq), occurredAt: r.occurredAt.toISOString(), actorId: r.actorId, actorRole: r.actorRole, unit: r.unit,
    action: r.action, resourceType: r.resourceType, resourceId: r.resourceId, purpose: r.purpose,
    caseReference: r.caseReference, legalBasis: r.legalBasis, outcome: r.outcome, reason: r.reason,
    policyIds: r.policyIds ?? [], recipients: r.recipients ?? [],
    requestId: r.requestId, policyVersion: r.policyVersion, rulesetVersion: r.rulesetVersion,
    modelVersion: r.modelVersion, details: r.details as Record<string, unknown>, prevHash: r.prevHash, hash: r.hash,
  };
}

/** Search terms an auditor may use; all optional, combined with AND. */
export interface AuditQuery {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  purpose?: string;
  caseReference?: string;
  outcome?: 'allow' | 'deny' | 'success' | 'failure';
  from?: Date;
  to?: Date;
}

function where(q: AuditQuery, afterSeq: number): Prisma.AuditEventWhereInput {
  return {
    seq: { gt: BigInt(afterSeq) },
    ...(q.actorId ? { actorId: q.actorId } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.resourceType ? { resourceType: q.resourceType } : {}),
    ...(q.resourceId ? { resourceId: q.resourceId } : {}),
    ...(q.purpose ? { purpose: q.purpose } : {}),
    ...(q.caseReference ? { caseReference: q.caseReference } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.from || q.to ? { occurredAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
  };
}

/** Events with `seq > afterSeq` matching `q`, oldest first, at most `limit`. */
export async function readAuditEvents(prisma: PrismaClient, afterSeq: number, limit: number, q: AuditQuery = {}): Promise<ChainedAuditEvent[]> {
  const rows = await prisma.auditEvent.findMany({ where: where(q, afterSeq), orderBy: { seq: 'asc' }, take: limit });
  return rows.map(toChainedEvent);
}

/** All stored checkpoints, oldest first. */
export async function readCheckpoints(prisma: PrismaClient): Promise<Checkpoint[]> {
  const rows = await prisma.auditCheckpoint.findMany({ orderBy: [{ seq: 'asc' }, { signedAt: 'asc' }] });
  return rows.map((r) => ({ seq: Number(r.seq), headHash: r.headHash, signedAt: r.signedAt.toISOString(), keyId: r.keyId, signature: r.signature }));
}

/**
 * Re-verifies the chain and holds it to `checkpoints` (by default the stored ones; an auditor passes
 * the ones they kept). Reads in pages of `pageSize` events.
 *
 * When events were erased under the retention policy (the log starts after seq 1), the verification
 * starts from the signed checkpoint at seq `first - 1` (one the auditor kept, or a stored one: it is
 * signed by the trusted key either way) and requires the `erasure` event that recorded it; see
 * {@link createLogVerifier}.
 */
export async function verifyAuditLog(prisma: PrismaClient, publicKey: KeyObject | null, checkpoints?: readonly Checkpoint[], pageSize = 5000): Promise<LogVerdict> {
  const stored = await readCheckpoints(prisma);
  const held = checkpoints ?? stored;
  const verifier = createLogVerifier(held, publicKey, null, checkpoints ? [...checkpoints, ...stored] : stored);
  let after = 0;
  for (;;) {
    const page = await readAuditEvents(prisma, after, pageSize);
    if (!page.length) break;
    verifier.feed(page);
    after = page[page.length - 1]!.seq;
  }
  return verifier.finish();
}

/** The current head of the chain, or null when the log is empty. */
export async function chainHead(prisma: PrismaClient): Promise<{ seq: number; hash: string } | null> {
  const last = await prisma.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  return last ? { seq: Number(last.seq), hash: last.hash } : null;
}

/** NDJSON lines of an export: a header, every event still held in order, then every checkpoint (those before an erasure too). */
export async function* exportAuditLog(prisma: PrismaClient, signerPublicPem: string | null, now: Date, pageSize = 5000): AsyncGenerator<string> {
  const head = await chainHead(prisma);
  const first = await prisma.auditEvent.findFirst({ orderBy: { seq: 'asc' }, select: { seq: true } });
  // firstSeq > 1: earlier events were erased under the retention policy; the checkpoint at firstSeq - 1 anchors the rest.
  yield JSON.stringify({ type: 'header', format: 'smugwatch-audit-export/1', exportedAt: now.toISOString(), firstSeq: first ? Number(first.seq) : null, headSeq: head?.seq ?? null, headHash: head?.hash ?? null, signerPublicKey: signerPublicPem });
  let after = 0;
  for (;;) {
    const page = await readAuditEvents(prisma, after, pageSize);
    if (!page.length || after >= (head?.seq ?? 0)) break;
    for (const e of page) if (e.seq <= (head?.seq ?? 0)) yield JSON.stringify({ type: 'event', ...e });
    after = page[page.length - 1]!.seq;
  }
  for (const c of await readCheckpoints(prisma)) if (c.seq <= (head?.seq ?? 0)) yield JSON.stringify({ type: 'checkpoint', ...c });
}
