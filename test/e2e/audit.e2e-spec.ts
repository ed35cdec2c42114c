import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import request from 'supertest';
import { verifyAuditLog } from '../../src/audit/audit-reader';
import { appendAuditEvents } from '../../src/audit/audit-writer';
import { verifyExportFile } from '../../src/audit/export-verify';
import { loadPublicKey } from '../../src/audit/signing-key';
import { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, testPrisma } from '../support/harness';

const ROOT = join(__dirname, '..', '..');
const tsx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describe('tamper-evident audit log', () => {
  let api: INestApplication;
  let prisma: PrismaClient; // superuser: plays the operator who tampers
  let auditor: string;
  let admin: string;
  const publicKey = () => loadPublicKey(process.env.AUDIT_PUBLIC_KEY_FILE!);

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    auditor = await apiKey(prisma, 'auditor', 'oversight-body');
    admin = await apiKey(prisma, 'admin', 'operations');
    const reviewer = await apiKey(prisma, 'reviewer');
    await request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${reviewer}`).send({ provenance: PROVENANCE, posts: posts(3) }).expect(202);
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  const server = () => api.getHttpServer();
  const verifyNow = () => verifyAuditLog(prisma, publicKey());
  /** Runs `fn` with the audit triggers off (as a superuser could), then restores the table. */
  async function tampered<T>(change: string[], undo: string[], check: () => Promise<T>): Promise<T> {
    await prisma.$executeRawUnsafe('ALTER TABLE audit_event DISABLE TRIGGER USER');
    try {
      for (const sql of change) await prisma.$executeRawUnsafe(sql);
      return await check();
    } finally {
      for (const sql of undo) await prisma.$executeRawUnsafe(sql);
      await prisma.$executeRawUnsafe('ALTER TABLE audit_event ENABLE TRIGGER USER');
    }
  }
  const midSeq = async () => Number((await prisma.auditEvent.count()) >> 1);

  it('verifies over HTTP for an auditor, and records the checkpoint it signs', async () => {
    const c = await request(server()).post('/v1/audit/checkpoints').set('Authorization', `Bearer ${admin}`).expect(201);
    expect(c.body).toMatchObject({ seq: expect.any(Number), headHash: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String) });
    const v = await request(server()).get('/v1/audit/verify').set('Authorization', `Bearer ${auditor}`).expect(200);
    expect(v.body).toMatchObject({ ok: true, checkpoints: { verified: 1, total: 1 } });
    expect(await prisma.auditEvent.count({ where: { action: 'audit.checkpoint', details: { path: ['seq'], equals: c.body.seq } } })).toBe(1);
  });

  it('detects an edited row at its sequence number', async () => {
    const seq = await midSeq();
    const row = await prisma.auditEvent.findUniqueOrThrow({ where: { seq: BigInt(seq) } });
    const v = await tampered([`UPDATE audit_event SET reason = 'nothing to see' WHERE seq = ${seq}`], [`UPDATE audit_event SET reason = ${row.reason === null ? 'NULL' : `'${row.reason.replace(/'/g, "''")}'`} WHERE seq = ${seq}`], verifyNow);
    expect(v).toMatchObject({ ok: false, brokenAtSeq: seq, problem: 'hash_mismatch' });
    expect((await verifyNow()).ok).toBe(true);
  });

  it('detects a deleted row', async () => {
    const seq = await midSeq();
    await prisma.$executeRawUnsafe(`CREATE TABLE tamper_keep_row AS SELECT * FROM audit_event WHERE seq = ${seq}`);
    const v = await tampered([`DELETE FROM audit_event WHERE seq = ${seq}`], ['INSERT INTO audit_event SELECT * FROM tamper_keep_row', 'DROP TABLE tamper_keep_row'], verifyNow);
    expect(v).toMatchObject({ ok: false, brokenAtSeq: seq + 1, problem: 'seq_gap' });
  });

  it('detects two swapped rows', async () => {
    const seq = await midSeq();
    const swap = (a: number, b: number) => [
      `UPDATE audit_event SET seq = -1 WHERE seq = ${a}`, `UPDATE audit_event SET seq = ${a} WHERE seq = ${b}`, `UPDATE audit_event SET seq = ${b} WHERE seq = -1`,
    ];
    const v = await tampered(swap(seq, seq + 1), swap(seq, seq + 1), verifyNow);
    expect(v).toMatchObject({ ok: false, brokenAtSeq: seq });
    expect(['link_mismatch', 'seq_gap', 'hash_mismatch']).toContain(v.problem);
  });

  it('detects an inserted row', async () => {
    const seq = await midSeq();
    const v = await tampered(
      [`UPDATE audit_event SET seq = -seq WHERE seq > ${seq}`, `UPDATE audit_event SET seq = -seq + 1 WHERE seq < 0`,
        `INSERT INTO audit_event (seq, occurred_at, action, outcome, prev_hash, hash) SELECT ${seq + 1}, now(), 'forged', 'allow', hash, repeat('f', 64) FROM audit_event WHERE seq = ${seq}`],
      [`DELETE FROM audit_event WHERE seq = ${seq + 1}`, `UPDATE audit_event SET seq = -seq WHERE seq > ${seq + 1}`, `UPDATE audit_event SET seq = -seq - 1 WHERE seq < 0`],
      verifyNow,
    );
    expect(v).toMatchObject({ ok: false, brokenAtSeq: seq + 1, problem: 'hash_mismatch' });
  });

  it('detects a cut tail only through a checkpoint', async () => {
    const head = Number((await prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq);
    await request(server()).post('/v1/audit/checkpoints').set('Authorization', `Bearer ${admin}`).expect(201);
    await prisma.$executeRawUnsafe(`CREATE TABLE tamper_keep_tail AS SELECT * FROM audit_event WHERE seq > ${head - 3}`);
    const [withCheckpoints, chainOnly] = await tampered(
      [`DELETE FROM audit_event WHERE seq > ${head - 3}`],
      ['INSERT INTO audit_event SELECT * FROM tamper_keep_tail', 'DROP TABLE tamper_keep_tail'],
      async () => [await verifyNow(), await verifyAuditLog(prisma, publicKey(), [])],
    );
    expect(chainOnly.ok).toBe(true); // the chain alone cannot see a cut tail
    expect(withCheckpoints).toMatchObject({ ok: false, problem: 'truncated', brokenAtSeq: head - 2 });
    expect((await verifyNow()).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the application role', async () => {
    const app = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, options: '-c role=smugwatch_app' }) });
    try {
      await expect(app.$executeRawUnsafe('UPDATE audit_event SET reason = NULL WHERE seq = 1')).rejects.toThrow(/permission denied/);
      await expect(app.$executeRawUnsafe('DELETE FROM audit_event WHERE seq = 1')).rejects.toThrow(/permission denied/);
      await expect(app.$executeRawUnsafe('TRUNCATE audit_event')).rejects.toThrow(/permission denied/);
      await expect(app.$executeRawUnsafe('DELETE FROM audit_checkpoint')).rejects.toThrow(/permission denied/);
      const appended = await app.$transaction((tx) => appendAuditEvents(tx, [{ action: 'probe.append', outcome: 'success' }]));
      expect(appended[0]!.seq).toBeGreaterThan(1); // but it may append
    } finally {
      await app.$disconnect();
    }
  });

  it('keeps one gap-free order when many writers append at once', async () => {
    const other = testPrisma();
    try {
      const before = await prisma.auditEvent.count();
      await Promise.all(Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? other : prisma).$transaction((tx) => appendAuditEvents(tx, [{ action: 'probe.concurrent', outcome: 'success' }, { action: 'probe.concurrent', outcome: 'success' }]))));
      expect(await prisma.auditEvent.count()).toBe(before + 32);
      const v = await verifyNow();
      expect(v).toMatchObject({ ok: true, checked: before + 32 });
    } finally {
      await other.$disconnect();
    }
  });

  it('records every read of the audit log with its search terms and result count', async () => {
    const res = await request(server()).get('/v1/audit/events?action=collection&limit=5').set('Authorization', `Bearer ${auditor}`).set('X-Purpose', 'oversight').set('X-Request-Id', 'audit-read-probe').expect(200);
    expect(res.body.events.length).toBeGreaterThan(0);
    expect(res.body.events.every((e: { action: string }) => e.action === 'collection')).toBe(true);
    const meta = await prisma.auditEvent.findFirstOrThrow({ where: { requestId: 'audit-read-probe', action: 'consultation' } });
    expect(meta.details).toMatchObject({ searchTerms: { action: 'collection', limit: 5 }, resultCount: res.body.events.length });
    await request(server()).get('/v1/audit/events').set('Authorization', `Bearer ${auditor}`).expect(403);
    await request(server()).get('/v1/audit/events').set('Authorization', `Bearer ${admin}`).set('X-Purpose', 'oversight').expect(403);
  });

  it('exports NDJSON that verifies offline with only the public key, and fails when one byte changes', async () => {
    const res = await request(server()).get('/v1/audit/export').set('Authorization', `Bearer ${auditor}`).set('X-Purpose', 'oversight').set('X-Request-Id', 'export-probe').buffer(true).parse((r, cb) => {
      let data = '';
      r.on('data', (c: Buffer) => (data += c.toString()));
      r.on('end', () => cb(null, data));
    }).expect(200);
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, res.body as string);
    const good = await verifyExportFile(file, publicKey());
    expect(good).toMatchObject({ ok: true, partial: false });
    expect(good.checkpoints.verified).toBeGreaterThanOrEqual(2);

    const text = readFileSync(file, 'utf8');
    const bad = join(dir, 'tampered.ndjson');
    writeFileSync(bad, text.replace('"action":"collection"', '"action":"collectioN"'));
    expect((await verifyExportFile(bad, publicKey())).ok).toBe(false);

    const cli = tsx([join(ROOT, 'src', 'cli.ts'), 'audit:verify-export', bad, '--public-key', process.env.AUDIT_PUBLIC_KEY_FILE!]);
    expect(cli.status).toBe(3);
    expect(cli.stderr).toMatch(/BROKEN at seq \d+ \(hash_mismatch\)/);
    expect(await prisma.auditEvent.count({ where: { action: 'disclosure', requestId: 'export-probe', recipients: { has: 'oversight-body' } } })).toBe(1);
  });

  it('fails an export cut short of the head its header names, and files that are not exports', async () => {
    const res = await request(server()).get('/v1/audit/export').set('Authorization', `Bearer ${auditor}`).set('X-Purpose', 'oversight').buffer(true).parse((r, cb) => {
      let data = '';
      r.on('data', (c: Buffer) => (data += c.toString()));
      r.on('end', () => cb(null, data));
    }).expect(200);
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-cut-'));
    const lines = (res.body as string).split('\n').filter((l) => l.trim());
    const events = lines.filter((l) => l.startsWith('{"type":"event"'));
    // the header and the first half of the events, no checkpoint: every remaining link still holds
    const cut = join(dir, 'cut.ndjson');
    writeFileSync(cut, `${[lines[0], ...events.slice(0, Math.floor(events.length / 2))].join('\n')}\n`);
    expect(await verifyExportFile(cut, publicKey())).toMatchObject({ ok: false, problem: 'truncated', brokenAtSeq: Math.floor(events.length / 2) + 1 });
    // no header: not an export
    const headless = join(dir, 'headless.ndjson');
    writeFileSync(headless, `${lines.slice(1).join('\n')}\n`);
    await expect(verifyExportFile(headless, publicKey())).rejects.toThrow(/^line 1: not an audit export/);
    const cli = tsx([join(ROOT, 'src', 'cli.ts'), 'audit:verify-export', headless, '--public-key', process.env.AUDIT_PUBLIC_KEY_FILE!]);
    expect(cli.status).toBe(3);
    expect(cli.stderr.trim()).toMatch(/^error: .*headless\.ndjson:1: not an audit export: the first line must be the header/);
  });

  it('reads the log between two dates or date-times, and refuses a window that ends before it starts', async () => {
    const get = (query: Record<string, string>) => request(server()).get('/v1/audit/events').query(query).set('Authorization', `Bearer ${auditor}`).set('X-Purpose', 'oversight');
    const day = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    const dated = await get({ from: day, to: tomorrow, limit: '5' }).expect(200);
    expect(dated.body.events.length).toBeGreaterThan(0);
    const backwards = await get({ from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }).expect(400);
    expect(backwards.body).toMatchObject({ code: 'AUDIT.BAD_QUERY', details: { parameters: ['from'] } });
    expect(backwards.body.message).toMatch(/from must be before to/);
    expect((await get({ from: day, to: day }).expect(400)).body.details.parameters).toEqual(['from']);
    const bad = await get({ from: 'last week' }).expect(400);
    expect(bad.body).toMatchObject({ details: { parameters: ['from'] } });
    expect(bad.body.message).toMatch(/^from: expected an ISO 8601 date/);
  });

  it('records an export from the command line as a disclosure, as the API export is', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'audit-cli-export-')), 'log.ndjson');
    const r = tsx([join(ROOT, 'src', 'cli.ts'), 'audit:export', '--out', out, '--recipient', 'Oversight body X']);
    expect(r.status).toBe(0);
    const d = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'disclosure', actorId: 'cli' }, orderBy: { seq: 'desc' } });
    expect(d).toMatchObject({ resourceType: 'audit_log', recipients: ['Oversight body X'] });
    expect(d.details).toMatchObject({ via: 'cli', file: 'log.ndjson' });
    expect(readFileSync(out, 'utf8')).toContain(`"seq":${d.seq}`); // recorded before the log was read: the export holds it
  });

  it('refuses to start when a policy file has a type error, naming file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-policies-'));
    cpSync(join(ROOT, 'policies'), dir, { recursive: true });
    const roles = join(dir, 'access', 'roles.cedar');
    writeFileSync(roles, readFileSync(roles, 'utf8').replace('when { resource.unit == principal.unit };', 'when { resource.unit == 7 };'));
    const r = tsx([join(ROOT, 'src', 'main.ts')], { POLICIES_DIR: dir, PORT: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/api failed to start: .*roles\.cedar:\d+: policy "[a-z.-]+"/);
  });
});
