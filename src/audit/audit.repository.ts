import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { readAuditEvents, verifyAuditLog } from './audit-reader';
import { chainNext, type AuditEventBody, type ChainedAuditEvent, type ChainVerdict } from './domain/hash-chain';

/** Fields a caller gives for one audit event; time, sequence and hashes are set on append. */
export type AuditInput = Partial<Omit<AuditEventBody, 'seq' | 'prevHash' | 'occurredAt' | 'action' | 'outcome' | 'details'>> &
  Pick<AuditEventBody, 'action' | 'outcome'> & { details?: Record<string, unknown> };

type Tx = Prisma.TransactionClient;

const CHAIN_LOCK = 0x5a7d_a0d1; // pg_advisory_xact_lock key that serialises appends to the chain

/** Appends to and reads the hash-chained audit log. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends events inside the caller's transaction, so the record and the access it records commit
   * or fail together. Appends are serialised by a transaction-scoped advisory lock.
   */
  async append(tx: Tx, inputs: readonly AuditInput[], now: Date = new Date()): Promise<ChainedAuditEvent[]> {
    if (!inputs.length) return [];
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
    const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    let head = last ? { seq: Number(last.seq), hash: last.hash } : null;
    const occurredAt = new Date(Math.floor(now.getTime())).toISOString();
    const events = inputs.map((i) => {
      const e = chainNext(head, {
        occurredAt, actorId: i.actorId ?? null, actorRole: i.actorRole ?? null, unit: i.unit ?? null, action: i.action,
        resourceType: i.resourceType ?? null, resourceId: i.resourceId ?? null, purpose: i.purpose ?? null,
        caseReference: i.caseReference ?? null, legalBasis: i.legalBasis ?? null, outcome: i.outcome,
        reason: i.reason ?? null, requestId: i.requestId ?? null, policyVersion: i.policyVersion ?? null,
        rulesetVersion: i.rulesetVersion ?? null, modelVersion: i.modelVersion ?? null,
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

  /** Appends in a transaction of its own (for events that record no other write, e.g. a denial). */
  appendAlone(inputs: readonly AuditInput[]): Promise<ChainedAuditEvent[]> {
    return this.prisma.$transaction((tx) => this.append(tx, inputs));
  }

  /** Events with `seq > afterSeq`, oldest first. */
  list(afterSeq: number, limit: number, filter: { action?: string } = {}): Promise<ChainedAuditEvent[]> {
    return readAuditEvents(this.prisma, afterSeq, limit, filter);
  }

  /** Re-verifies the whole chain from the genesis. */
  verify(): Promise<ChainVerdict> {
    return verifyAuditLog(this.prisma);
  }
}
