import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

describe('transparency report', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let auditor: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    auditor = await apiKey(prisma, 'auditor', 'oversight-body');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  it('counts posts, flags and denials by month and language, as JSON and CSV, for auditors only', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const reviewer = await apiKey(prisma, 'reviewer', 'unit-t');
    const res = await request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`).send({ provenance: PROVENANCE, posts: posts(6) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 6);
    await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${reviewer}`).query({ from, to: new Date(Date.now() + 60_000).toISOString() }).expect(403);
    const to = new Date(Date.now() + 60_000).toISOString();

    const json = await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from, to }).expect(200);
    const eng = json.body.rows.find((r: { language: string }) => r.language === 'eng');
    expect(eng.postsIngested).toBe(0); // posts are counted at ingest, when their language is not yet known
    expect(eng.flagsRaised).toBeGreaterThanOrEqual(3);
    expect(eng.pending).toBeLessThanOrEqual(eng.flagsRaised);
    const all = json.body.rows.find((r: { language: string }) => r.language === 'all');
    expect(all.postsIngested).toBeGreaterThanOrEqual(6);
    expect(all.deniedRequests).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(json.body)).not.toMatch(/Boat to Italy|fake_user/); // counts only

    const csv = await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from, to, format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('month,language,postsIngested,flagsRaised,confirmed,dismissed,escalated,pending,identityReveals,evidenceExports,deniedRequests,erasures');
    const bad = await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from: to, to: from }).expect(400);
    expect(bad.body.message).toMatch(/from must be before to/);
  });

  it('counts posts ingested from the collection events, so the figure does not shrink when retention deletes posts', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const reviewer = await apiKey(prisma, 'reviewer', 'unit-t2');
    const server = api.getHttpServer();
    const ingested = async () => {
      const json = await request(server).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from, to }).expect(200);
      const rows = json.body.rows as { language: string; postsIngested: number }[];
      expect(rows.filter((r) => r.language !== 'all' && r.postsIngested !== 0)).toEqual([]);
      return rows.reduce((n, r) => n + r.postsIngested, 0);
    };
    const before = await ingested();
    const batch = posts(5);
    const first = await request(server).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`).send({ provenance: PROVENANCE, posts: batch }).expect(202);
    // a resubmission: all duplicates, nothing accepted, nothing counted
    expect((await request(server).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`).send({ provenance: PROVENANCE, posts: batch }).expect(202)).body).toMatchObject({ accepted: 0, duplicate: 5 });
    // a post refused at ingest is not counted either
    expect((await request(server).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`).send({ provenance: PROVENANCE, posts: [...posts(2), { ...posts(1)[0]!, text: '\u200b' }] }).expect(202)).body).toMatchObject({ accepted: 2, rejected: 1 });
    await waitFor(async () => (await prisma.post.count({ where: { batchId: first.body.batchId, status: 'classified' } })) === 5);
    expect(await ingested()).toBe(before + 7);

    // what retention does to unflagged posts (src/retention/enforce.ts): the posts go, the count stays
    const unflagged = (await prisma.post.findMany({ where: { batchId: first.body.batchId, flags: { none: {} } }, select: { id: true } })).map((p) => p.id);
    expect(unflagged.length).toBeGreaterThan(0);
    await prisma.classification.deleteMany({ where: { postId: { in: unflagged } } });
    await prisma.post.deleteMany({ where: { id: { in: unflagged } } });
    expect(await ingested()).toBe(before + 7);
  });

  it('counts evidence exports and identity reveals that happened, not the access decisions on the way', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const rev = await apiKey(prisma, 'reviewer', 'unit-x');
    const sup = await apiKey(prisma, 'supervisor', 'unit-x');
    const h = (key: string, purpose = 'investigation') => ({ Authorization: `Bearer ${key}`, 'X-Purpose': purpose, 'X-Case-Reference': 'CASE-REP-1' });
    const server = api.getHttpServer();
    const res = await request(server).post('/v1/ingest/batches').set(h(rev)).send({ provenance: PROVENANCE, posts: posts(4) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 4);
    const flags = (await prisma.flag.findMany({ where: { post: { batchId: res.body.batchId } }, orderBy: { id: 'asc' }, select: { id: true } })).map((f) => f.id);
    expect(flags.length).toBeGreaterThanOrEqual(2);
    await request(server).post(`/v1/flags/${flags[0]}/claim`).set(h(rev, 'review')).expect(201);
    await request(server).post(`/v1/flags/${flags[0]}/decisions`).set(h(rev, 'review')).send({ verdict: 'confirmed', rationale: 'price, route and contact: a crossing offer' }).expect(201);
    const body = { flagIds: [flags[0]], recipient: 'Court of Z (transparency report test)', legalBasis: 'Art. 12 order 2026/3' };
    // attempts that export nothing: denied (a reviewer, twice), allowed but refused (a flag not confirmed), invalid
    await request(server).post('/v1/evidence/packages').set(h(rev)).send(body).expect(403);
    await request(server).post('/v1/evidence/packages').set(h(rev)).send(body).expect(403);
    await request(server).post('/v1/evidence/packages').set(h(sup)).send({ ...body, flagIds: [flags[1]] }).expect(409);
    await request(server).post('/v1/evidence/packages').set(h(sup)).send({ ...body, recipient: '' }).expect(400);
    await request(server).post('/v1/evidence/packages').set(h(sup)).send(body).expect(201);
    await request(server).post('/v1/evidence/packages').set(h(sup)).send(body).expect(201);
    const to = new Date(Date.now() + 60_000).toISOString();
    expect(await prisma.auditEvent.count({ where: { action: 'evidence.export', occurredAt: { gte: new Date(from) } } })).toBeGreaterThan(2); // what the report used to count

    const json = await request(server).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from, to }).expect(200);
    const all = json.body.rows.filter((r: { language: string }) => r.language === 'all');
    const sum = (k: string) => all.reduce((n: number, r: Record<string, number>) => n + (r[k] ?? 0), 0);
    expect(sum('evidenceExports')).toBe(2); // two packages
    expect(sum('identityReveals')).toBe(2); // one post in each, its author's identity disclosed to the recipient
    expect(sum('erasures')).toBe(0);
    expect(sum('deniedRequests')).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [{ from: 'yesterday', to: '2026-12-01' }, ['from'], /^from: expected an ISO 8601 date \(2026-11-01\) or date-time/],
    [{ from: '2026-11-01', to: '2026-13-45' }, ['to'], /^to: expected an ISO 8601 date/],
    [{ from: '2026-12-01', to: '2026-11-01' }, ['from'], /from must be before to/],
    [{ from: '2026-11-01', to: '2026-12-01', format: 'xml' }, ['format'], /^format: /],
    [{ from: '2026-11-01', to: '2026-12-01', form: 'x' }, ['form'], /unknown parameter\(s\): form/],
  ])('answers 400 naming the bad parameter in details.parameters: %j', async (query, parameters, message) => {
    const res = await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query(query).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'REPORT.BAD_QUERY', details: { parameters } });
    expect(res.body.message).toMatch(message);
    expect(res.body.message).not.toMatch(/Invalid input/);
  });
});
