import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { ErrorFilter } from '../../src/common/http/error.filter';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

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

  it('rejects posts PostgreSQL could not store exactly, with the reason, and keeps the rest of the batch', async () => {
    const ok = posts(1)[0]!;
    const bad = posts(5).map((p, i) => ({ ...p, platformPostId: `unstorable-${i}-${Date.now()}` }));
    const body = JSON.stringify({ provenance: PROVENANCE, posts: [ok, { ...bad[0], text: 'nul \u0000 inside' }, { ...bad[1], text: 'lone \ud800 surrogate' }, { ...bad[2], raw: { n: 1 } }, { ...bad[3], text: ' \u200b  ' }, { ...bad[4], postedAt: '2026-12-31T00:00:00Z' }] })
      .replace('{"n":1}', '{"n":1e400}');
    const res = await post(body).expect(202);
    expect(res.body).toMatchObject({ received: 6, accepted: 1, rejected: 5 });
    const reasons = Object.fromEntries(res.body.rejections.map((r: { index: number; field: string; reason: string }) => [r.index, `${r.field}: ${r.reason}`]));
    expect(reasons[1]).toMatch(/posts\[1\]\.text: contains the NUL character/);
    expect(reasons[2]).toMatch(/posts\[2\]\.text: contains a lone UTF-16 surrogate/);
    expect(reasons[3]).toMatch(/posts\[3\]\.raw\.n: number out of range/);
    expect(reasons[4]).toMatch(/posts\[4\]\.text: text has no letters/);
    expect(reasons[5]).toMatch(/posts\[5\]\.postedAt: postedAt is after the batch collectedAt/);
  });

  it('rejects a post nested too deeply instead of failing the batch', async () => {
    const [good, deep] = posts(2);
    const nested = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const body = JSON.stringify({ provenance: PROVENANCE, posts: [good, { ...deep, raw: 'DEEP' }] }).replace('"DEEP"', nested);
    const res = await post(body).expect(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.rejections[0].reason).toMatch(/nested deeper than 64 levels/);
  });

  it('refuses a batch collected in the future or with a NUL in its provenance (400, field named)', async () => {
    const future = await post({ provenance: { ...PROVENANCE, collectedAt: '2099-01-01T00:00:00Z' }, posts: posts(1) }).expect(400);
    expect(future.body.details.issues[0].path).toBe('provenance.collectedAt');
    const nul = await post(JSON.stringify({ provenance: { ...PROVENANCE, legalBasis: 'Order \u0000 1' }, posts: posts(1) })).expect(400);
    expect(nul.body.message).toMatch(/provenance\.legalBasis: contains the NUL character/);
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

  it('answers 431 in JSON, not an empty body, when the headers are over the size limit', async () => {
    const res = await request(api.getHttpServer()).get('/v1/flags').set('X-Padding', 'a'.repeat(20_000)).expect(431);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 431, code: 'HEADERS.TOO_LARGE' });
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

  it('answers an anonymous ingest with 401 before reading its body, even an oversized one, and audits it', async () => {
    const server = api.getHttpServer();
    const big = JSON.stringify({ provenance: PROVENANCE, posts: [{ text: 'x'.repeat(11 * 1024 * 1024) }] });
    const res = await request(server).post('/v1/ingest/batches').set('Content-Type', 'application/json').set('X-Request-Id', 'anon-big-probe').send(big).catch((e: { response?: request.Response }) => e.response!);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
    const denial = await prisma.auditEvent.findFirstOrThrow({ where: { requestId: 'anon-big-probe' } });
    expect([denial.outcome, denial.action, denial.resourceId]).toEqual(['deny', 'ingest.submit', 'POST /v1/ingest/batches']);
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

describe('request text the database cannot store', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let rev: string;
  let sup: string;
  let flagId: string;
  const server = () => api.getHttpServer();
  const h = (key: string, purpose = 'investigation') => ({ Authorization: `Bearer ${key}`, 'X-Purpose': purpose, 'X-Case-Reference': 'CASE-NUL-1' });
  // JSON.stringify writes a NUL as \u0000 and a lone surrogate as \ud800: the server's JSON.parse gets them back as they are
  const NUL = 'checked the \u0000 offer';
  const LONE = 'checked the \ud800 offer';

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    rev = await apiKey(prisma, 'reviewer', 'unit-nul');
    sup = await apiKey(prisma, 'supervisor', 'unit-nul');
    const res = await request(server()).post('/v1/ingest/batches').set(h(rev)).send({ provenance: PROVENANCE, posts: posts(2) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 2);
    flagId = (await prisma.flag.findFirstOrThrow({ where: { post: { batchId: res.body.batchId } }, select: { id: true } })).id;
    await request(server()).post(`/v1/flags/${flagId}/claim`).set(h(rev, 'review')).expect(201);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  it('refuses text with no visible character where a person must write something (400 naming the field), and stores or audits nothing', async () => {
    // zero-width, word joiner, BOM, NBSP, ideographic space, line/paragraph separators, NEL, LRM/RLO and the Hangul fillers: nothing to read
    const INVISIBLE = '\u200b\u2060\ufeff\u00a0\u3000\u2028\u2029\u0085\u200e\u202e\u3164\u115f\u1160\uffa0';
    const decide = (rationale: string) => request(server()).post(`/v1/flags/${flagId}/decisions`).set(h(rev, 'review')).send({ verdict: 'dismissed', rationale });
    for (const rationale of ['\u200b'.repeat(11), INVISIBLE, `  ${INVISIBLE}${INVISIBLE}  `]) {
      const res = await decide(rationale).expect(400);
      expect(res.body).toMatchObject({ code: 'REVIEW.BAD_DECISION', details: { issues: [{ path: 'rationale', message: 'has only spaces or invisible characters' }] } });
    }
    // plain spaces are still refused once, as too short
    expect((await decide(' '.repeat(10)).expect(400)).body.details.issues).toEqual([{ path: 'rationale', message: 'a rationale of at least 10 characters is required' }]);
    expect(await prisma.reviewDecision.count({ where: { flagId } })).toBe(0);

    const cases: [string, string, object, string][] = [
      ['rev', '/v1/reveals', { pseudonym: `ps_${'0'.repeat(32)}`, justification: INVISIBLE.repeat(2) }, 'justification'],
      ['sup', '/v1/evidence/packages', { flagIds: [flagId], recipient: '\u200b\u200b', legalBasis: 'Order 2026/9' }, 'recipient'],
      ['sup', '/v1/evidence/packages', { flagIds: [flagId], recipient: 'Court of Y', legalBasis: '\u200b\u200b\u200b' }, 'legalBasis'],
    ];
    for (const [who, path, body, field] of cases) {
      const res = await request(server()).post(path).set(h(who === 'rev' ? rev : sup)).send(body).expect(400);
      expect(res.body.details.issues).toEqual([{ path: field, message: 'has only spaces or invisible characters' }]);
    }
    expect(await prisma.auditEvent.count({ where: { recipients: { has: '\u200b\u200b' } } })).toBe(0);

    const analyst = await apiKey(prisma, 'analyst', 'analysis');
    const as = { Authorization: `Bearer ${analyst}` };
    const file = { path: '50-new.yaml', content: 'rules: []\n' };
    for (const note of ['\u200b', INVISIBLE, '']) {
      const res = await request(server()).post('/v1/rulesets').set(as).send({ files: [file], note }).expect(400);
      expect(res.body.details.issues[0]).toMatchObject({ path: 'note' });
    }
    const evaluation = await request(server()).post('/v1/evaluations').set(as)
      .send({ posts: [{ id: 'a', text: 'Boat to Italy every week, 2500 euro', label: 'smuggling_ad' }, { id: 'b', text: INVISIBLE, label: 'not_smuggling' }] }).expect(400);
    expect(evaluation.body.details.issues).toEqual([{ path: 'posts[1].text', message: expect.stringMatching(/text is empty/) }]);
  });

  it('refuses a NUL or a lone surrogate in a decision rationale (400 naming the field), stores nothing, then takes the corrected one', async () => {
    for (const [text, reason] of [[NUL, 'contains the NUL character'], [LONE, 'contains a lone UTF-16 surrogate']]) {
      const res = await request(server()).post(`/v1/flags/${flagId}/decisions`).set(h(rev, 'review')).send({ verdict: 'dismissed', rationale: text }).expect(400);
      expect(res.body.message).toMatch(new RegExp(`^rationale: ${reason} at offset 12`));
    }
    expect(await prisma.reviewDecision.count({ where: { flagId } })).toBe(0);
    await request(server()).post(`/v1/flags/${flagId}/decisions`).set(h(rev, 'review')).send({ verdict: 'dismissed', rationale: 'checked the offer: a news report' }).expect(201);
    expect((await prisma.reviewDecision.findFirstOrThrow({ where: { flagId } })).rationale).toBe('checked the offer: a news report');
  });

  it.each([
    ['a reveal justification', 'rev', '/v1/reveals', { pseudonym: `ps_${'0'.repeat(32)}`, justification: `the account posts crossing offers ${NUL}` }, /^justification: contains the NUL character/],
    ['an evidence package recipient', 'sup', '/v1/evidence/packages', { flagIds: ['00000000-0000-4000-8000-000000000001'], recipient: `Court ${NUL}`, legalBasis: 'Order 2026/9' }, /^recipient: contains the NUL character/],
    ['an evidence package legal basis', 'sup', '/v1/evidence/packages', { flagIds: ['00000000-0000-4000-8000-000000000001'], recipient: 'Court of Y', legalBasis: LONE }, /^legalBasis: contains a lone UTF-16 surrogate/],
  ])('refuses a NUL or lone surrogate in %s with 400 naming the field', async (_what, who, path, body, message) => {
    const res = await request(server()).post(path).set(h(who === 'rev' ? rev : sup)).send(body).expect(400);
    expect(res.body.message).toMatch(message);
  });

  it('refuses a NUL in a ruleset note and a file, and an alias bomb in a rule file, with 400 naming file and line', async () => {
    const analyst = await apiKey(prisma, 'analyst', 'analysis');
    const as = { Authorization: `Bearer ${analyst}` };
    const file = { path: '50-new.yaml', content: 'rules: []\n' };
    expect((await request(server()).post('/v1/rulesets').set(as).send({ files: [file], note: NUL }).expect(400)).body.message).toMatch(/^note: contains the NUL character/);
    expect((await request(server()).post('/v1/rulesets').set(as).send({ files: [{ ...file, content: `rules: []\n# ${NUL}\n` }] }).expect(400)).body.message).toMatch(/^files\[0\]\.content: contains the NUL character/);
    const bomb = ['rules: []', 'a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'].join('\n');
    const res = await request(server()).post('/v1/rulesets').set(as).send({ files: [{ path: '50-bomb.yaml', content: bomb }] }).expect(400);
    expect(res.body).toMatchObject({ code: 'RULESET.INVALID', details: { file: '50-bomb.yaml', line: 3 } });
    expect(res.body.message).toMatch(/^50-bomb\.yaml:3: YAML alias refused: Excessive alias count/);
  });

  it('refuses duplicate ids, a lang that is not ISO 639-3 and empty text in an evaluation, naming posts[i]', async () => {
    const analyst = await apiKey(prisma, 'analyst', 'analysis');
    const post = (id: string | number, extra: object = {}) => ({ id, text: 'Boat to Italy every week, 2500 euro', label: 'smuggling_ad', ...extra });
    const run = (p: object[]) => request(server()).post('/v1/evaluations').set('Authorization', `Bearer ${analyst}`).send({ posts: p });
    const dup = await run([post('a'), post(1), post('1')]).expect(400);
    expect(dup.body.details.issues).toEqual([{ path: 'posts[2].id', message: 'duplicate id "1" (first at posts[1].id)' }]);
    const lang = await run([post('a', { lang: 'english' })]).expect(400);
    expect(lang.body.details.issues[0]).toMatchObject({ path: 'posts[0].lang', message: expect.stringMatching(/ISO 639-3/) });
    const empty = await run([post('a'), post('b', { text: '  ' })]).expect(400);
    expect(empty.body.details.issues[0]).toMatchObject({ path: 'posts[1].text', message: expect.stringMatching(/text is empty/) });
    // valid posts pass validation and reach the ruleset lookup (404 for a version not stored: no evaluation is run or audited)
    const valid = await request(server()).post('/v1/evaluations').set('Authorization', `Bearer ${analyst}`).send({ posts: [post('a', { lang: 'eng' }), post('b', { lang: 'und' })], rulesetVersion: 'f'.repeat(64) }).expect(404);
    expect(valid.body.code).toBe('RULESET.NOT_FOUND');
  });

  it('answers 400, not 500, when PostgreSQL itself refuses a character (the filter behind the validation)', async () => {
    const err = await prisma.$queryRawUnsafe('SELECT $1::text AS x', NUL).catch((e: unknown) => e);
    const out = { status: 0, body: {} as Record<string, unknown> };
    const res = { status: (n: number) => ((out.status = n), res), json: (b: Record<string, unknown>) => ((out.body = b), res) };
    Logger.overrideLogger(false);
    new ErrorFilter().catch(err, { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ requestId: 'r-nul' }) }) } as never);
    expect(out).toMatchObject({ status: 400, body: { statusCode: 400, code: 'REQUEST.UNSTORABLE_TEXT', details: { sqlState: '22021' }, requestId: 'r-nul' } });
  });
});
