/**
 * Redis connection options for BullMQ from a URL, and a reachability check with a one-line error.
 */
import IORedis, { type RedisOptions } from 'ioredis';
import { maskUrl } from '../config/env';

export function redisConnection(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null, // required by BullMQ workers
  };
}

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach Redis at ${maskUrl(url)}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Resolves like `p`, or rejects after `ms` milliseconds (Redis commands wait forever while it is down). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Deletes every key under `prefix:` (demo, benchmark and test runs clean up their own keys). @returns keys deleted */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  if (!/^[a-z0-9_-]+$/i.test(prefix)) throw new Error(`refusing odd key prefix "${prefix}"`);
  const redis = new IORedis({ ...redisConnection(url), maxRetriesPerRequest: 1 });
  let cursor = '0';
  let deleted = 0;
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Pings Redis once. @throws RedisUnreachableError within about `timeoutMs` */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new IORedis({ ...redisConnection(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: unknown;
  client.on('error', (e) => (lastError = e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new RedisUnreachableError(url, lastError ?? e);
  } finally {
    client.disconnect();
  }
}
