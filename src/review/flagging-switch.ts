/**
 * The whole-queue stop: while `flagging.paused` is set, the pipeline keeps scoring posts but raises
 * no flags. Plain TS over a Prisma client (read by workers, set by admins through the API).
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client';

export const FLAGGING_PAUSED = 'flagging.paused';

export async function isFlaggingPaused(db: PrismaClient | Prisma.TransactionClient): Promise<boolean> {
  const s = await db.systemSetting.findUnique({ where: { key: FLAGGING_PAUSED } });
  return s?.value === true;
}
