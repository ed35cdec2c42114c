/**
 * Stored posts that have no classification yet, in pages of ids (plain TS over a Prisma client;
 * shared by the scheduled sweep and `cli sweep`).
 */
import type { PrismaClient } from '../generated/prisma/client';

export async function* unclassifiedPostIds(prisma: PrismaClient, olderThan: Date, pageSize = 1000): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  for (;;) {
    const rows = await prisma.post.findMany({
      where: { status: 'queued', createdAt: { lte: olderThan } },
      orderBy: { id: 'asc' },
      take: pageSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true },
    });
    if (!rows.length) return;
    yield rows.map((r) => r.id);
    cursor = rows[rows.length - 1]!.id;
  }
}
