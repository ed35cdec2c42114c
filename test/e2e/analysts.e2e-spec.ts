import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaClient } from '../../src/generated/prisma/client';
import { runBacktest } from '../../src/backtests/backtest-runner';
import { RULESET_DETECTORS } from '../../src/detection/detector.provider';
import type { RulesetDetectors } from '../../src/rulesets/ruleset-store';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

/**
 * The analysts' toolchain end to end: a candidate ruleset proposed over the API, shadow-run next to the live one
 * on new posts (no flag from the shadow), reported against reviewer decisions, backtested over stored posts with
 * cancel and resume, and evaluated on a labelled set; every step audited.
 */
describe("analysts' toolchain", () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let analyst: string;
  let reviewer: string;
  let auditor: string;
  let live: string;
  let candidate: string;
  const t0 = new Date();

  const server = () => api.getHttpServer();
  const as = (key: string, purpose?: string) => ({ Authorization: `Bearer ${key}`, ...(purpose ? { 'X-Purpose': purpose } : {}) });

  async function ingest(n: number): Promise<string> {
    const res = await request(server()).post('/v1/ingest/batches').set(as(reviewer)).send({ provenance: PROVENANCE, posts: posts(n) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === n);
    return res.body.batchId;
  }

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    analyst = await apiKey(prisma, 'analyst', 'detection-lab');
    reviewer = await apiKey(prisma, 'reviewer', 'unit-an');
    auditor = await apiKey(prisma, 'auditor', 'oversight-body');
  });
  afterAll(async () => {
    await request(server()).delete('/v1/rulesets/shadow').set(as(analyst));
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  it('lists the live version, stored by the worker with its files', async () => {
    const res = await request(server()).get('/v1/rulesets').set(as(analyst)).expect(200);
    live = res.body.live.version;
    expect(live).toMatch(/^[0-9a-f]{64}$/);
    const v = res.body.versions.find((x: { version: string }) => x.version === live);
    expect(v).toMatchObject({ origin: 'deployed', live: true });
    const one = await request(server()).get(`/v1/rulesets/${live}`).set(as(analyst)).expect(200);
    expect(one.body.files.map((f: { path: string }) => f.path)).toContain('10-offers.yaml');
  });

  it('refuses a candidate that does not parse, naming the file and line, and stores nothing', async () => {
    const before = await prisma.rulesetVersion.count();
    const bad = await request(server()).post('/v1/rulesets').set(as(analyst))
      .send({ basedOn: live, files: [{ path: '50-new.yaml', content: 'rules:\n  - id: x\n    weight: [\n' }] }).expect(400);
    expect(bad.body.code).toBe('RULESET.INVALID');
    expect(bad.body.message).toContain('50-new.yaml');
    expect(bad.body.details.line).toEqual(expect.any(Number));
    const path = await request(server()).post('/v1/rulesets').set(as(analyst)).send({ files: [{ path: '../etc/passwd.yaml', content: 'rules: []' }] }).expect(400);
    expect(path.body.message).toContain('not a plain *.yaml file name');
    await request(server()).post('/v1/rulesets').set(as(reviewer)).send({ basedOn: live, files: [{ path: '10-offers.yaml', content: null }] }).expect(403);
    // a rule that contradicts its own inline examples is refused, with the file, line and example
    const contradicts = 'rules:\n  - id: test.ferry\n    description: test rule\n    languages: any\n    patterns:\n      terms: [ferry ticket]\n    weight: 1\n    tags: [offer]\n    examples:\n      match: ["boat seats available"]\n      no_match: ["cheap ferry ticket to Dover"]\n';
    const ex = await request(server()).post('/v1/rulesets').set(as(analyst)).send({ basedOn: live, files: [{ path: '50-new.yaml', content: contradicts }] }).expect(400);
    expect(ex.body.code).toBe('RULESET.EXAMPLES_FAIL');
    expect(ex.body.message).toContain('50-new.yaml:2: rule test.ferry should match its example "boat seats available"');
    expect(ex.body.details.failures).toHaveLength(2);
    const twice = await request(server()).post('/v1/rulesets').set(as(analyst)).send({ basedOn: live, files: [{ path: '10-offers.yaml', content: null }, { path: '10-offers.yaml', content: 'rules: []' }] }).expect(400);
    expect(twice.body.message).toContain('files[1].path: "10-offers.yaml" is already given at files[0]');
    expect(await prisma.rulesetVersion.count()).toBe(before);
  });

  it('stores a proposed candidate once, by content hash, and audits the proposal', async () => {
    const files = ['10-offers.yaml', '20-routes.yaml', '30-contact.yaml', '40-guarantees.yaml'].map((path) => ({ path, content: null }));
    const res = await request(server()).post('/v1/rulesets').set(as(analyst)).send({ basedOn: live, files, note: 'negative context only' }).expect(201);
    candidate = res.body.version;
    expect(res.body).toMatchObject({ created: true, live: false, files: ['90-negative-context.yaml'] });
    const again = await request(server()).post('/v1/rulesets').set(as(analyst)).send({ basedOn: live, files }).expect(200);
    expect(again.body).toMatchObject({ version: candidate, created: false });
    const diff = await request(server()).get(`/v1/rulesets/${candidate}/diff`).set(as(auditor)).expect(200);
    expect(diff.body.from).toBe(live);
    expect(diff.body.files).toMatchObject({ added: [], removed: ['10-offers.yaml', '20-routes.yaml', '30-contact.yaml', '40-guarantees.yaml'], changed: [] });
    expect(diff.body.rules.removed).toContain('price.amount');
    expect(diff.body.rules.added).toEqual([]);
    const back = await request(server()).get(`/v1/rulesets/${live}/diff?against=${candidate}`).set(as(analyst)).expect(200);
    expect(back.body.rules.added).toEqual(diff.body.rules.removed);
    await request(server()).get(`/v1/rulesets/${live}/diff?against=nope`).set(as(analyst)).expect(400);
    const ev = await prisma.auditEvent.findMany({ where: { action: 'ruleset.propose', rulesetVersion: candidate } });
    expect(ev).toHaveLength(2);
    expect(ev[0]!.actorRole).toBe('analyst');
  });

  it('shadow-runs the candidate on new posts: verdicts kept apart, no flag raised by the shadow', async () => {
    await request(server()).put('/v1/rulesets/shadow').set(as(analyst)).send({ version: 'f'.repeat(64) }).expect(404);
    await request(server()).put('/v1/rulesets/shadow').set(as(reviewer)).send({ version: candidate }).expect(403);
    expect((await request(server()).put('/v1/rulesets/shadow').set(as(analyst)).send({ version: live }).expect(400)).body.code).toBe('RULESET.ALREADY_LIVE');
    await request(server()).get(`/v1/rulesets/shadow/report?version=${'e'.repeat(64)}`).set(as(analyst, 'evaluation')).expect(404);
    expect((await request(server()).get('/v1/rulesets/abc').set(as(analyst)).expect(400)).body.message).toContain('version (path)');
    const on = await request(server()).put('/v1/rulesets/shadow').set(as(analyst)).send({ version: candidate }).expect(200);
    expect(on.body.shadow.version).toBe(candidate);
    const batchId = await ingest(6);
    const shadow = await prisma.shadowClassification.findMany({ where: { post: { batchId } } });
    expect(shadow).toHaveLength(6);
    expect(shadow.every((s) => s.rulesetVersion === candidate && !s.flagged)).toBe(true);
    const flags = await prisma.flag.findMany({ where: { post: { batchId } }, include: { classification: true } });
    expect(flags).toHaveLength(3); // the live ruleset's flags only
    expect(flags.every((f) => f.classification.rulesetVersion === live)).toBe(true);

    // a reviewer confirms one flag and dismisses another: labels for the report
    const rev = { Authorization: `Bearer ${reviewer}`, 'X-Purpose': 'review' };
    for (const [f, verdict] of [[flags[0]!, 'confirmed'], [flags[1]!, 'dismissed']] as const) {
      await request(server()).post(`/v1/flags/${f.id}/claim`).set(rev).expect(201);
      await request(server()).post(`/v1/flags/${f.id}/decisions`).set(rev).send({ verdict, rationale: `test decision: ${verdict}` }).expect(201);
    }

    await request(server()).get('/v1/rulesets/shadow/report').set(as(analyst)).expect(403); // purpose evaluation needed
    const rep = await request(server()).get(`/v1/rulesets/shadow/report?from=${t0.toISOString()}`).set(as(analyst, 'evaluation')).expect(200);
    expect(rep.body).toMatchObject({ rows: 6, flaggedA: 3, flaggedB: 0, aOnly: 3, bOnly: 0, labelled: 2, changesTotal: 3 });
    expect(rep.body.agreement.count).toBe(3);
    expect(rep.body.labelledMetrics.a).toMatchObject({ tp: 1, fp: 1 });
    expect(rep.body.labelledMetrics.a.precision).toBe(0.5);
    expect(rep.body.labelledMetrics.b.tp).toBe(0);
    expect(rep.body.changes[0].rulesRemoved).toContain('price.amount');
    expect(JSON.stringify(rep.body)).not.toContain('fake_user'); // ids and rule ids, no handles

    await request(server()).delete('/v1/rulesets/shadow').set(as(analyst)).expect(200);
    const after = await ingest(2);
    expect(await prisma.shadowClassification.count({ where: { post: { batchId: after } } })).toBe(0);
    const switches = await prisma.auditEvent.findMany({ where: { action: 'ruleset.shadow', seq: { gt: 0 } }, orderBy: { seq: 'asc' } });
    expect(switches.slice(-2).map((e) => (e.details as { state: string }).state)).toEqual(['started', 'stopped']);
  });

  it('backtests the candidate over stored posts, with progress, and reports it against live', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    await request(server()).post('/v1/backtests').set(as(analyst, 'evaluation')).send({ rulesetVersion: candidate, from: to, to: t0.toISOString() }).expect(400);
    const start = await request(server()).post('/v1/backtests').set(as(analyst, 'evaluation')).send({ rulesetVersion: candidate, from: t0.toISOString(), to }).expect(202);
    const id: string = start.body.id;
    const done = await waitFor(async () => {
      const r = await request(server()).get(`/v1/backtests/${id}`).set(as(analyst, 'evaluation')).expect(200);
      return r.body.status === 'completed' ? r.body : null;
    });
    expect(done).toMatchObject({ processed: 8, total: 8, progress: 1 });
    const rep = await request(server()).get(`/v1/backtests/${id}/report`).set(as(analyst, 'evaluation')).expect(200);
    expect(rep.body).toMatchObject({ rows: 8, flaggedB: 0, bOnly: 0, complete: true, labelled: 2 });
    expect(await prisma.flag.count({ where: { classification: { rulesetVersion: candidate } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: { in: ['backtest.start', 'backtest.complete', 'comparison'] }, resourceId: id } })).toBe(3);
  });

  it('cancels a backtest between chunks and resumes it where it stopped, without scoring a post twice', async () => {
    const detectors = worker.get<RulesetDetectors>(RULESET_DETECTORS);
    const b = await prisma.backtest.create({ data: { rulesetVersion: candidate, modelVersion: 'test', from: t0, to: new Date(Date.now() + 60_000), requestedById: 'test' } });
    const first = await runBacktest(prisma, detectors, b.id, {
      chunk: 3,
      actor: { actorId: 'test', actorRole: 'system' },
      onProgress: async () => {
        await request(server()).post(`/v1/backtests/${b.id}/cancel`).set(as(analyst)).expect(200);
      },
    });
    expect(first).toMatchObject({ status: 'cancelled', processed: 3, total: 8 });
    expect(await prisma.backtestResult.count({ where: { backtestId: b.id } })).toBe(3);
    await request(server()).post(`/v1/backtests/${b.id}/cancel`).set(as(analyst)).expect(409);
    await request(server()).post(`/v1/backtests/${b.id}/resume`).set(as(analyst, 'evaluation')).expect(202);
    const done = await waitFor(async () => {
      const r = await prisma.backtest.findUniqueOrThrow({ where: { id: b.id } });
      return r.status === 'completed' ? r : null;
    });
    expect(done!.processed).toBe(8);
    expect(await prisma.backtestResult.count({ where: { backtestId: b.id } })).toBe(8);
    await request(server()).post(`/v1/backtests/${b.id}/resume`).set(as(analyst, 'evaluation')).expect(409);
    await request(server()).get('/v1/backtests/not-a-uuid').set(as(analyst, 'evaluation')).expect(400);
  });

  it('evaluates a ruleset on a labelled set over the API, gates it, and audits the run', async () => {
    const set = posts(10).map((p, i) => ({ id: `e${i}`, text: p.text, label: i % 2 === 0 ? 'smuggling_ad' : 'not_smuggling', kind: i % 2 ? 'ngo_warning' : 'offer' }));
    const liveEval = await request(server()).post('/v1/evaluations').set(as(analyst)).send({ posts: set, failUnder: 'f1=0.9' }).expect(200);
    expect(liveEval.body.overall).toMatchObject({ tp: 5, fp: 0, fn: 0, tn: 5, precision: 1, recall: 1 });
    expect(liveEval.body.failUnder.passed).toBe(true);
    const cand = await request(server()).post('/v1/evaluations').set(as(analyst)).send({ posts: set, rulesetVersion: candidate, failUnder: 'recall=0.5' }).expect(200);
    expect(cand.body.overall.recall).toBe(0);
    expect(cand.body.failUnder).toMatchObject({ passed: false });
    const cmp = await request(server()).post('/v1/evaluations').set(as(analyst)).send({ posts: set, rulesetVersion: candidate, compareWith: live }).expect(200);
    expect(cmp.body.comparison).toMatchObject({ rows: 10, aOnly: 5, bOnly: 0, changesTotal: 5 });
    expect(cmp.body.comparison.labelledMetrics.delta.recall).toBe(-1);
    expect(cmp.body.comparison.changes[0]).toMatchObject({ direction: 'a_only', correct: 'a' });
    await request(server()).post('/v1/evaluations').set(as(analyst)).send({ posts: set, compareWith: 'd'.repeat(64) }).expect(404);
    await request(server()).post('/v1/evaluations').set(as(analyst)).send({ posts: set, failUnder: 'f2=0.9' }).expect(400);
    const badLabel = await request(server()).post('/v1/evaluations').set(as(analyst)).send({ posts: [{ id: 1, text: 'x', label: 'ad' }] }).expect(400);
    expect(badLabel.body.message).toContain('posts[0].label');
    await request(server()).post('/v1/evaluations').set(as(reviewer)).send({ posts: set }).expect(403);
    const ev = await prisma.auditEvent.findMany({ where: { action: 'evaluation' }, orderBy: { seq: 'asc' } });
    expect(ev.map((e) => e.rulesetVersion)).toEqual([live, candidate, candidate]);
    expect(await prisma.auditEvent.count({ where: { action: 'comparison', rulesetVersion: candidate, resourceType: 'ruleset' } })).toBeGreaterThanOrEqual(1);
    expect((ev[0]!.details as { datasetSha256: string }).datasetSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows auditors who changed what and when', async () => {
    const res = await request(server()).get('/v1/rulesets').set(as(auditor)).expect(200);
    const actions = res.body.history.map((h: { action: string }) => h.action);
    for (const a of ['ruleset.propose', 'ruleset.shadow', 'backtest.start', 'backtest.complete', 'evaluation', 'comparison', 'policy.change']) expect(actions).toContain(a);
    expect(res.body.shadow).toBeNull();
    await request(server()).get('/v1/rulesets').set(as(reviewer)).expect(403);
  });
});
