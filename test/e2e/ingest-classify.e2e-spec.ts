import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

describe('ingest → queue → classify → flag → audit', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let reviewer: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    reviewer = await apiKey(prisma, 'reviewer');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  const submit = (body: unknown, key = reviewer) =>
    request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${key}`).send(body as object);
  const batchStatus = (id: string) =>
    request(api.getHttpServer()).get(`/v1/ingest/batches/${id}`).set('Authorization', `Bearer ${reviewer}`);

  it('classifies every accepted post and flags the offers, with audit events', async () => {
    const res = await submit({ provenance: PROVENANCE, posts: posts(10) }).expect(202);
    expect(res.body).toMatchObject({ received: 10, accepted: 10, duplicate: 0, rejected: 0, queued: 10 });
    const batchId: string = res.body.batchId;

    const done = await waitFor(async () => {
      const s = await batchStatus(batchId).expect(200);
      return s.body.counts.classified === 10 ? s.body : null;
    });
    expect(done.counts.flagged).toBe(5);

    const flags = await request(api.getHttpServer())
      .get(`/v1/flags?batchId=${batchId}&status=pending`)
      .set('Authorization', `Bearer ${reviewer}`)
      .set('X-Purpose', 'review')
      .expect(200);
    expect(flags.body.total).toBe(5);
    expect(flags.body.flags[0].topRules.length).toBeGreaterThan(0);

    const one = await request(api.getHttpServer())
      .get(`/v1/flags/${flags.body.flags[0].id}`)
      .set('Authorization', `Bearer ${reviewer}`)
      .set('X-Purpose', 'review')
      .set('X-Case-Reference', 'CASE-2026-17')
      .expect(200);
    expect(one.body.post.authorPseudonym).toMatch(/^ps_[0-9a-f]{32}$/);
    expect(JSON.stringify(one.body)).not.toContain('fake_user_');
    expect(one.body.classification.explanation.hits.length).toBeGreaterThan(0);
    expect(one.body.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['classification', 'flag']));
    // the five offers are near-duplicates of one another: the flag shows its cluster
    expect(one.body.cluster.size).toBeGreaterThanOrEqual(5);
    // (siblings come in no set order, and posts of other tests may share the offers' phone number only)
    const nearDuplicates = one.body.cluster.siblings.filter((s: { reasons: Array<{ kind: string }> }) => s.reasons.some((r) => r.kind === 'near_duplicate'));
    expect(nearDuplicates.length).toBeGreaterThanOrEqual(4);
    expect(await prisma.auditEvent.count({ where: { action: 'combination', resourceId: one.body.id } })).toBe(1);
    expect(JSON.stringify(await prisma.postClusterKey.findMany({ where: { postId: one.body.post.id } }))).not.toMatch(/7700/);

    const postIds = (await prisma.post.findMany({ where: { batchId }, select: { id: true } })).map((p) => p.id);
    const events = await prisma.auditEvent.groupBy({ by: ['action'], where: { resourceId: { in: postIds } }, _count: { _all: true } });
    expect(Object.fromEntries(events.map((e) => [e.action, e._count._all]))).toEqual({ classification: 10 });
    expect(await prisma.auditEvent.count({ where: { action: 'collection', resourceId: batchId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: 'consultation', resourceType: 'flag', caseReference: 'CASE-2026-17' } })).toBe(1);
  });

  it('reports a resubmission of the same posts as duplicates and stores nothing twice', async () => {
    const batch = posts(4, { tag: 'dup-test' });
    const first = await submit({ provenance: PROVENANCE, posts: batch }).expect(202);
    expect(first.body).toMatchObject({ accepted: 4, duplicate: 0 });
    const again = await submit({ provenance: PROVENANCE, posts: [...batch, batch[0]] }).expect(202);
    expect(again.body).toMatchObject({ received: 5, accepted: 0, duplicate: 5, queued: 0 });
    expect(await prisma.post.count({ where: { platformPostId: { startsWith: 'dup-test-' } } })).toBe(4);
    const s = await batchStatus(again.body.batchId).expect(200);
    expect(s.body.counts).toMatchObject({ received: 5, accepted: 0, duplicate: 5, rejected: 0 });
  });

  it('rejects a non-public post with its reason and keeps the rest', async () => {
    const batch = posts(3);
    batch[1] = { ...batch[1]!, visibility: 'friends' };
    const res = await submit({ provenance: PROVENANCE, posts: batch }).expect(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.rejections[0]).toMatchObject({ index: 1, field: 'posts[1].visibility' });
    expect(res.body.rejections[0].reason).toMatch(/public/);
  });

  it('accepts NDJSON with the provenance on the first line and reports bad lines by number', async () => {
    const [a, b] = posts(2);
    const body = [JSON.stringify({ provenance: PROVENANCE }), JSON.stringify(a), '{"broken": ', JSON.stringify(b)].join('\n');
    const res = await request(api.getHttpServer())
      .post('/v1/ingest/batches')
      .set('Authorization', `Bearer ${reviewer}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(body)
      .expect(202);
    expect(res.body).toMatchObject({ received: 3, accepted: 2, rejected: 1 });
    expect(res.body.rejections[0]).toMatchObject({ line: 3 });
  });
});
