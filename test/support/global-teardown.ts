/** Drops the run's database and deletes the run's Redis keys. */
import { dropTestDatabase } from '../../src/prisma/database';
import { deleteKeysWithPrefix } from '../../src/queue/redis';

export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DB !== '1' && process.env.DATABASE_URL?.includes('_test')) await dropTestDatabase(process.env.DATABASE_URL);
  const prefix = process.env.QUEUE_PREFIX;
  if (prefix?.startsWith('smugwatch-test-')) await deleteKeysWithPrefix(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix);
}
