import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import request from 'supertest';
import { exportAuditLog, verifyAuditLog } from '../../src/audit/audit-reader';
import { appendAuditEvents } from '../../src/audit/audit-writer';
import { takeCheckpoint } from '../../src/audit/checkpoints';
import type { Checkpoint } from '../../src/audit/domain/checkpoint';
import { verifyExportFile } from '../../src/audit/export-verify';
import { loadSigningKey } from '../../src/audit/signing-key';
import { PrismaClient } from '../../src/generated/prisma/client';
import type { RetentionPolicy } from '../../src/policy/domain/policy.schema';
import { dropTestDatabase, ensureDatabase } from '../../src/prisma/database';
import { eraseExpiredAuditEvents } from '../../src/retention/audit-erasure';
import { ERASED, enforceRetention } from '../../src/retention/enforce';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

const DAY = 86_400_000;
const POLICY: RetentionPolicy = {
  version: 1, unflaggedPostsDays: 90, dismissedFlagsDays: 180, confirmedFlagsDays: 1825, evidencePackagesDays: 1825, auditEventsDays: 365,
  legalHolds: [{ caseReference: 'HOLD-RET-1', reason: 'kept for proceedings' }],
};

describe('retention with a fake clock', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let reviewer: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    reviewer = await apiKey(prisma, 'reviewer', 'unit-ret');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  async function ingest(caseReference?: string): Promise<string> {
    const res = await request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`)
      .send({ provenance: { ...PROVENANCE, ...(caseReference ? { caseReference } : {}) }, posts: posts(4) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 4);
    return res.body.batchId;
  }

  it('deletes exactly what the policy says, spares legal holds, and audits each erasure without content', async () => {
    const open = await ingest();
    const held = await ingest('HOLD-RET-1');
    const dismissedFlag = (await prisma.flag.findFirstOrThrow({ where: { post: { batchId: open } } })).id;
    await prisma.flag.update({ where: { id: dismissedFlag }, data: { status: 'dismissed' } });
    const now = Date.now();

    const early = await enforceRetention(prisma, POLICY, new Date(now + 30 * DAY));
    expect(early.unflaggedPostsDeleted).toBe(0); // nothing is old enough yet
    expect(await prisma.post.count({ where: { batchId: open } })).toBe(4);

    const r1 = await enforceRetention(prisma, POLICY, new Date(now + 100 * DAY));
    expect(r1.unflaggedPostsDeleted).toBeGreaterThanOrEqual(2);
    expect(await prisma.post.count({ where: { batchId: open } })).toBe(2); // the two flagged posts stay
    expect(await prisma.post.count({ where: { batchId: held } })).toBe(4); // legal hold
    expect(r1.dismissedPostsErased).toBe(0); // 100 days < 180

    const r2 = await enforceRetention(prisma, POLICY, new Date(now + 200 * DAY));
    expect(r2.dismissedPostsErased).toBeGreaterThanOrEqual(1); // other suites may have dismissed flags too
    const erased = await prisma.flag.findUniqueOrThrow({ where: { id: dismissedFlag }, include: { post: true, classification: true } });
    expect(erased.post.text).toBe(ERASED);
    expect(erased.post.rawPayload).toEqual({ erased: true });
    expect(erased.classification.explanation).toEqual({ erased: true });
    const confirmedLike = await prisma.flag.findFirstOrThrow({ where: { post: { batchId: open }, id: { not: dismissedFlag } }, include: { post: true } });
    expect(confirmedLike.post.text).not.toBe(ERASED); // pending flag: not a dismissed one

    const events = await prisma.auditEvent.findMany({ where: { action: 'erasure' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.resourceType)).toEqual(expect.arrayContaining(['unflagged_posts', 'dismissed_flag_content']));
    for (const e of events) expect(JSON.stringify(e.details)).not.toMatch(/Boat|Warning|fake_/);
    // a fake clock moves the cutoffs, never the log's clock: the events carry the real time and say it was simulated
    for (const e of events) expect(Math.abs(e.occurredAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    expect((events.at(-1)!.details as { simulatedNow?: string }).simulatedNow).toBe(new Date(now + 200 * DAY).toISOString());
  });
});

/**
 * The audit log's own erasure runs on a database of its own: it erases a prefix of the chain, and
 * only events older than 183 days by the database clock, so this suite writes such events itself
 * (through the application role, with their times set in the past) before any other event.
 */
describe('erasing the audit log after auditEventsDays', () => {
  const ROOT = join(__dirname, '..', '..');
  const tsx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  const url = (() => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = u.pathname.replace(/_test$/, '_erasure_test');
    return u.toString();
  })();
  const cli = (...args: string[]) => tsx([join(ROOT, 'src', 'cli.ts'), ...args], { DATABASE_URL: url });
  const key = loadSigningKey(process.env.AUDIT_SIGNING_KEY_FILE, false);
  const t0 = Date.now();
  const ago = (days: number) => new Date(t0 - days * DAY);
  let owner: PrismaClient; // the database owner (a superuser here): plays the operator
  let app: PrismaClient; // the service's role, smugwatch_app
  const cp: Record<'A' | 'B' | 'C' | 'D', Checkpoint> = {} as never;
  const checkpointId = async (seq: number) => (await owner.auditCheckpoint.findFirstOrThrow({ where: { seq: BigInt(seq) } })).id;
  const firstSeq = async () => Number((await owner.auditEvent.findFirstOrThrow({ orderBy: { seq: 'asc' } })).seq);
  const verifyNow = () => verifyAuditLog(app, key.publicKey);

  beforeAll(async () => {
    await ensureDatabase(url);
    const m = tsx([join(ROOT, 'scripts', 'db-migrate.ts')], { DATABASE_URL: url });
    if (m.status !== 0) throw new Error(`migration of ${url} failed:\n${m.stdout}\n${m.stderr}`);
    owner = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    app = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, options: '-c role=smugwatch_app' }) });
    const append = (n: number, days: number) => app.$transaction((tx) => appendAuditEvents(tx, Array.from({ length: n }, (_, i) => ({
      actorId: 'officer-test-01', action: 'consultation', outcome: 'success' as const, resourceType: 'post', resourceId: `probe-${days}-${i}`,
    })), ago(days)));
    const checkpoint = async (days: number) => (await takeCheckpoint(app, key, { actorId: 'scheduler', actorRole: 'system' }, ago(days)))!;
    // seq 1-5 (500 days ago), checkpoint A at 5 (its event: 6); 7-10 (400 days), B at 10 (11);
    // 12-14 (100 days), C at 14 (15); 16-17 (now), D at 17 (18).
    await append(5, 500);
    cp.A = await checkpoint(500);
    await append(4, 400);
    cp.B = await checkpoint(400);
    await append(3, 100);
    cp.C = await checkpoint(100);
    await append(2, 0);
    cp.D = await checkpoint(0);
    expect([cp.A.seq, cp.B.seq, cp.C.seq, cp.D.seq]).toEqual([5, 10, 14, 17]);
  }, 180_000);
  afterAll(async () => {
    await app?.$disconnect();
    await owner?.$disconnect();
    await dropTestDatabase(url);
  });

  /** Runs SQL as the owner with the audit triggers off (as a superuser could), then restores the table. */
  async function tampered<T>(change: string[], check: () => Promise<T>): Promise<T> {
    await owner.$executeRawUnsafe('CREATE TABLE tamper_keep AS SELECT * FROM audit_event');
    await owner.$executeRawUnsafe('ALTER TABLE audit_event DISABLE TRIGGER USER');
    try {
      for (const sql of change) await owner.$executeRawUnsafe(sql);
      return await check();
    } finally {
      await owner.$executeRawUnsafe('DELETE FROM audit_event');
      await owner.$executeRawUnsafe('INSERT INTO audit_event SELECT * FROM tamper_keep');
      await owner.$executeRawUnsafe('DROP TABLE tamper_keep');
      await owner.$executeRawUnsafe('ALTER TABLE audit_event ENABLE TRIGGER USER');
    }
  }

  it('retention:run --now erases exactly up to the newest checkpoint with every event past the cutoff, and audits it without content', async () => {
    // cutoff: 365 days before now. Events up to seq 11 are 400-500 days old, seq 12 is 100 days old:
    // checkpoint B (seq 10) is the newest whose events are all past the cutoff.
    const r = cli('retention:run', '--now', new Date(t0).toISOString(), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ auditEventsErased: 10, auditErasure: { count: 10, firstSeq: 1, lastSeq: 10, anchorCheckpoint: { seq: 10, headHash: cp.B.headHash } } });
    expect(await firstSeq()).toBe(11);
    expect(await owner.auditEvent.count({ where: { seq: { lte: 10n } } })).toBe(0);
    expect(await owner.auditCheckpoint.count()).toBe(4); // checkpoints hold no content: all kept

    const erasure = await owner.auditEvent.findMany({ where: { action: 'erasure' } });
    expect(erasure).toHaveLength(1);
    expect(erasure[0]).toMatchObject({ resourceType: 'audit_events', actorId: 'cli', seq: BigInt(out.auditErasure.recordedAtSeq) });
    expect(erasure[0]!.details).toEqual({
      ledOperation: 'erasure', kind: 'audit_events', count: 10, firstSeq: 1, lastSeq: 10, olderThanDays: 365, floorDays: 183, heldCases: 1,
      anchorCheckpoint: { seq: 10, headHash: cp.B.headHash, signedAt: cp.B.signedAt, keyId: cp.B.keyId },
    });
    expect(JSON.stringify({ ...erasure[0], seq: undefined })).not.toMatch(/probe-|officer-test/);

    // Run again at the same time: nothing more qualifies (seq 11 is old, but no checkpoint at 11).
    const again = JSON.parse(cli('retention:run', '--now', new Date(t0).toISOString(), '--json').stdout);
    expect(again.auditEventsErased).toBe(0);
    expect(await owner.auditEvent.count({ where: { action: 'erasure' } })).toBe(1);
  });

  it('still verifies afterwards, anchored at the checkpoint: database, CLI, API, export and offline', async () => {
    const v = await verifyNow();
    expect(v).toMatchObject({ ok: true, firstSeq: 11, anchor: { seq: 10, headHash: cp.B.headHash }, checkpoints: { total: 4, beforeAnchor: 1, verified: 3 } });

    const c = cli('audit:verify');
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/events 1\.\.10 erased under the retention policy, verified from the signed checkpoint at seq 10/);

    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    const api = await startApi().finally(() => (process.env.DATABASE_URL = saved));
    try {
      const auditor = await apiKey(owner, 'auditor', 'oversight-body');
      const res = await request(api.getHttpServer()).get('/v1/audit/verify').set('Authorization', `Bearer ${auditor}`).expect(200);
      expect(res.body).toMatchObject({ ok: true, firstSeq: 11, anchor: { seq: 10 } });
    } finally {
      await api.close();
    }

    const dir = mkdtempSync(join(tmpdir(), 'audit-erased-'));
    const file = join(dir, 'export.ndjson');
    const lines: string[] = [];
    for await (const line of exportAuditLog(app, key.publicPem, new Date())) lines.push(line);
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'header', firstSeq: 11 });
    expect(await verifyExportFile(file, key.publicKey)).toMatchObject({ ok: true, partial: true, anchor: { seq: 10 } });
    const offline = cli('audit:verify-export', file, '--public-key', process.env.AUDIT_PUBLIC_KEY_FILE!);
    expect(offline.status).toBe(0);

    // An export whose first remaining event was dropped has no anchor any more.
    const cut = join(dir, 'cut.ndjson');
    const text = readFileSync(file, 'utf8').split('\n');
    writeFileSync(cut, text.filter((l) => !l.startsWith('{"type":"event"') || JSON.parse(l).seq !== 11).join('\n'));
    expect(await verifyExportFile(cut, key.publicKey)).toMatchObject({ ok: false, problem: 'unanchored', brokenAtSeq: 12 });
    const bad = cli('audit:verify-export', cut, '--public-key', process.env.AUDIT_PUBLIC_KEY_FILE!);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/BROKEN at seq 12 \(unanchored\)/);
  }, 120_000);

  it('still detects a tampered remaining event, a missing first event, and a prefix cut by hand', async () => {
    expect(await tampered(["UPDATE audit_event SET reason = 'nothing to see' WHERE seq = 12"], verifyNow)).toMatchObject({ ok: false, brokenAtSeq: 12, problem: 'hash_mismatch' });
    expect(await tampered(['DELETE FROM audit_event WHERE seq = 11'], verifyNow)).toMatchObject({ ok: false, brokenAtSeq: 12, problem: 'unanchored' });
    // cut up to checkpoint C: anchored, but no erasure event in the log records that erasure
    expect(await tampered(['DELETE FROM audit_event WHERE seq <= 14'], verifyNow)).toMatchObject({ ok: false, problem: 'unrecorded_erasure', brokenAtSeq: 15 });
    expect((await verifyNow()).ok).toBe(true);
  });

  it('still refuses a plain DELETE, to the application role and to the owner, even with the erasure setting forged', async () => {
    await expect(app.$executeRawUnsafe('DELETE FROM audit_event WHERE seq = 11')).rejects.toThrow(/permission denied/);
    await expect(app.$transaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT set_config('smugwatch.audit_erasure_through', '999', true)");
      await tx.$executeRawUnsafe('DELETE FROM audit_event WHERE seq = 11');
    })).rejects.toThrow(/permission denied/);
    await expect(owner.$executeRawUnsafe('DELETE FROM audit_event WHERE seq = 11')).rejects.toThrow(/append-only/);
    await expect(owner.$transaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT set_config('smugwatch.audit_erasure_through', '999', true)");
      await tx.$executeRawUnsafe('DELETE FROM audit_event WHERE seq = 16'); // written now: under the floor
    })).rejects.toThrow(/append-only/);
    await expect(owner.$executeRawUnsafe('UPDATE audit_event SET reason = NULL WHERE seq = 11')).rejects.toThrow(/append-only/);
    // only smugwatch_app (and the owner) may execute the erasure function, not PUBLIC
    const [acl] = await owner.$queryRaw<{ acl: string }[]>`SELECT proacl::text AS acl FROM pg_proc WHERE proname = 'audit_erase_through_checkpoint'`;
    expect(acl!.acl).toMatch(/smugwatch_app=X/);
    expect(acl!.acl).not.toMatch(/[{,]=X/);
    expect(await firstSeq()).toBe(11);
  });

  it('erases nothing younger than 183 days, even with a far-future clock or by calling the function directly', async () => {
    const farFuture = new Date(t0 + 1000 * DAY); // the policy cutoff alone would now cover every event
    const r = await enforceRetention(app, POLICY, farFuture, { actorId: 'retention', actorRole: 'system' }, { auditPublicKey: key.publicKey });
    expect(r.auditEventsErased).toBe(0);
    const call = (seq: number, cutoff: Date) => app.$transaction(async (tx) => tx.$queryRaw`SELECT * FROM audit_erase_through_checkpoint(${(await checkpointId(seq))}::uuid, ${cutoff}::timestamptz)`);
    await expect(call(cp.C.seq, farFuture)).rejects.toThrow(/183-day floor/);
    await expect(call(cp.D.seq, farFuture)).rejects.toThrow(/183-day floor|head of the chain/);
    await expect(call(cp.C.seq, ago(200))).rejects.toThrow(/not older than the cutoff/);
    expect(await firstSeq()).toBe(11);
    expect((await verifyNow()).ok).toBe(true);
  });
});

/**
 * The chain of custody of evidence lives as long as the evidence: the audit log is not erased from the first
 * event on a confirmed post (or its flag) whose content is still kept. A database of its own, as above.
 */
describe('audit erasure and the chain of custody of kept evidence', () => {
  const ROOT = join(__dirname, '..', '..');
  const url = (() => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = u.pathname.replace(/_test$/, '_custody_test');
    return u.toString();
  })();
  const key = loadSigningKey(process.env.AUDIT_SIGNING_KEY_FILE, false);
  const t0 = Date.now();
  const ago = (days: number) => new Date(t0 - days * DAY);
  let owner: PrismaClient;
  let app: PrismaClient;
  let postId: string;

  beforeAll(async () => {
    await ensureDatabase(url);
    const m = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'db-migrate.ts')], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 120_000 });
    if (m.status !== 0) throw new Error(`migration of ${url} failed:\n${m.stdout}\n${m.stderr}`);
    owner = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    app = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, options: '-c role=smugwatch_app' }) });
    const who = await owner.principal.create({ data: { name: 'custody-reviewer', role: 'reviewer', unit: 'unit-c' } });
    const batch = await owner.ingestBatch.create({
      data: { submittedById: who.id, sourcePlatform: 'telegram', collectionMethod: 'manual_capture', legalBasis: 'test', collectedBy: 'officer-test-01', collectedAt: ago(501), receivedCount: 1, acceptedCount: 1, duplicateCount: 0, rejectedCount: 0 },
    });
    const post = await owner.post.create({ data: { batchId: batch.id, platform: 'telegram', platformPostId: 'c-1', url: 'https://t.me/fake_channel/1', authorPseudonym: 'ps_test', text: 'an offer kept as evidence', rawPayload: {}, rawSha256: '0'.repeat(64) } });
    postId = post.id;
    const c = await owner.classification.create({ data: { postId, score: 0.9, label: 'smuggling_ad', explanation: {}, rulesetVersion: 'r', modelVersion: 'm', policyVersion: 'p', flagThreshold: 0.6, workerId: 'w', flagged: true } });
    await owner.flag.create({ data: { postId, classificationId: c.id, score: 0.9, language: 'eng', status: 'confirmed' } });
    const append = (inputs: { resourceType: string; resourceId: string }[], days: number) =>
      app.$transaction((tx) => appendAuditEvents(tx, inputs.map((i) => ({ actorId: 'officer-test-01', action: 'consultation', outcome: 'success' as const, ...i })), ago(days)));
    // seq 1-5 (500 days ago; seq 3 is a custody event of the confirmed post), checkpoint at 5 (event 6);
    // 7-10 (400 days), checkpoint at 10 (event 11); 12-13 (now), checkpoint at 13.
    await append([1, 2, 3, 4, 5].map((i) => (i === 3 ? { resourceType: 'post', resourceId: postId } : { resourceType: 'post', resourceId: `probe-${i}` })), 500);
    await takeCheckpoint(app, key, { actorId: 'scheduler', actorRole: 'system' }, ago(500));
    await append([7, 8, 9, 10].map((i) => ({ resourceType: 'post', resourceId: `probe-${i}` })), 400);
    await takeCheckpoint(app, key, { actorId: 'scheduler', actorRole: 'system' }, ago(400));
    await append([12, 13].map((i) => ({ resourceType: 'post', resourceId: `probe-${i}` })), 0);
    await takeCheckpoint(app, key, { actorId: 'scheduler', actorRole: 'system' }, ago(0));
  }, 180_000);
  afterAll(async () => {
    await app?.$disconnect();
    await owner?.$disconnect();
    await dropTestDatabase(url);
  });

  const erase = () => eraseExpiredAuditEvents(app, { now: new Date(t0), days: 365, heldCases: [], publicKey: key.publicKey, actor: { actorId: 'retention', actorRole: 'system' } });

  it('keeps every event from the first custody event of a confirmed post whose content is kept', async () => {
    expect(await erase()).toBeNull(); // seq 3 must stay, and no checkpoint lies before it
    expect(await owner.auditEvent.count()).toBe(14);
  });

  it('erases up to the newest qualifying checkpoint once that evidence is erased', async () => {
    await owner.post.update({ where: { id: postId }, data: { text: ERASED } });
    const r = await erase();
    expect(r).toMatchObject({ count: 10, firstSeq: 1, lastSeq: 10 });
    expect((await verifyAuditLog(app, key.publicKey)).ok).toBe(true);
  });
});
