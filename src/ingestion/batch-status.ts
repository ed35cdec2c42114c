/**
 * A batch's counts: stored at ingest (received, accepted, duplicate, rejected) and live
 * (classified, pending, flagged). Plain TS over a Prisma client, shared by the API and the CLI.
 */
import type { PrismaClient } from '../generated/prisma/client';

export async function readBatchStatus(prisma: PrismaClient, batchId: string) {
  const b = await prisma.ingestBatch.findUnique({ where: { id: batchId } });
  if (!b) return null;
  const [classified, flagged] = await Promise.all([
    prisma.post.count({ where: { batchId, status: 'classified' } }),
    prisma.flag.count({ where: { post: { batchId } } }),
  ]);
  return {
    id: b.id,
    receivedAt: b.receivedAt.toISOString(),
    provenance: {
      sourcePlatform: b.sourcePlatform, collectionMethod: b.collectionMethod, legalBasis: b.legalBasis,
      caseReference: b.caseReference, collectedBy: b.collectedBy, collectedAt: b.collectedAt.toISOString(), toolVersion: b.toolVersion,
    },
    counts: {
      received: b.receivedCount, accepted: b.acceptedCount, duplicate: b.duplicateCount, rejected: b.rejectedCount,
      classified, pending: b.acceptedCount - classified, flagged,
    },
    rejections: b.rejections,
  };
}
