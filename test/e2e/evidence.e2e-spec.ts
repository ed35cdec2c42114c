import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { loadPublicKey } from '../../src/audit/signing-key';
import { verifyPackage, type EvidencePackageFile } from '../../src/evidence/domain/package';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { PROVENANCE, apiKey, posts, startApi, startWorker, testPrisma, waitFor } from '../support/harness';

const ROOT = join(__dirname, '..', '..');

describe('evidence packages', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let rev: string;
  let sup: string;
  let flags: string[];
  const h = (key: string) => ({ Authorization: `Bearer ${key}`, 'X-Purpose': 'investigation', 'X-Case-Reference': 'CASE-EV-1' });

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    worker = await startWorker();
    rev = await apiKey(prisma, 'reviewer', 'unit-e');
    sup = await apiKey(prisma, 'supervisor', 'unit-e');
    const res = await request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${rev}`).send({ provenance: PROVENANCE, posts: posts(4) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 4);
    flags = (await prisma.flag.findMany({ where: { post: { batchId: res.body.batchId } }, orderBy: { id: 'asc' } })).map((f) => f.id);
    await request(api.getHttpServer()).post(`/v1/flags/${flags[0]}/claim`).set({ ...h(rev), 'X-Purpose': 'review' }).expect(201);
    await request(api.getHttpServer()).post(`/v1/flags/${flags[0]}/decisions`).set({ ...h(rev), 'X-Purpose': 'review' }).send({ verdict: 'confirmed', rationale: 'price, route and contact: a crossing offer' }).expect(201);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await prisma?.$disconnect();
  });

  it('builds a signed package for confirmed flags that verifies offline, and fails when one byte changes', async () => {
    await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(rev)).send({ flagIds: [flags[0]], recipient: 'Prosecutor office X', legalBasis: 'Art. 12 order 2026/3' }).expect(403);
    const notConfirmed = await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(sup)).send({ flagIds: [flags[1]], recipient: 'Prosecutor office X', legalBasis: 'Art. 12 order 2026/3' }).expect(409);
    expect(notConfirmed.body.code).toBe('EVIDENCE.NOT_CONFIRMED');
    const res = await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(sup)).send({ flagIds: [flags[0]], recipient: 'Prosecutor office X', legalBasis: 'Art. 12 order 2026/3' }).expect(201);
    const pkg = res.body as EvidencePackageFile;
    const key = loadPublicKey(process.env.AUDIT_PUBLIC_KEY_FILE!);
    expect(verifyPackage(pkg, key)).toEqual({ ok: true, files: 6 });
    const names = pkg.manifest.files.map((f) => f.path.split('/').pop());
    expect(names).toEqual(['capture.json', 'classification.json', 'custody.json', 'decisions.json', 'payload.json', 'text.txt']);
    const custodyPath = pkg.manifest.files.find((f) => f.path.endsWith('custody.json'))!.path;
    expect(JSON.parse(pkg.files[custodyPath]!).map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['collection', 'classification', 'flag', 'review.decision']));

    const tampered = { ...pkg, files: { ...pkg.files, [custodyPath]: pkg.files[custodyPath]!.replace('collection', 'Collection') } };
    expect(verifyPackage(tampered, key)).toMatchObject({ ok: false, problem: expect.stringMatching(/file changed/) });
    expect(verifyPackage({ ...pkg, manifest: { ...pkg.manifest, recipient: 'someone else' } }, key)).toMatchObject({ ok: false });

    const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify(pkg));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(tampered));
    const cli = (f: string) => spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'cli.ts'), 'evidence:verify', join(dir, f), '--public-key', process.env.AUDIT_PUBLIC_KEY_FILE!], { encoding: 'utf8', env: process.env });
    expect(cli('good.json').status).toBe(0);
    const bad = cli('bad.json');
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/FAILS verification: file changed/);

    expect(await prisma.auditEvent.count({ where: { action: 'evidence.export', recipients: { has: 'Prosecutor office X' } } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: 'custody.transfer', resourceType: 'post' } })).toBeGreaterThanOrEqual(1);
  });
});
