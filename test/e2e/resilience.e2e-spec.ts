import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { SweepService } from '../../src/detection/sweep.service';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { QUEUE } from '../../src/queue/queue.constants';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

describe('resilience of the queue', () => {
  let api: INestApplication;
  let prisma: PrismaClient;
  let reviewer: string;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    reviewer = await apiKey(prisma, 'reviewer');
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  const classifiedIn = (batchId: string) => prisma.post.count({ where: { batchId, status: 'classified' } });

  it('classifies every post after the Redis queue is wiped mid-run (the sweep re-enqueues them)', async () => {
    const res = await request(api.getHttpServer())
      .post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`)
      .send({ provenance: PROVENANCE, posts: posts(40) }).expect(202);
    const batchId: string = res.body.batchId;
    const queue = api.get<Queue>(getQueueToken(QUEUE.classify));
    expect(await queue.getWaitingCount()).toBeGreaterThanOrEqual(40);
    await queue.obliterate({ force: true }); // Redis loses the queue before any worker ran
    expect(await queue.getWaitingCount()).toBe(0);

    const worker = await startWorker();
    workers.push(worker);
    await new Promise((r) => setTimeout(r, 300));
    expect(await classifiedIn(batchId)).toBe(0); // nothing in the queue: nothing classified

    const requeued = await worker.get(SweepService).sweep(new Date(), 0);
    expect(requeued).toBeGreaterThanOrEqual(40);
    await waitFor(async () => (await classifiedIn(batchId)) === 40);
    expect(await prisma.classification.count({ where: { post: { batchId } } })).toBe(40);
  });

  it('two workers on the same Redis never classify a post twice', async () => {
    workers.push(await startWorker(), await startWorker());
    const res = await request(api.getHttpServer())
      .post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`)
      .send({ provenance: PROVENANCE, posts: posts(120) }).expect(202);
    const batchId: string = res.body.batchId;
    // The sweep also enqueues the same posts while they are in flight: deterministic job ids dedupe it.
    await workers[0]!.get(SweepService).sweep(new Date(), 0);
    await waitFor(async () => (await classifiedIn(batchId)) === 120);
    await new Promise((r) => setTimeout(r, 300));

    const perPost = await prisma.classification.groupBy({ by: ['postId'], where: { post: { batchId } }, _count: { _all: true } });
    expect(perPost).toHaveLength(120);
    expect(perPost.every((p) => p._count._all === 1)).toBe(true);
    const byWorker = await prisma.classification.groupBy({ by: ['workerId'], where: { post: { batchId } }, _count: { _all: true } });
    expect(byWorker.reduce((n, w) => n + w._count._all, 0)).toBe(120);
    const ids = (await prisma.post.findMany({ where: { batchId }, select: { id: true } })).map((p) => p.id);
    expect(await prisma.auditEvent.count({ where: { action: 'classification', resourceId: { in: ids } } })).toBe(120);
  });
});
