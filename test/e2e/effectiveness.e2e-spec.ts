import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { appendAuditEvents } from '../../src/audit/audit-writer';
import { reportEffectiveness } from '../../src/cli/report-commands';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { apiKey, startApi, testPrisma } from '../support/harness';

/**
 * The effectiveness report from seeded review decisions. Posts, classifications and flags are
 * written with Prisma at fixed times in 2019 (no other suite writes there, so every figure is exact);
 * two of the decisions, including a reversal, go through the review API.
 */
describe('effectiveness report', () => {
  let api: INestApplication;
  let prisma: PrismaClient;
  let reviewer: string;
  let analyst: string;
  const tag = randomUUID().slice(0, 8);
  const unit = `unit-eff-${tag}`;
  const server = () => api.getHttpServer();
  const as = (key: string) => ({ Authorization: `Bearer ${key}`, 'X-Purpose': 'review' });
  const RULES = { offer: 'offer.passage.eng', phone: 'contact.phone', route: 'route.pair' };
  const TEXT = 'Boat to Italy from Zuwara, 2500 euro, WhatsApp +44 7700 900123';
  let seq = 0;
  let batchId: string;
  let deciderId: string;

  /** A classified post at `at`, flagged when `rules` is given; returns the ids. */
  async function seed(at: string, language: string, rules?: string[], opts: { erased?: boolean } = {}): Promise<{ postId: string; classificationId: string; flagId?: string }> {
    const i = seq++;
    const post = await prisma.post.create({
      data: {
        batchId, platform: 'telegram', platformPostId: `eff-${tag}-${i}`, url: `https://t.me/fake_channel_eff/${i}`, authorPseudonym: `ps_fake_${i % 3}`,
        text: TEXT, language, rawPayload: {}, rawSha256: '0'.repeat(64), status: 'classified', createdAt: new Date(at),
      },
    });
    const hits = (rules ?? []).map((ruleId) => ({ ruleId, weight: 0.4, category: 'offer', tags: [], spans: [], matched: [] }));
    const c = await prisma.classification.create({
      data: {
        postId: post.id, score: rules ? 0.9 : 0.1, label: rules ? 'likely_smuggling_ad' : 'benign', flagged: Boolean(rules),
        explanation: opts.erased ? { erased: true } : { hits }, rulesetVersion: 'ruleset-eff', modelVersion: 'model-eff', policyVersion: 'policy-eff',
        flagThreshold: 0.7, workerId: 'worker-eff', createdAt: new Date(at),
      },
    });
    if (!rules) return { postId: post.id, classificationId: c.id };
    const f = await prisma.flag.create({ data: { postId: post.id, classificationId: c.id, score: 0.9, band: 'high', language, createdAt: new Date(at) } });
    return { postId: post.id, classificationId: c.id, flagId: f.id };
  }

  async function decide(flagId: string, verdict: 'confirmed' | 'dismissed' | 'escalated', at: string, supersedesId: string | null = null): Promise<string> {
    const d = await prisma.reviewDecision.create({ data: { flagId, verdict, rationale: 'seeded decision', decidedById: deciderId, decidedRole: 'reviewer', unit, supersedesId, createdAt: new Date(at) } });
    await prisma.flag.update({ where: { id: flagId }, data: { status: verdict } });
    return d.id;
  }

  async function decideByApi(flagId: string, verdict: 'confirmed' | 'dismissed' | 'escalated', supersedes?: string): Promise<string> {
    await request(server()).post(`/v1/flags/${flagId}/claim`).set(as(reviewer)).expect(201);
    const res = await request(server()).post(`/v1/flags/${flagId}/decisions`).set(as(reviewer)).send({ verdict, rationale: `seeded through the API: ${verdict}`, ...(supersedes ? { supersedes } : {}) }).expect(201);
    return res.body.decisions[0].id;
  }

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    reviewer = await apiKey(prisma, 'reviewer', unit);
    analyst = await apiKey(prisma, 'analyst', 'analysis');
    const submitter = await prisma.principal.findFirstOrThrow({ where: { role: 'reviewer', unit } });
    deciderId = submitter.id;
    batchId = (await prisma.ingestBatch.create({
      data: {
        submittedById: submitter.id, sourcePlatform: 'telegram', collectionMethod: 'manual_capture', legalBasis: 'Test authorisation 2019/eff', unit,
        collectedBy: 'officer-test-eff', collectedAt: new Date('2019-01-01T00:00:00Z'), receivedCount: 0, acceptedCount: 0, duplicateCount: 0, rejectedCount: 0,
      },
    })).id;

    // January 2019 (the baseline): eng 4 posts, 1 flag confirmed.
    const jan = await seed('2019-01-15T10:00:00Z', 'eng', [RULES.offer]);
    await decide(jan.flagId!, 'confirmed', '2019-01-16T10:00:00Z');
    for (let k = 0; k < 3; k++) await seed('2019-01-20T10:00:00Z', 'eng');

    // February 2019, in ISO week 2019-W07: eng 10 posts, 4 flags; fra 5 posts, 1 flag.
    const f1 = await seed('2019-02-12T09:00:00Z', 'eng', [RULES.offer, RULES.phone]); // confirmed, then reversed to dismissed (API)
    const f2 = await seed('2019-02-12T09:05:00Z', 'eng', [RULES.offer]); // confirmed
    const f3 = await seed('2019-02-12T09:10:00Z', 'eng', [RULES.phone]); // escalated (API)
    await seed('2019-02-12T09:15:00Z', 'eng', [RULES.offer]); // pending
    const twice = await seed('2019-02-13T10:00:00Z', 'eng');
    for (let k = 0; k < 5; k++) await seed('2019-02-13T10:00:00Z', 'eng');
    // the same post classified again (another ruleset) in the same month counts once
    await prisma.classification.create({ data: { postId: twice.postId, score: 0.1, label: 'benign', explanation: { hits: [] }, rulesetVersion: 'ruleset-eff-2', modelVersion: 'model-eff', policyVersion: 'policy-eff', flagThreshold: 0.7, workerId: 'worker-eff', createdAt: new Date('2019-02-20T10:00:00Z') } });
    // fra: the flag's explanation was erased by retention; its rules come from the classification's audit event
    const f5 = await seed('2019-02-14T10:00:00Z', 'fra', [RULES.route], { erased: true });
    await prisma.$transaction((tx) => appendAuditEvents(tx, [{ action: 'classification', outcome: 'success', actorId: 'worker-eff', actorRole: 'system', resourceType: 'post', resourceId: f5.postId, details: { classificationId: f5.classificationId, rules: [RULES.route], language: 'fra' } }]));
    await decide(f5.flagId!, 'dismissed', '2019-02-15T10:00:00Z');
    for (let k = 0; k < 4; k++) await seed('2019-02-14T10:00:00Z', 'fra');

    await decide(f2.flagId!, 'confirmed', '2019-02-13T10:00:00Z');
    const first = await decideByApi(f1.flagId!, 'confirmed');
    await decideByApi(f1.flagId!, 'dismissed', first);
    await decideByApi(f3.flagId!, 'escalated');

    // March 2019: eng 5 posts, no flag; fra 2 posts, 1 flag confirmed.
    for (let k = 0; k < 5; k++) await seed('2019-03-05T10:00:00Z', 'eng');
    const m = await seed('2019-03-06T10:00:00Z', 'fra', [RULES.route]);
    await decide(m.flagId!, 'confirmed', '2019-03-07T10:00:00Z');
    await seed('2019-03-06T11:00:00Z', 'fra');
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  const get = (key: string, query: Record<string, string>) => request(server()).get('/v1/reports/effectiveness').set('Authorization', `Bearer ${key}`).query(query);
  type Row = Record<string, unknown> & { period: string; language: string; rule: string };
  const row = (rows: Row[], period: string, language: string, rule = '*') => rows.find((r) => r.period === period && r.language === language && r.rule === rule);

  it('gives flags, verdict shares, precision, flag rate and drift per month, language and rule, exactly', async () => {
    const res = await get(analyst, { from: '2019-02-01', to: '2019-04-01' }).expect(200);
    expect(res.body).toMatchObject({ from: '2019-02-01T00:00:00.000Z', to: '2019-04-01T00:00:00.000Z', period: 'month', baselinePeriod: '2019-01', periods: ['2019-02', '2019-03'] });
    const rows: Row[] = res.body.rows;
    expect(rows.map((r) => `${r.period} ${r.language} ${r.rule}`)).toEqual([
      '2019-02 * *', '2019-02 * contact.phone', '2019-02 * offer.passage.eng', '2019-02 * route.pair',
      '2019-02 eng *', '2019-02 eng contact.phone', '2019-02 eng offer.passage.eng',
      '2019-02 fra *', '2019-02 fra route.pair',
      '2019-03 * *', '2019-03 * contact.phone', '2019-03 * offer.passage.eng', '2019-03 * route.pair',
      '2019-03 eng *', '2019-03 eng contact.phone', '2019-03 eng offer.passage.eng',
      '2019-03 fra *', '2019-03 fra route.pair',
    ]);
    expect(row(rows, '2019-02', 'eng')).toEqual({
      period: '2019-02', periodStart: '2019-02-01', language: 'eng', rule: '*', postsClassified: 10,
      flags: 4, confirmed: 1, dismissed: 1, escalated: 1, pending: 1,
      confirmedShare: 0.25, dismissedShare: 0.25, escalatedShare: 0.25, pendingShare: 0.25,
      precision: 0.5, flagRate: 0.4, previousFlagRate: 0.25, flagRateDrift: 0.15, flagRateDriftRelative: 0.6,
    });
    expect(row(rows, '2019-02', 'eng', RULES.offer)).toMatchObject({ postsClassified: 10, flags: 3, confirmed: 1, dismissed: 1, escalated: 0, pending: 1, precision: 0.5, flagRate: 0.3, previousFlagRate: 0.25, flagRateDrift: 0.05, flagRateDriftRelative: 0.2 });
    expect(row(rows, '2019-02', 'eng', RULES.phone)).toMatchObject({ flags: 2, confirmed: 0, dismissed: 1, escalated: 1, pending: 0, precision: 0, flagRate: 0.2, previousFlagRate: 0, flagRateDrift: 0.2, flagRateDriftRelative: null });
    expect(row(rows, '2019-02', 'fra')).toMatchObject({ postsClassified: 5, flags: 1, dismissed: 1, dismissedShare: 1, precision: 0, flagRate: 0.2, previousFlagRate: null, flagRateDrift: null, flagRateDriftRelative: null });
    expect(row(rows, '2019-02', 'fra', RULES.route)).toMatchObject({ flags: 1, dismissed: 1 });
    expect(row(rows, '2019-02', '*')).toMatchObject({ postsClassified: 15, flags: 5, confirmed: 1, dismissed: 2, escalated: 1, pending: 1, precision: 0.333333, flagRate: 0.333333, previousFlagRate: 0.25, flagRateDrift: 0.083333, flagRateDriftRelative: 0.333333 });
    expect(row(rows, '2019-03', 'eng')).toMatchObject({ postsClassified: 5, flags: 0, confirmedShare: null, pendingShare: null, precision: null, flagRate: 0, previousFlagRate: 0.4, flagRateDrift: -0.4, flagRateDriftRelative: -1 });
    expect(row(rows, '2019-03', 'eng', RULES.offer)).toMatchObject({ flags: 0, flagRate: 0, previousFlagRate: 0.3, flagRateDrift: -0.3, flagRateDriftRelative: -1 });
    expect(row(rows, '2019-03', 'fra')).toMatchObject({ postsClassified: 2, flags: 1, confirmed: 1, precision: 1, flagRate: 0.5, previousFlagRate: 0.2, flagRateDrift: 0.3, flagRateDriftRelative: 1.5 });
    expect(row(rows, '2019-03', '*')).toMatchObject({ postsClassified: 7, flags: 1, flagRate: 0.142857, previousFlagRate: 0.333333, flagRateDrift: -0.190476, flagRateDriftRelative: -0.571429 });
    // aggregates only
    expect(JSON.stringify(res.body)).not.toMatch(/Zuwara|ps_fake|fake_channel|7700/);
  });

  it('serves the same figures as CSV with a stable header', async () => {
    const res = await get(analyst, { from: '2019-02-01', to: '2019-04-01', format: 'csv' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('period,periodStart,language,rule,postsClassified,flags,confirmed,dismissed,escalated,pending,confirmedShare,dismissedShare,escalatedShare,pendingShare,precision,flagRate,previousFlagRate,flagRateDrift,flagRateDriftRelative');
    expect(lines).toContain('2019-02,2019-02-01,eng,*,10,4,1,1,1,1,0.25,0.25,0.25,0.25,0.5,0.4,0.25,0.15,0.6');
    expect(lines).toContain('2019-02,2019-02-01,fra,*,5,1,0,1,0,0,0,1,0,0,0,0.2,,,');
    expect(lines).toContain('2019-03,2019-03-01,eng,*,5,0,0,0,0,0,,,,,,0,0.4,-0.4,-1');
    expect(lines).toHaveLength(18 + 2); // header, 18 rows, and the empty string after the last CRLF
  });

  it('reports by ISO week, with the week before as the baseline', async () => {
    const res = await get(analyst, { from: '2019-02-11T00:00:00Z', to: '2019-02-18T00:00:00Z', period: 'week' }).expect(200);
    expect(res.body).toMatchObject({ period: 'week', baselinePeriod: '2019-W06', periods: ['2019-W07'] });
    expect(row(res.body.rows, '2019-W07', 'eng')).toMatchObject({ periodStart: '2019-02-11', postsClassified: 10, flags: 4, precision: 0.5, flagRate: 0.4, previousFlagRate: null, flagRateDrift: null });
  });

  it('is for analysts and auditors, not reviewers or supervisors (it spans every unit)', async () => {
    await get(reviewer, { from: '2019-02-01', to: '2019-04-01' }).expect(403);
    await get(analyst, { from: '2019-02-01', to: '2019-04-01' }).expect(200);
    await get(await apiKey(prisma, 'auditor', 'oversight-body'), { from: '2019-02-01', to: '2019-04-01' }).expect(200);
    await get(await apiKey(prisma, 'supervisor', unit), { from: '2019-02-01', to: '2019-04-01' }).expect(403);
  });

  it('answers 400 naming the bad parameter', async () => {
    const cases: [Record<string, string>, string[], RegExp][] = [
      [{ from: '2019-04-01', to: '2019-02-01' }, ['from'], /from must be before to/],
      [{ from: 'yesterday', to: '2019-02-01' }, ['from'], /^from:/],
      [{ from: '2019-02-01', to: '2019-04-01', period: 'year' }, ['period'], /period/],
      [{ from: '2019-02-01', to: '2019-04-01', format: 'xml' }, ['format'], /format/],
      [{ from: '2019-02-01' }, ['to'], /^to:/],
      [{ from: '2019-02-01', to: '2019-04-01', language: 'eng' }, ['language'], /unknown parameter\(s\): language/],
      [{ from: '2000-01-01', to: '2019-04-01', period: 'week' }, ['to'], /more than 520 periods/],
    ];
    for (const [query, parameters, message] of cases) {
      const res = await get(analyst, query).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'REPORT.BAD_QUERY', details: { parameters } });
      expect(res.body.message).toMatch(message);
    }
  });

  it('is produced by the CLI from the database, with the same CSV and an SVG chart', async () => {
    const root = join(__dirname, '..', '..');
    const svgFile = join(mkdtempSync(join(tmpdir(), 'smugwatch-eff-')), 'effectiveness.svg');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'cli.ts'), 'report:effectiveness', ...args], { encoding: 'utf8', env: process.env, timeout: 60_000 });
    const r = cli('--from', '2019-02-01', '--to', '2019-04-01', '--format', 'csv', '--chart', svgFile);
    expect(r.stderr).toContain(`chart written to ${svgFile}`);
    expect(r.status).toBe(0);
    const api = await get(analyst, { from: '2019-02-01', to: '2019-04-01', format: 'csv' }).expect(200);
    expect(r.stdout).toBe(api.text);
    const svg = readFileSync(svgFile, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/data-language="eng"/);
    expect(svg).toMatch(/data-language="fra"/);
    expect(svg).not.toMatch(/NaN/);
    // the table and a bad option, in-process (each spawn costs seconds of start-up)
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await reportEffectiveness({ json: false, values: { from: '2019-02-01', to: '2019-04-01' }, args: [] });
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/2019-02\s+eng\s+10\s+4\s+1\s+1\s+1\s+1\s+50\.0%\s+40\.0%\s+\+15\.0 pt/);
    } finally {
      log.mockRestore();
    }
    await expect(reportEffectiveness({ json: false, values: { from: '2019-02-01', to: '2019-04-01', period: 'day' }, args: [] })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^invalid --period/) });
    const cliAudit = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'consultation', resourceType: 'effectiveness_report', actorId: 'cli' }, orderBy: { seq: 'desc' } });
    expect(cliAudit.details).toMatchObject({ period: 'month', format: 'table', chart: false, rows: 18 });
  });

  it('records each read of the report in the audit log', async () => {
    const before = await prisma.auditEvent.count({ where: { action: 'consultation', resourceType: 'effectiveness_report' } });
    await get(analyst, { from: '2019-02-01', to: '2019-03-01' }).expect(200);
    const last = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'consultation', resourceType: 'effectiveness_report' }, orderBy: { seq: 'desc' } });
    expect(await prisma.auditEvent.count({ where: { action: 'consultation', resourceType: 'effectiveness_report' } })).toBe(before + 1);
    expect(last).toMatchObject({ actorRole: 'analyst', outcome: 'success', details: { from: '2019-02-01T00:00:00.000Z', to: '2019-03-01T00:00:00.000Z', period: 'month', format: 'json', rows: 9 } });
  });
});
