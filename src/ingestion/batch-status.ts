/**
 * A batch's counts: stored at ingest (received, accepted, duplicate, rejected) and live
 * (classified, pending, flagged). Plain TS over a Prisma client, shared by the API and the CLI.
 */
import type { PrismaClient } from '../generated/prisma/client';

export async function readBatchStatus(prisma: PrismaClient, batchId: string) {
  const b = await prisma.ingestBatch.findUnique({ where: { id: batchId } });
  if (!b) return null;
  // One statement, one snapshot: the counts agree with each other.
  const [row] = await prisma.$queryRaw<{ classified: bigint; flagged: bigint }[]>`
    SELECT (SELECT count(*) FROM post WHERE batch_id = ${batchId}::uuid AND status = 'classified') AS classified,
           (SELECT count(*) FROM flag f JOIN post p ON p.id = f.post_id WHERE p.batch_id = ${batchId}::uuid) AS flagged`;
  const classified = Number(row?.classified ?? 0);
  const flagged = Number(row?.flagged ?? 0);
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
