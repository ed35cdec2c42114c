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
