import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, testPrisma } from '../support/harness';

describe('pseudonymised authors and identity reveal', () => {
  let api: INestApplication;
  let prisma: PrismaClient;
  let alice: string; // reviewer, unit-i
  let sue: string; // supervisor, unit-i
  let sid: string; // another supervisor, unit-i
  let rex: string; // reviewer, unit-j (another unit)
  let sam: string; // supervisor, unit-j
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
    sid = await apiKey(prisma, 'supervisor', 'unit-i');
    rex = await apiKey(prisma, 'reviewer', 'unit-j');
    sam = await apiKey(prisma, 'supervisor', 'unit-j');
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
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(409); // not approved yet
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(alice)).send({ approve: true }).expect(403); // a reviewer cannot approve
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(sue)).send({ approve: true }).expect(201);
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(sue)).expect(403); // only the requester reads
    const revealed = await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(201);
    expect(revealed.body).toEqual({ pseudonym, platform: 'telegram', authorHandle: HANDLE });
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(409); // once
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
  const JUSTIFICATION = 'the account posts crossing offers in case CASE-ID-1';
  const ask = async (key: string, headers: Record<string, string> = {}) =>
    (await request(server()).post('/v1/reveals').set({ ...investigation(key), ...headers }).send({ pseudonym, justification: JUSTIFICATION }).expect(201)).body.id as string;
  const denials = (requestId: string) => prisma.auditEvent.findMany({ where: { requestId, outcome: 'deny' } });

  it('lets only a unit whose posts carry the pseudonym ask for it, and only that unit approve', async () => {
    // the pseudonym is only on a post of unit-i: for unit-j it answers as an unknown pseudonym would
    const other = await request(server()).post('/v1/reveals').set(investigation(rex)).set('X-Request-Id', 'reveal-other-unit-probe').send({ pseudonym, justification: JUSTIFICATION }).expect(404);
    const unknownPseudonym = `ps_${'0'.repeat(32)}`;
    const unknown = await request(server()).post('/v1/reveals').set(investigation(rex)).send({ pseudonym: unknownPseudonym, justification: JUSTIFICATION }).expect(404);
    expect(other.body.code).toBe(unknown.body.code);
    expect(other.body.message.replace(pseudonym, 'P')).toBe(unknown.body.message.replace(unknownPseudonym, 'P'));
    expect(JSON.stringify(other.body.details).replace(pseudonym, 'P')).toBe(JSON.stringify(unknown.body.details).replace(unknownPseudonym, 'P'));
    expect(await prisma.revealRequest.count({ where: { pseudonym, unit: 'unit-j' } })).toBe(0);
    expect((await denials('reveal-other-unit-probe')).map((e) => e.action)).toEqual(['identity.request']);
    // a supervisor of another unit cannot approve unit-i's request (and is not told it exists)
    const id = await ask(alice);
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(sam)).send({ approve: true }).expect(404);
    // a request recorded for a unit whose posts do not carry the pseudonym (as before this check) is not approvable
    const stray = await prisma.revealRequest.create({ data: { pseudonym, requesterId: (await prisma.principal.findFirstOrThrow({ where: { unit: 'unit-j', role: 'reviewer' } })).id, unit: 'unit-j', caseReference: 'CASE-ID-1', purpose: 'investigation', justification: JUSTIFICATION } });
    const refused = await request(server()).post(`/v1/reveals/${stray.id}/decision`).set(investigation(sam)).send({ approve: true }).expect(409);
    expect(refused.body.code).toBe('IDENTITY.NOT_IN_UNIT');
    expect((await prisma.revealRequest.findUniqueOrThrow({ where: { id: stray.id } })).status).toBe('pending');
  });

  it('ties a reveal to the case it was asked for: approving and reading need the same case reference', async () => {
    const id = await ask(alice);
    await request(server()).post(`/v1/reveals/${id}/decision`).set({ ...investigation(sue), 'X-Case-Reference': '' }).send({ approve: true }).expect(403);
    const wrongApprove = await request(server()).post(`/v1/reveals/${id}/decision`).set({ ...investigation(sue), 'X-Case-Reference': 'UNRELATED-99' }).send({ approve: true }).expect(403);
    expect(wrongApprove.body).toMatchObject({ code: 'IDENTITY.WRONG_CASE', details: { expectedCaseReference: 'CASE-ID-1' } });
    expect(wrongApprove.body.message).toContain('CASE-ID-1');
    expect((await prisma.revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe('pending');
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(sue)).send({ approve: true }).expect(201);
    const wrongRead = await request(server()).post(`/v1/reveals/${id}/identity`).set({ ...investigation(alice), 'X-Case-Reference': 'UNRELATED-99', 'X-Request-Id': 'reveal-wrong-case-probe' }).expect(403);
    expect(wrongRead.body).toMatchObject({ code: 'IDENTITY.WRONG_CASE', details: { expectedCaseReference: 'CASE-ID-1' } });
    expect(wrongRead.body.message).toContain('CASE-ID-1');
    expect(JSON.stringify(wrongRead.body).toLowerCase()).not.toContain('fake_crossing_agent_77');
    expect((await denials('reveal-wrong-case-probe')).map((e) => [e.action, e.caseReference])).toEqual([['identity.read', 'UNRELATED-99']]);
    expect(await prisma.auditEvent.count({ where: { action: 'identity.reveal', resourceId: id } })).toBe(0);
    const read = await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(201);
    expect(read.body.authorHandle).toBe(HANDLE);
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { action: 'identity.reveal', resourceId: id } })).caseReference).toBe('CASE-ID-1');
  });

  it('tells a malformed, an unknown, a self-approved and an out-of-turn reveal apart, and audits each refusal', async () => {
    const probe = (n: string) => ({ 'X-Request-Id': `reveal-status-${n}` });
    // malformed id: 400; unknown id: 404
    for (const path of ['decision', 'identity']) {
      const key = path === 'decision' ? sue : alice;
      const bad = await request(server()).post(`/v1/reveals/not-a-uuid/${path}`).set({ ...investigation(key), ...probe(`bad-${path}`) }).send({ approve: true }).expect(400);
      expect(bad.body.code).toBe('HTTP.BAD_ID');
      const missing = await request(server()).post(`/v1/reveals/00000000-0000-4000-8000-00000000abcd/${path}`).set({ ...investigation(key), ...probe(`unknown-${path}`) }).send({ approve: true }).expect(404);
      expect(missing.body.code).toBe('NOT_FOUND');
      expect(await denials(`reveal-status-bad-${path}`)).toHaveLength(1);
      expect(await denials(`reveal-status-unknown-${path}`)).toHaveLength(1);
    }
    // self-approval: 403 that says why, with the policy that forbids it
    const own = await ask(sue);
    const self = await request(server()).post(`/v1/reveals/${own}/decision`).set({ ...investigation(sue), ...probe('self') }).send({ approve: true }).expect(403);
    expect(self.body.message).toMatch(/own reveal request/);
    expect(self.body.details.policyIds).toEqual(['identity.no-self-approval']);
    expect(await denials('reveal-status-self')).toHaveLength(1);
    // wrong state: 409 with the state named
    const id = await ask(alice);
    const early = await request(server()).post(`/v1/reveals/${id}/identity`).set({ ...investigation(alice), ...probe('early') }).expect(409);
    expect(early.body).toMatchObject({ code: 'IDENTITY.NOT_APPROVED' });
    expect(early.body.message).toMatch(/not approved yet/);
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(sue)).send({ approve: true }).expect(201);
    const twice = await request(server()).post(`/v1/reveals/${id}/decision`).set({ ...investigation(sid), ...probe('twice') }).send({ approve: false }).expect(409);
    expect(twice.body).toMatchObject({ code: 'IDENTITY.ALREADY_DECIDED' });
    await request(server()).post(`/v1/reveals/${id}/identity`).set(investigation(alice)).expect(201);
    const again = await request(server()).post(`/v1/reveals/${id}/identity`).set({ ...investigation(alice), ...probe('again') }).expect(409);
    expect(again.body).toMatchObject({ code: 'IDENTITY.ALREADY_READ' });
    for (const n of ['early', 'twice', 'again']) expect(await denials(`reveal-status-${n}`)).toHaveLength(1);
    // who may never act still gets 403
    await request(server()).post(`/v1/reveals/${id}/decision`).set(investigation(alice)).send({ approve: true }).expect(403);
  });

  it('says that identities and evidence need the purpose investigation, not a missing case', async () => {
    for (const [path, key, body] of [['/v1/reveals', alice, { pseudonym, justification: JUSTIFICATION }], ['/v1/evidence/packages', sue, { flagIds: ['00000000-0000-4000-8000-000000000001'], recipient: 'Court of Y', legalBasis: 'Order 2026/9' }]] as const) {
      const res = await request(server()).post(path).set({ ...investigation(key), 'X-Purpose': 'review' }).send(body).expect(403);
      expect(res.body.message).toMatch(/purpose investigation/);
      expect(res.body.details.missing).toBeUndefined();
      expect(res.body.details.policyIds).toEqual(['purpose.investigation-for-identity-and-evidence']);
      const none = await request(server()).post(path).set({ ...investigation(key), 'X-Purpose': '' }).send(body).expect(403);
      expect(none.body.details.missing).toEqual(['X-Purpose']);
    }
  });
});
