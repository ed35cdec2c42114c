import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { appendAuditEvents, type AuditInput } from './audit-writer';
import type { ChainedAuditEvent } from './domain/hash-chain';

export type { AuditInput };

/** Appends to the hash-chained audit log (see audit-writer.ts). */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Appends inside the caller's transaction: the record and the access it records commit or fail together. */
  append(tx: Prisma.TransactionClient, inputs: readonly AuditInput[], now?: Date): Promise<ChainedAuditEvent[]> {
    return appendAuditEvents(tx, inputs, now);
  }

  /** Appends in a transaction of its own (for events that record no other write, e.g. a denial). */
  appendAlone(inputs: readonly AuditInput[]): Promise<ChainedAuditEvent[]> {
    return this.prisma.$transaction((tx) => appendAuditEvents(tx, inputs));
  }
}
