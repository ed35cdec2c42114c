import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { DatabaseUnreachableError } from '../prisma/database';

/** A Prisma client for CLI commands; checks the connection so failures are one line. */
export async function connectPrisma(url: string, role: { options?: string } = {}): Promise<PrismaClient> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4, ...role }) });
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch (e) {
    await prisma.$disconnect().catch(() => undefined);
    throw new DatabaseUnreachableError(url, e);
  }
  return prisma;
}
