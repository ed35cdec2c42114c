import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import type { RetentionPolicy } from '../../src/policy/domain/policy.schema';
import { ERASED, enforceRetention } from '../../src/retention/enforce';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

const DAY = 86_400_000;
const POLICY: RetentionPolicy = {
  version: 1, unflaggedPostsDays: 90, dismissedFlagsDays: 180, confirmedFlagsDays: 1825, evidencePackagesDays: 1825, auditEventsDays: 365,
  legalHolds: [{ caseReference: 'HOLD-RET-1', reason: 'kept for proceedings' }],
};

describe('retention with a fake clock', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let reviewer: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    reviewer = await apiKey(prisma, 'reviewer', 'unit-ret');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  async function ingest(caseReference?: string): Promise<string> {
    const res = await request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`)
      .send({ provenance: { ...PROVENANCE, ...(caseReference ? { caseReference } : {}) }, posts: posts(4) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 4);
    return res.body.batchId;
  }

  it('deletes exactly what the policy says, spares legal holds, and audits each erasure without content', async () => {
    const open = await ingest();
    const held = await ingest('HOLD-RET-1');
    const dismissedFlag = (await prisma.flag.findFirstOrThrow({ where: { post: { batchId: open } } })).id;
    await prisma.flag.update({ where: { id: dismissedFlag }, data: { status: 'dismissed' } });
    const now = Date.now();

    const early = await enforceRetention(prisma, POLICY, new Date(now + 30 * DAY));
    expect(early.unflaggedPostsDeleted).toBe(0); // nothing is old enough yet
    expect(await prisma.post.count({ where: { batchId: open } })).toBe(4);

    const r1 = await enforceRetention(prisma, POLICY, new Date(now + 100 * DAY));
    expect(r1.unflaggedPostsDeleted).toBeGreaterThanOrEqual(2);
    expect(await prisma.post.count({ where: { batchId: open } })).toBe(2); // the two flagged posts stay
    expect(await prisma.post.count({ where: { batchId: held } })).toBe(4); // legal hold
    expect(r1.dismissedPostsErased).toBe(0); // 100 days < 180

    const r2 = await enforceRetention(prisma, POLICY, new Date(now + 200 * DAY));
    expect(r2.dismissedPostsErased).toBeGreaterThanOrEqual(1); // other suites may have dismissed flags too
    const erased = await prisma.flag.findUniqueOrThrow({ where: { id: dismissedFlag }, include: { post: true, classification: true } });
    expect(erased.post.text).toBe(ERASED);
    expect(erased.post.rawPayload).toEqual({ erased: true });
    expect(erased.classification.explanation).toEqual({ erased: true });
    const confirmedLike = await prisma.flag.findFirstOrThrow({ where: { post: { batchId: open }, id: { not: dismissedFlag } }, include: { post: true } });
    expect(confirmedLike.post.text).not.toBe(ERASED); // pending flag: not a dismissed one

    const events = await prisma.auditEvent.findMany({ where: { action: 'erasure' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.resourceType)).toEqual(expect.arrayContaining(['unflagged_posts', 'dismissed_flag_content']));
    for (const e of events) expect(JSON.stringify(e.details)).not.toMatch(/Boat|Warning|fake_/);
  });
});
