import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, testPrisma } from '../support/harness';

describe('bad input and access', () => {
  let api: INestApplication;
  let prisma: PrismaClient;
  let reviewer: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    reviewer = await apiKey(prisma, 'reviewer');
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  const post = (body: string | object, type = 'application/json') =>
    request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`).set('Content-Type', type).send(body);

  it('answers 400 with the field path when the provenance is incomplete, and stores nothing', async () => {
    const before = await prisma.ingestBatch.count();
    const { legalBasis: _omit, ...noBasis } = PROVENANCE;
    const res = await post({ provenance: noBasis, posts: posts(2) }).expect(400);
    expect(res.body.code).toBe('INGEST.INVALID_BATCH');
    expect(res.body.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'provenance.legalBasis' })]));
    expect(await prisma.ingestBatch.count()).toBe(before);
  });

  it('answers 400 with line and column for malformed JSON', async () => {
    const res = await post('{"provenance": {\n  "sourcePlatform": }').expect(400);
    expect(res.body.details).toMatchObject({ line: 2, column: 21 });
    expect(res.body.message).toMatch(/line 2, column 21/);
  });

  it('answers 400 with the byte offset for invalid UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"provenance": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    // octet-stream so that the client sends the bytes as they are (the API parses JSON whatever the type)
    const res = await post(body as unknown as string, 'application/octet-stream').expect(400);
    expect(res.body.details).toEqual({ byteOffset: 16 });
  });

  it('answers 413 with a JSON body when the body is over the limit', async () => {
    const big = JSON.stringify({ provenance: PROVENANCE, posts: [{ text: 'x'.repeat(11 * 1024 * 1024) }] });
    const res = await post(big).expect(413);
    expect(res.body.code).toBe('BODY.TOO_LARGE');
  });

  it('refuses a missing or wrong API key with 401 and records the denial', async () => {
    const server = api.getHttpServer();
    const none = await request(server).get('/v1/flags').set('X-Request-Id', 'no-key-probe').expect(401);
    expect(none.body.code).toBe('AUTH.UNAUTHENTICATED');
    await request(server).get('/v1/flags').set('Authorization', 'Bearer sw_wrongwrongwrongwrongwrongwrong').set('X-Request-Id', 'bad-key-probe').expect(401);
    const denials = await prisma.auditEvent.findMany({ where: { requestId: { in: ['no-key-probe', 'bad-key-probe'] } }, orderBy: { seq: 'asc' } });
    expect(denials.map((d) => [d.outcome, d.action, d.reason])).toEqual([
      ['deny', 'flags.list', expect.stringMatching(/no API key/)],
      ['deny', 'flags.list', expect.stringMatching(/unknown or revoked/)],
    ]);
  });

  it('refuses a role the policy does not list (403, audited) and names a missing purpose', async () => {
    const analyst = await apiKey(prisma, 'analyst');
    const res = await request(api.getHttpServer()).get('/v1/flags').set('Authorization', `Bearer ${analyst}`).set('X-Purpose', 'review').set('X-Request-Id', 'analyst-probe').expect(403);
    expect(res.body.message).toMatch(/no policy permits role "analyst" to perform flags.list/);
    expect(await prisma.auditEvent.count({ where: { requestId: 'analyst-probe', outcome: 'deny' } })).toBe(1);
    const noPurpose = await request(api.getHttpServer()).get('/v1/flags').set('Authorization', `Bearer ${reviewer}`).expect(403);
    expect(noPurpose.body.details).toEqual({ missing: ['X-Purpose'], policyIds: ['purpose.declared-for-content'] });
  });

  it('answers 400 naming the bad query parameter', async () => {
    const res = await request(api.getHttpServer()).get('/v1/flags?minScore=2').set('Authorization', `Bearer ${reviewer}`).set('X-Purpose', 'review').expect(400);
    expect(res.body.message).toMatch(/minScore/);
  });

  it('serves health without a key and metrics only with one', async () => {
    const h = await request(api.getHttpServer()).get('/health').expect(200);
    expect(h.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    await request(api.getHttpServer()).get('/metrics').expect(401);
    const admin = await apiKey(prisma, 'admin');
    const m = await request(api.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(m.text).toMatch(/smugwatch_queue_jobs\{state="waiting"\}/);
    expect(m.text).toMatch(/smugwatch_http_request_duration_seconds_bucket/);
    expect(m.text).toMatch(/# TYPE smugwatch_classifications gauge/);
  });
});
