import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { appendAuditEvents, type AuditInput } from './audit-writer';
import { GroupCommitter } from './domain/group-commit';
import type { ChainedAuditEvent } from './domain/hash-chain';

export type { AuditInput };

/** Appends to the hash-chained audit log (see audit-writer.ts). */
@Injectable()
export class AuditRepository {
  private readonly group: GroupCommitter<readonly AuditInput[], ChainedAuditEvent[]>;

  constructor(private readonly prisma: PrismaService) {
    this.group = new GroupCommitter(async (batches) => {
      const events = await this.prisma.$transaction((tx) => appendAuditEvents(tx, batches.flat()));
      let at = 0;
      return batches.map((b) => events.slice(at, (at += b.length)));
    });
  }

  /** Appends inside the caller's transaction: the record and the access it records commit or fail together. */
  append(tx: Prisma.TransactionClient, inputs: readonly AuditInput[], now?: Date): Promise<ChainedAuditEvent[]> {
    return appendAuditEvents(tx, inputs, now);
  }

  /**
   * Appends events that record no other write (an access decision, a read, a denial), committed
   * before this resolves. Concurrent calls share transactions (group commit).
   */
  appendAlone(inputs: readonly AuditInput[]): Promise<ChainedAuditEvent[]> {
    return this.group.submit(inputs);
  }
}
