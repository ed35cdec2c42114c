import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { readBatchStatus } from './batch-status';
import type { PreparedBatch } from './domain/prepare-batch';

type Tx = Prisma.TransactionClient;

/** Stores batches and posts; duplicates of an already stored (platform, post id) are skipped. */
@Injectable()
export class IngestionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the batch and its new posts in `tx`.
   * @returns the stored batch id, the ids of newly stored posts, and how many were already stored
   */
  async insertBatch(tx: Tx, batch: PreparedBatch, submitter: { id: string; unit: string }, seal: (pseudonym: string, handle: string) => { sealed: string; keyId: string }): Promise<{ batchId: string; postIds: string[]; duplicates: number }> {
    const p = batch.provenance;
    const row = await tx.ingestBatch.create({
      data: {
        submittedById: submitter.id, unit: submitter.unit, sourcePlatform: p.sourcePlatform, collectionMethod: p.collectionMethod, legalBasis: p.legalBasis,
        caseReference: p.caseReference ?? null, collectedBy: p.collectedBy, collectedAt: new Date(p.collectedAt),
        toolVersion: p.toolVersion ?? null, receivedCount: batch.received, acceptedCount: 0, duplicateCount: 0,
        rejectedCount: batch.rejections.length, rejections: batch.rejections as unknown as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    const created = batch.posts.length
      ? await tx.post.createManyAndReturn({
          data: batch.posts.map((x) => ({
            batchId: row.id, platform: x.platform, platformPostId: x.platformPostId, url: x.url,
            authorPseudonym: x.authorPseudonym, text: x.text, postedAt: x.postedAt,
            rawPayload: x.rawPayload as Prisma.InputJsonValue, rawSha256: x.rawSha256,
          })),
          skipDuplicates: true,
          select: { id: true },
        })
      : [];
    const identities = new Map(batch.posts.map((x) => [x.authorPseudonym, x]));
    await tx.authorIdentity.createMany({
      data: [...identities.values()].map((x) => ({ pseudonym: x.authorPseudonym, platform: x.platform, ...seal(x.authorPseudonym, x.authorHandle) })),
      skipDuplicates: true,
    });
    const duplicates = batch.posts.length - created.length + batch.inBatchDuplicates;
    await tx.ingestBatch.update({ where: { id: row.id }, data: { acceptedCount: created.length, duplicateCount: duplicates } });
    return { batchId: row.id, postIds: created.map((c) => c.id), duplicates };
  }

  /** The batch's stored counts and live classified/flagged counts, or null when unknown. */
  status(batchId: string) {
    return readBatchStatus(this.prisma, batchId);
  }
}
