import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, testPrisma } from '../support/harness';

describe('pseudonymised authors and identity reveal', () => {
  let api: INestApplication;
  let prisma: PrismaClient;
  let alice: string; // reviewer, unit-i
  let sue: string; // supervisor, unit-i
  let analyst: string;
  let auditor: string;
  let pseudonym: string;
  const HANDLE = '@Fake_Crossing_Agent_77';

  const server = () => api.getHttpServer();
  const investigation = (key: string) => ({ Authorization: `Bearer ${key}`, 'X-Purpose': 'investigation', 'X-Case-Reference': 'CASE-ID-1' });

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    alice = await apiKey(prisma, 'reviewer', 'unit-i');
    sue = await apiKey(prisma, 'supervisor', 'unit-i');
    analyst = await apiKey(prisma, 'analyst', 'analysis');
    auditor = await apiKey(prisma, 'auditor', 'oversight-body');
    const [p] = posts(1);
    const res = await request(server()).post('/v1/ingest/batches').set('Authorization', `Bearer ${alice}`)
      .send({ provenance: PROVENANCE, posts: [{ ...p, authorHandle: HANDLE, raw: { id: 1, from: HANDLE, text: p!.text } }] }).expect(202);
    pseudonym = (await prisma.post.findFirstOrThrow({ where: { batchId: res.body.batchId } })).authorPseudonym;
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  it('stores the handle only sealed: no table holds it in clear', async () => {
    const rows = await prisma.$queryRaw<{ hit: bigint }[]>`
      SELECT (SELECT count(*) FROM post WHERE raw_payload::text ILIKE ${'%fake_crossing_agent_77%'} OR text ILIKE ${'%fake_crossing_agent_77%'})
           + (SELECT count(*) FROM author_identity WHERE sealed ILIKE ${'%fake_crossing_agent_77%'})
           + (SELECT count(*) FROM audit_event WHERE details::text ILIKE ${'%fake_crossing_agent_77%'}) AS hit`;
    expect(Number(rows[0]!.hit)).toBe(0);
    expect(await prisma.authorIdentity.count({ where: { pseudonym } })).toBe(1);
  });

  it('reveals an identity only after another supervisor approves, once, to the requester, audited', async () => {
    await request(server()).post('/v1/reveals').set({ ...investigation(alice), 'X-Case-Reference': '' }).send({ pseudonym, justification: 'the account posts crossing offers in case CASE-ID-1' }).expect(403);
    const asked = await request(server()).post('/v1/reveals').set(investigation(alice)).send({ pseudonym, justification: 'the account posts crossing offers in case CASE-ID-1' }).expect(201);
    const id: string = asked.body.id;
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(403); // not approved yet
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(alice)).send({ approve: true }).expect(403); // a reviewer cannot approve
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(sue)).send({ approve: true }).expect(201);
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(sue)).expect(403); // only the requester reads
    const revealed = await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(201);
    expect(revealed.body).toEqual({ pseudonym, platform: 'telegram', authorHandle: HANDLE });
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(403); // once
    const actions = (await prisma.auditEvent.findMany({ where: { resourceType: 'reveal_request', resourceId: id, outcome: 'success' }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['identity.request', 'identity.approve', 'identity.reveal']);
  });

  it('never gives an identity to analysts or auditors, through any route', async () => {
    const asked = await request(server()).post('/v1/reveals').set(investigation(alice)).send({ pseudonym, justification: 'second look for the same investigation' }).expect(201);
    for (const key of [analyst, auditor]) {
      await request(server()).post('/v1/reveals').set(investigation(key)).send({ pseudonym, justification: 'trying to see who this is, please' }).expect(403);
      await request(server()).post(`/v1/reveals/${asked.body.id}/decision`).set(investigation(key)).send({ approve: true }).expect(403);
      await request(server()).post(`/v1/reveals/${asked.body.id}/identity`).set(investigation(key)).expect(403);
      await request(server()).get('/v1/flags').set({ Authorization: `Bearer ${key}`, 'X-Purpose': 'review' }).expect(403);
    }
    const exported = await request(server()).get('/v1/audit/export').set({ Authorization: `Bearer ${auditor}`, 'X-Purpose': 'oversight' }).buffer(true)
      .parse((r, cb) => { let d = ''; r.on('data', (c: Buffer) => (d += c.toString())); r.on('end', () => cb(null, d)); }).expect(200);
    expect(String(exported.body).toLowerCase()).not.toContain('fake_crossing_agent_77');
  });
});
