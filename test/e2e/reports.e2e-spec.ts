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
    expect(eng.postsIngested).toBeGreaterThanOrEqual(6);
    expect(eng.flagsRaised).toBeGreaterThanOrEqual(3);
    expect(eng.pending).toBeLessThanOrEqual(eng.flagsRaised);
    const all = json.body.rows.find((r: { language: string }) => r.language === 'all');
    expect(all.deniedRequests).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(json.body)).not.toMatch(/Boat to Italy|fake_user/); // counts only

    const csv = await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from, to, format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('month,language,postsIngested,flagsRaised,confirmed,dismissed,escalated,pending,identityReveals,evidenceExports,deniedRequests,erasures');
    const bad = await request(api.getHttpServer()).get('/v1/reports/transparency').set('Authorization', `Bearer ${auditor}`).query({ from: to, to: from }).expect(400);
    expect(bad.body.message).toMatch(/from must be before to/);
  });
});
