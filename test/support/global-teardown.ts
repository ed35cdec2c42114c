/** Drops the run's database and deletes the run's Redis keys. */
import IORedis from 'ioredis';
import { dropTestDatabase } from '../../src/prisma/database';

export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DB !== '1' && process.env.DATABASE_URL?.includes('_test')) await dropTestDatabase(process.env.DATABASE_URL);
  const prefix = process.env.QUEUE_PREFIX;
  if (!prefix?.startsWith('smugwatch-test-')) return;
  const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}
