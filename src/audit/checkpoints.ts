/**
 * Taking signed checkpoints of the audit chain (plain TS: used by the API, the worker schedule and
 * the CLI). The head is read under the chain lock, so no append slips between reading and signing.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { AUDIT_CHAIN_LOCK, appendAuditEvents, type AuditInput } from './audit-writer';
import { signCheckpoint, type Checkpoint } from './domain/checkpoint';
import type { SigningKey } from './signing-key';

/**
 * Signs the current head, stores the checkpoint and records an `audit.checkpoint` event, in one
 * transaction.
 * @returns the checkpoint, or null when the log is empty
 */
export async function takeCheckpoint(prisma: PrismaClient, key: SigningKey, actor: Omit<AuditInput, 'action' | 'outcome'>, now: Date = new Date()): Promise<Checkpoint | null> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    if (!last) return null;
    const c = signCheckpoint(key.privateKey, key.publicKey, { seq: Number(last.seq), hash: last.hash }, new Date(Math.floor(now.getTime())));
    await tx.auditCheckpoint.create({ data: { seq: BigInt(c.seq), headHash: c.headHash, signedAt: new Date(c.signedAt), keyId: c.keyId, signature: c.signature } });
    await appendAuditEvents(tx, [{ ...actor, action: 'audit.checkpoint', outcome: 'success', resourceType: 'audit_log', details: { seq: c.seq, headHash: c.headHash, keyId: c.keyId } }], now);
    return c;
  });
}
