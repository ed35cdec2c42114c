import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import request from 'supertest';
import { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

describe('human review of flags', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let alice: string; // reviewer, unit-r
  let bob: string; // reviewer, unit-r
  let sue: string; // supervisor, unit-r
  let admin: string;
  let flagIds: string[];

  const server = () => api.getHttpServer();
  const as = (key: string) => ({ Authorization: `Bearer ${key}`, 'X-Purpose': 'review' });

  async function ingestAndFlag(n: number): Promise<{ batchId: string; flags: string[] }> {
    const res = await request(server()).post('/v1/ingest/batches').set('Authorization', `Bearer ${alice}`).send({ provenance: PROVENANCE, posts: posts(n) }).expect(202);
    const batchId: string = res.body.batchId;
    await waitFor(async () => (await prisma.post.count({ where: { batchId, status: 'classified' } })) === res.body.accepted);
    const flags = await prisma.flag.findMany({ where: { post: { batchId } }, orderBy: { id: 'asc' }, select: { id: true } });
    return { batchId, flags: flags.map((f) => f.id) };
  }

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    alice = await apiKey(prisma, 'reviewer', 'unit-r');
    bob = await apiKey(prisma, 'reviewer', 'unit-r');
    sue = await apiKey(prisma, 'supervisor', 'unit-r');
    admin = await apiKey(prisma, 'admin', 'operations');
    flagIds = (await ingestAndFlag(8)).flags;
    expect(flagIds.length).toBe(4);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  it('lets one reviewer claim a flag and answers 409 to the other', async () => {
    const [f] = flagIds;
    const a = await request(server()).post(`/v1/flags/${f}/claim`).set(as(alice)).expect(201);
    expect(a.body.claimedUntil).toBeDefined();
    const b = await request(server()).post(`/v1/flags/${f}/claim`).set(as(bob)).expect(409);
    expect(b.body.code).toBe('REVIEW.CLAIMED');
    const list = await request(server()).get('/v1/flags?status=pending').set(as(bob)).expect(200);
    expect(list.body.flags.find((x: { id: string }) => x.id === f).claimedUntil).toBe(a.body.claimedUntil);
    // the queue: filter by rule, sort by age (oldest first)
    const byRule = await request(server()).get('/v1/flags?status=pending&rule=price.amount&sort=age').set(as(bob)).expect(200);
    expect(byRule.body.flags.length).toBeGreaterThan(0);
    const times = byRule.body.flags.map((x: { createdAt: string }) => x.createdAt);
    expect([...times].sort()).toEqual(times);
    expect((await request(server()).get('/v1/flags?rule=no.such.rule').set(as(bob)).expect(200)).body.total).toBe(0);
  });

  it('refuses a decision without a rationale, and one by a reviewer without the claim', async () => {
    const [f] = flagIds;
    const bad = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'confirmed' }).expect(400);
    expect(bad.body.details.issues[0].path).toBe('rationale');
    await request(server()).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'confirmed', rationale: 'ok' }).expect(400);
    const noClaim = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(bob)).send({ verdict: 'dismissed', rationale: 'looks like an NGO warning to me' }).expect(409);
    expect(noClaim.body.code).toBe('REVIEW.CLAIM_REQUIRED');
  });

  it('records decisions append-only: a reversal supersedes, a bare second decision is refused', async () => {
    const [f] = flagIds;
    const first = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'confirmed', rationale: 'price, route and contact: a crossing offer' }).expect(201);
    const firstId: string = first.body.decisions[0].id;
    expect((await prisma.flag.findUniqueOrThrow({ where: { id: f } })).status).toBe('confirmed');
    await request(server()).post(`/v1/flags/${f}/claim`).set(as(alice)).expect(201);
    const again = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'dismissed', rationale: 'changed my mind about this one' }).expect(409);
    expect(again.body.details.latestDecisionId).toBe(firstId);
    const reversal = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'dismissed', rationale: 'the number belongs to a legal ferry agency', supersedes: firstId }).expect(201);
    expect(reversal.body.decisions[0].supersedesId).toBe(firstId);
    const history = await request(server()).get(`/v1/flags/${f}/decisions`).set(as(alice)).set('X-Case-Reference', 'CASE-R-1').expect(200);
    expect(history.body.map((d: { verdict: string }) => d.verdict)).toEqual(['confirmed', 'dismissed']);
    const app = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, options: '-c role=smugwatch_app' }) });
    await expect(app.reviewDecision.update({ where: { id: firstId }, data: { rationale: 'rewritten' } })).rejects.toThrow();
    await app.$disconnect();
    expect(await prisma.auditEvent.count({ where: { action: 'review.decision', resourceId: f } })).toBe(2);
  });

  it('hands an escalated flag to a supervisor', async () => {
    const f = flagIds[1]!;
    await request(server()).post(`/v1/flags/${f}/claim`).set(as(bob)).expect(201);
    const esc = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(bob)).send({ verdict: 'escalated', rationale: 'coded ticket language, not sure' }).expect(201);
    await request(server()).post(`/v1/flags/${f}/claim`).set(as(bob)).expect(403); // escalated: not the reviewer's any more
    const resolved = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(sue))
      .send({ verdict: 'confirmed', rationale: 'match tickets between Tripoli and Lampedusa: a crossing', supersedes: esc.body.decisions[0].id }).expect(201);
    expect(resolved.body.decisions[0]).toMatchObject({ verdict: 'confirmed', supersedesId: esc.body.decisions[0].id });
  });

  it('decides near-duplicates together, one decision and one audit event each', async () => {
    const [f, ...rest] = flagIds.slice(2);
    await request(server()).post(`/v1/flags/${f}/claim`).set(as(alice)).expect(201);
    const res = await request(server()).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'confirmed', rationale: 'same offer as the confirmed one, reposted', alsoFlagIds: rest }).expect(201);
    expect(res.body.decisions).toHaveLength(1 + rest.length);
    for (const id of [f!, ...rest]) expect(await prisma.auditEvent.count({ where: { action: 'review.decision', resourceId: id } })).toBe(1);
  });

  it('filters the queue by cluster: near-duplicates and shared contacts of one flag, within the unit', async () => {
    const carol = await apiKey(prisma, 'reviewer', 'unit-rc'); // a unit of its own: the shared sample offers stay out
    const dave = await apiKey(prisma, 'reviewer', 'unit-other');
    const crossing = 'Crossing to the UK every night from the French coast. Small group, strong engine, life jackets included. PRICE per person, children half price. Pay on arrival. WhatsApp +44 7700 900123';
    const texts = {
      a1: crossing.replace('PRICE', '£2,500'),
      a2: crossing.replace('PRICE', '£2,400'), // near-duplicate of a1
      b: 'Want to reach the UK? We get you there by lorry, no checks at the port. 100% safe. Price in DM. Call +44 7700 900123', // same phone
      c: 'Travel to Europe without visa, Libya to Italy this week, last places. 4,500 USD, family package available. Telegram @fake_travel_eu', // unrelated
    };
    const tag = `rc-${Date.now()}`;
    const res = await request(server()).post('/v1/ingest/batches').set('Authorization', `Bearer ${carol}`).send({
      provenance: PROVENANCE,
      posts: Object.entries(texts).map(([id, text]) => ({ platform: 'telegram', platformPostId: `${tag}-${id}`, url: `https://t.me/fake_channel_rc/${tag}-${id}`, authorHandle: `@fake_rc_${id}`, text, visibility: 'public' })),
    }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 4);
    const byPost = new Map((await prisma.flag.findMany({ where: { post: { batchId: res.body.batchId } }, include: { post: { select: { platformPostId: true } } } })).map((f) => [f.post.platformPostId.split('-').pop(), f.id]));
    expect(byPost.size).toBe(4);

    const q = await request(server()).get(`/v1/flags?status=pending&cluster=${byPost.get('a1')}`).set(as(carol)).set('X-Request-Id', 'cluster-filter-probe').expect(200);
    expect(q.body.flags.map((f: { id: string }) => f.id).sort()).toEqual([byPost.get('a1'), byPost.get('a2'), byPost.get('b')].sort());
    expect(q.body.total).toBe(3);
    const reasons = Object.fromEntries(q.body.flags.map((f: { id: string; clusterReasons: { kind: string }[] }) => [f.id, f.clusterReasons.map((r) => r.kind).sort()]));
    expect(reasons[byPost.get('a1')!]).toEqual([]);
    expect(reasons[byPost.get('a2')!]).toEqual(['near_duplicate', 'shared_contact']);
    expect(reasons[byPost.get('b')!]).toEqual(['shared_contact']);
    // the unrelated ad is its own cluster; filters combine with the cluster
    expect((await request(server()).get(`/v1/flags?cluster=${byPost.get('c')}`).set(as(carol)).expect(200)).body.flags.map((f: { id: string }) => f.id)).toEqual([byPost.get('c')]);
    expect((await request(server()).get(`/v1/flags?cluster=${byPost.get('a1')}&language=ara`).set(as(carol)).expect(200)).body.total).toBe(0);
    // languages are stored as ISO 639-3 codes: a two-letter code would match nothing, so it is refused, naming the field
    const twoLetter = await request(server()).get('/v1/flags?language=en').set(as(carol)).expect(400);
    expect(twoLetter.body.code).toBe('FLAGS.BAD_QUERY');
    expect(JSON.stringify(twoLetter.body)).toMatch(/language/);
    // linking is audited as a combination, with what was linked and why (no content)
    const combination = await prisma.auditEvent.findFirstOrThrow({ where: { requestId: 'cluster-filter-probe', action: 'combination' } });
    expect(combination).toMatchObject({ resourceType: 'flag', resourceId: byPost.get('a1') });
    expect(combination.details).toMatchObject({ via: 'queue_filter', linkedFlags: 2 });
    // another unit's flag is not found, and a malformed id is refused
    expect((await request(server()).get(`/v1/flags?cluster=${byPost.get('a1')}`).set(as(dave)).expect(404)).body.code).toBe('NOT_FOUND');
    await request(server()).get('/v1/flags?cluster=not-a-flag').set(as(carol)).expect(400);
  });

  it('lets exactly one of simultaneous decisions on a flag win, and the database holds that rule', async () => {
    const { flags: [f] } = await ingestAndFlag(2);
    await request(server()).post(`/v1/flags/${f}/claim`).set(as(alice)).expect(201);
    const http = server();
    if (!http.listening) await new Promise<void>((done) => http.listen(0, '127.0.0.1', () => done())); // one server for the parallel requests
    const results = await Promise.all(Array.from({ length: 6 }, () =>
      request(http).post(`/v1/flags/${f}/decisions`).set(as(alice)).send({ verdict: 'dismissed', rationale: 'an aid group warning, not an offer' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(['REVIEW.CLAIM_REQUIRED', 'REVIEW.ALREADY_DECIDED']).toContain(r.body.code);
    const rows = await prisma.reviewDecision.findMany({ where: { flagId: f } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.supersedesId).toBeNull();
    expect(await prisma.auditEvent.count({ where: { action: 'review.decision', resourceId: f } })).toBe(1);
    // a second first decision is refused by the database itself, whoever writes it
    await expect(prisma.reviewDecision.create({ data: { flagId: f!, verdict: 'confirmed', rationale: 'written around the service', decidedById: rows[0]!.decidedById, decidedRole: 'reviewer', unit: 'unit-r' } })).rejects.toMatchObject({ code: 'P2002' });
  });

  it('decides together only near-duplicates that nobody else holds, all or nothing', async () => {
    const erin = await apiKey(prisma, 'reviewer', 'unit-rd');
    const finn = await apiKey(prisma, 'reviewer', 'unit-rd');
    const crossing = 'Crossing to the UK every night from the French coast. Small group, strong engine, life jackets included. PRICE per person, children half price. Pay on arrival. WhatsApp +44 7700 900456';
    const texts = {
      a1: crossing.replace('PRICE', '£2,500'),
      a2: crossing.replace('PRICE', '£2,400'), // near-duplicate of a1
      b: 'Want to reach the UK? We get you there by lorry, no checks at the port. 100% safe. Price in DM. Call +44 7700 900456', // another ad, same phone
    };
    const tag = `rd-${Date.now()}`;
    const res = await request(server()).post('/v1/ingest/batches').set('Authorization', `Bearer ${erin}`).send({
      provenance: PROVENANCE,
      posts: Object.entries(texts).map(([id, text]) => ({ platform: 'telegram', platformPostId: `${tag}-${id}`, url: `https://t.me/fake_channel_rd/${tag}-${id}`, authorHandle: `@fake_rd_${id}`, text, visibility: 'public' })),
    }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 3);
    const byPost = new Map((await prisma.flag.findMany({ where: { post: { batchId: res.body.batchId } }, include: { post: { select: { platformPostId: true } } } })).map((f) => [f.post.platformPostId.split('-').pop(), f.id]));
    const [a1, a2, b] = [byPost.get('a1')!, byPost.get('a2')!, byPost.get('b')!];
    expect([a1, a2, b].every(Boolean)).toBe(true);
    const nothingDecided = async () => {
      expect(await prisma.reviewDecision.count({ where: { flagId: { in: [a1, a2, b] } } })).toBe(0);
      expect((await prisma.flag.findMany({ where: { id: { in: [a1, a2, b] } } })).map((f) => f.status)).toEqual(['pending', 'pending', 'pending']);
    };
    const decide = (alsoFlagIds: string[]) => request(server()).post(`/v1/flags/${a1}/decisions`).set(as(erin)).send({ verdict: 'confirmed', rationale: 'the same crossing offer, reposted', alsoFlagIds });

    await request(server()).post(`/v1/flags/${a1}/claim`).set(as(erin)).expect(201);
    // a post that only shares a phone number is another ad: refused, named, and nothing is decided
    const mixed = await decide([a2, b]).expect(400);
    expect(mixed.body).toMatchObject({ code: 'REVIEW.NOT_NEAR_DUPLICATES', details: { notNearDuplicates: [b] } });
    expect(mixed.body.message).toContain(b);
    await nothingDecided();
    // another reviewer's live claim on a near-duplicate: 409 naming it; nothing is decided and the claim stays
    const finnId: string = (await request(server()).post(`/v1/flags/${a2}/claim`).set(as(finn)).expect(201)).body.claimedBy;
    const held = await decide([a2]).expect(409);
    expect(held.body).toMatchObject({ code: 'REVIEW.CLAIMED', details: { flagId: a2 } });
    expect(held.body.message).toContain(a2);
    await nothingDecided();
    expect((await prisma.flag.findUniqueOrThrow({ where: { id: a2 } })).claimedById).toBe(finnId);
    // once released, the near-duplicate is decided with it
    await request(server()).delete(`/v1/flags/${a2}/claim`).set(as(finn)).expect(204);
    const together = await decide([a2]).expect(201);
    expect(together.body.decisions.map((d: { flagId: string }) => d.flagId).sort()).toEqual([a1, a2].sort());
  });

  it('answers another unit\'s flag or batch exactly as an unknown id (404), and audits the denial', async () => {
    const gus = await apiKey(prisma, 'reviewer', 'unit-elsewhere');
    const gina = await apiKey(prisma, 'supervisor', 'unit-elsewhere');
    const f = flagIds[3]!;
    const batchId = (await prisma.flag.findUniqueOrThrow({ where: { id: f }, include: { post: true } })).post.batchId;
    const unknown = '00000000-0000-4000-8000-00000000dead';
    const same = (body: Record<string, unknown>, id: string) => JSON.stringify({ ...body, requestId: null }).split(id).join('ID');
    const routes: Array<[('get' | 'post' | 'delete'), (id: string) => string, string]> = [
      ['get', (id) => `/v1/flags/${id}`, f], ['post', (id) => `/v1/flags/${id}/claim`, f], ['delete', (id) => `/v1/flags/${id}/claim`, f],
      ['post', (id) => `/v1/flags/${id}/decisions`, f], ['get', (id) => `/v1/flags/${id}/decisions`, f], ['get', (id) => `/v1/ingest/batches/${id}`, batchId],
    ];
    let n = 0;
    for (const key of [gus, gina]) {
      for (const [method, path, id] of routes) {
        const probe = `other-unit-probe-${++n}`;
        const headers = { ...as(key), 'X-Case-Reference': 'CASE-R-1' };
        const body = { verdict: 'dismissed', rationale: 'probing another unit' };
        const theirs = await request(server())[method](path(id)).set({ ...headers, 'X-Request-Id': probe }).send(body);
        const none = await request(server())[method](path(unknown)).set(headers).send(body);
        expect([theirs.status, none.status]).toEqual([404, 404]);
        expect(same(theirs.body, id)).toBe(same(none.body, unknown));
        const denied = await prisma.auditEvent.findMany({ where: { requestId: probe, outcome: 'deny' } });
        expect(denied.map((e) => e.resourceId)).toEqual([id]);
      }
      // a missing header is named the same way for both
      const a = await request(server()).get(`/v1/flags/${f}`).set(as(key)).expect(403);
      const b = await request(server()).get(`/v1/flags/${unknown}`).set(as(key)).expect(403);
      expect(same(a.body, f)).toBe(same(b.body, unknown));
    }
    expect((await prisma.flag.findUniqueOrThrow({ where: { id: f } })).claimedById).toBeNull();
  });

  it('pauses the raising of flags while scoring goes on, and audits pause and resume', async () => {
    await request(server()).post('/v1/admin/flagging/pause').set('Authorization', `Bearer ${alice}`).expect(403);
    await request(server()).post('/v1/admin/flagging/pause').set('Authorization', `Bearer ${admin}`).expect(201);
    const paused = await ingestAndFlag(6);
    expect(paused.flags).toEqual([]);
    expect(await prisma.classification.count({ where: { post: { batchId: paused.batchId }, flagged: true } })).toBe(3);
    await request(server()).post('/v1/admin/flagging/resume').set('Authorization', `Bearer ${admin}`).expect(201);
    expect((await ingestAndFlag(2)).flags).toHaveLength(1);
    // (the access decisions for these routes are events too, with outcome allow/deny)
    expect(await prisma.auditEvent.count({ where: { action: { in: ['flagging.pause', 'flagging.resume'] }, outcome: 'success' } })).toBe(2);
  });
});
