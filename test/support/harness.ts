/**
 * Test harness: the real API (supertest over its HTTP server), real workers on real BullMQ, real
 * PostgreSQL through Prisma. Nothing is mocked.
 */
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { createApp } from '../../src/app.factory';
import { PrincipalRepository } from '../../src/auth/principal.repository';
import { PrismaClient } from '../../src/generated/prisma/client';
import type { RoleName } from '../../src/policy/domain/policy.schema';
import { WorkerModule } from '../../src/worker.module';

export function testPrisma(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });
}

export async function startApi(): Promise<INestApplication> {
  const app = await createApp({ logger: false });
  await app.init();
  return app;
}

export async function startWorker(): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  await ctx.init();
  return ctx;
}

/** A principal with a fresh key. */
export async function apiKey(prisma: PrismaClient, role: RoleName, unit = 'unit-test'): Promise<string> {
  const r = await new PrincipalRepository(prisma).createKey(`${role}-${randomUUID().slice(0, 8)}`, role, unit);
  return r.key;
}

export const PROVENANCE = {
  sourcePlatform: 'telegram',
  collectionMethod: 'manual_capture',
  legalBasis: 'Test authorisation 2026/001',
  collectedBy: 'officer-test-01',
  collectedAt: '2026-11-20T10:00:00Z',
};

const OFFER = 'Boat to Italy from Zuwara every week, 2500 euro, safe and guaranteed arrival, contact WhatsApp +44 7700 900';
const BENIGN = 'Warning from our aid group: never pay anyone for a sea crossing, it is dangerous. Call the helpline for legal advice.';

/** `n` posts with unique ids; every `offerEvery`-th one is a plain smuggling offer, the rest benign. */
export function posts(n: number, opts: { offerEvery?: number; tag?: string } = {}) {
  const tag = opts.tag ?? randomUUID().slice(0, 8);
  const every = opts.offerEvery ?? 2;
  return Array.from({ length: n }, (_, i) => ({
    platform: 'telegram',
    platformPostId: `${tag}-${i}`,
    url: `https://t.me/fake_channel_${tag}/${i}`,
    authorHandle: `@fake_user_${i % 7}`,
    text: i % every === 0 ? `${OFFER}${String(100 + (i % 900)).padStart(3, '0')}` : BENIGN,
    postedAt: '2026-11-19T08:00:00Z',
    visibility: 'public',
  }));
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(probe: () => Promise<T>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
