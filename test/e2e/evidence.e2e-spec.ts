import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { loadPublicKey } from '../../src/audit/signing-key';
import { createHash } from 'node:crypto';
import { loadSigningKey } from '../../src/audit/signing-key';
import { buildPackage, verifyPackage, type EvidencePackageFile } from '../../src/evidence/domain/package';
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
    // a supervisor of another unit gets exactly the answer an unknown flag gets; the refusal is audited
    const other = await apiKey(prisma, 'supervisor', 'unit-other');
    const foreign = await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(other)).send({ flagIds: [flags[0]], recipient: 'Prosecutor office X', legalBasis: 'Art. 12 order 2026/3' }).expect(404);
    const unknown = await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(other)).send({ flagIds: ['00000000-0000-4000-8000-000000000000'], recipient: 'Prosecutor office X', legalBasis: 'Art. 12 order 2026/3' }).expect(404);
    expect(foreign.body.code).toBe(unknown.body.code);
    expect(await prisma.auditEvent.count({ where: { action: 'evidence.export', outcome: 'deny', resourceId: flags[0] } })).toBe(1);
    const res = await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(sup)).send({ flagIds: [flags[0]], recipient: 'Prosecutor office X', legalBasis: 'Art. 12 order 2026/3' }).expect(201);
    const pkg = res.body as EvidencePackageFile;
    const key = loadPublicKey(process.env.AUDIT_PUBLIC_KEY_FILE!);
    expect(verifyPackage(pkg, key)).toEqual({ ok: true, files: 8, rawPayloadsChecked: 1 });
    const names = pkg.manifest.files.map((f) => f.path.split('/').pop());
    expect(names).toEqual(['capture.json', 'classification.json', 'custody.json', 'decisions.json', 'identity.json', 'original-payload.json', 'payload.json', 'text.txt']);
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

  it('carries each author\'s original identity and the record as received, checked against rawSha256; the identities are disclosures', async () => {
    const tag = `ev-${Date.now()}`;
    const offer = (n: string) => `Boat to Italy from Zuwara every week, 2500 euro, safe and guaranteed arrival, contact WhatsApp +44 7700 900${n}`;
    const res = await request(api.getHttpServer()).post('/v1/ingest/batches').set('Authorization', `Bearer ${rev}`).send({
      provenance: { ...PROVENANCE, caseReference: 'CASE-EV-1' },
      posts: [
        // the platform's own record names the author twice, spelt two ways
        { platform: 'telegram', platformPostId: `${tag}-1`, url: `https://t.me/fake_channel_ev/${tag}-1`, authorHandle: '@fake_ev_author', text: offer('201'), visibility: 'public',
          raw: { id: 1, from: 'fake_ev_author', via: { handle: '@fake_ev_author', rank: 1.5 }, text: offer('201'), views: 12 } },
        // spelt in a case the sealed handle does not keep: the record cannot be rebuilt
        { platform: 'telegram', platformPostId: `${tag}-2`, url: `https://t.me/fake_channel_ev/${tag}-2`, authorHandle: '@Fake_EV_Mixed', text: offer('202'), visibility: 'public',
          raw: { id: 2, from: 'FAKE_ev_MIXED', text: offer('202') } },
      ],
    }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 2);
    const mine = await prisma.flag.findMany({ where: { post: { batchId: res.body.batchId } }, include: { post: true }, orderBy: { post: { platformPostId: 'asc' } } });
    expect(mine).toHaveLength(2);
    for (const f of mine) {
      await request(api.getHttpServer()).post(`/v1/flags/${f.id}/claim`).set({ ...h(rev), 'X-Purpose': 'review' }).expect(201);
      await request(api.getHttpServer()).post(`/v1/flags/${f.id}/decisions`).set({ ...h(rev), 'X-Purpose': 'review' }).send({ verdict: 'confirmed', rationale: 'price, route and contact: a crossing offer' }).expect(201);
    }
    // analysts and auditors never receive identities: they cannot export at all
    for (const role of ['analyst', 'auditor'] as const) {
      const k = await apiKey(prisma, role, 'unit-e');
      await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(k)).send({ flagIds: mine.map((f) => f.id), recipient: 'Court of Y', legalBasis: 'Order 2026/9' }).expect(403);
    }
    const out = await request(api.getHttpServer()).post('/v1/evidence/packages').set(h(sup)).set('X-Request-Id', 'evidence-identity-probe')
      .send({ flagIds: mine.map((f) => f.id), recipient: 'Court of Y', legalBasis: 'Order 2026/9' }).expect(201);
    const pkg = out.body as EvidencePackageFile;
    const key = loadPublicKey(process.env.AUDIT_PUBLIC_KEY_FILE!);
    expect(verifyPackage(pkg, key)).toEqual({ ok: true, files: 15, rawPayloadsChecked: 1 });

    const [first, second] = mine.map((f) => `posts/${f.postId}`);
    const identity = JSON.parse(pkg.files[`${first}/identity.json`]!);
    expect(identity).toMatchObject({ pseudonym: mine[0]!.post.authorPseudonym, platform: 'telegram', authorHandle: '@fake_ev_author', disclosedTo: 'Court of Y', caseReference: 'CASE-EV-1', legalBasis: 'Order 2026/9' });
    const original = pkg.files[`${first}/original-payload.json`]!;
    const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    expect(sha(original)).toBe(mine[0]!.post.rawSha256);
    expect(pkg.manifest.files.find((f) => f.path === `${first}/original-payload.json`)!.sha256).toBe(mine[0]!.post.rawSha256);
    expect(pkg.manifest.files.find((f) => f.path === `${first}/identity.json`)!.sha256).toBe(sha(pkg.files[`${first}/identity.json`]!));
    expect(JSON.parse(original)).toMatchObject({ from: 'fake_ev_author', via: { handle: '@fake_ev_author' } });
    expect(JSON.parse(pkg.files[`${first}/payload.json`]!)).toMatchObject({ from: '[pseudonymised]', via: { handle: '[pseudonymised]' } });
    expect(JSON.parse(pkg.files[`${second}/identity.json`]!)).toMatchObject({ authorHandle: '@Fake_EV_Mixed', rawSha256Check: expect.stringMatching(/^not available: no spelling/) });
    expect(pkg.files[`${second}/original-payload.json`]).toBeUndefined();
    expect(JSON.parse(pkg.files[`${first}/capture.json`]!).transformations.join(' ')).toMatch(/canonical JSON/);

    // A package re-signed by the key holder with another "original" still fails: it must hash to rawSha256
    // and be the stored payload with only the handle put back.
    const signer = loadSigningKey(process.env.AUDIT_SIGNING_KEY_FILE, false);
    const { format: _f, keyId: _k, files: _e, ...meta } = pkg.manifest;
    const resigned = (files: Record<string, string>) => buildPackage(meta, files, signer.privateKey, signer.publicKey);
    expect(verifyPackage(resigned({ ...pkg.files, [`${first}/original-payload.json`]: original.replace('"views":12', '"views":13') }), key))
      .toMatchObject({ ok: false, problem: expect.stringMatching(/does not hash to the rawSha256/) });
    const otherAuthor = JSON.stringify({ ...identity, authorHandle: '@fake_someone_else' });
    expect(verifyPackage(resigned({ ...pkg.files, [`${first}/identity.json`]: otherAuthor }), key))
      .toMatchObject({ ok: false, problem: expect.stringMatching(/not the original payload with the author handle replaced/) });

    const dir = mkdtempSync(join(tmpdir(), 'evidence-id-'));
    writeFileSync(join(dir, 'pkg.json'), JSON.stringify(pkg));
    const cli = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'cli.ts'), 'evidence:verify', join(dir, 'pkg.json'), '--public-key', process.env.AUDIT_PUBLIC_KEY_FILE!], { encoding: 'utf8', env: process.env });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/1 original payload\(s\) match their recorded rawSha256/);

    // Audited: the export (disclosure), one custody transfer and one identity disclosure per post, naming recipient and case; no handle in the log.
    const events = await prisma.auditEvent.findMany({ where: { requestId: 'evidence-identity-probe', outcome: 'success' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action).sort()).toEqual(['custody.transfer', 'custody.transfer', 'evidence.export', 'identity.reveal', 'identity.reveal']);
    for (const e of events.filter((x) => x.action === 'identity.reveal')) {
      expect(e).toMatchObject({ resourceType: 'post', recipients: ['Court of Y'], caseReference: 'CASE-EV-1', legalBasis: 'Order 2026/9' });
      expect(e.details).toMatchObject({ ledOperation: 'disclosure', via: 'evidence_package', packageId: pkg.manifest.packageId });
    }
    expect(JSON.stringify(events.map((e) => ({ ...e, seq: Number(e.seq) })))).not.toMatch(/fake_ev_author|Fake_EV_Mixed/i);
  });
  it('exports a flag whose batch was collected under a case only under that case (403 EVIDENCE.WRONG_CASE, audited); a batch without a case goes to any case', async () => {
    const server = api.getHttpServer();
    const res = await request(server).post('/v1/ingest/batches').set(h(rev)).send({ provenance: { ...PROVENANCE, caseReference: 'CASE-EV-BOUND' }, posts: posts(4).map((p) => ({ ...p, platformPostId: `bound-${p.platformPostId}` })) }).expect(202);
    await waitFor(async () => (await prisma.post.count({ where: { batchId: res.body.batchId, status: 'classified' } })) === 4);
    const bound = (await prisma.flag.findFirstOrThrow({ where: { post: { batchId: res.body.batchId } }, select: { id: true } })).id;
    await request(server).post(`/v1/flags/${bound}/claim`).set({ ...h(rev), 'X-Purpose': 'review' }).expect(201);
    await request(server).post(`/v1/flags/${bound}/decisions`).set({ ...h(rev), 'X-Purpose': 'review' }).send({ verdict: 'confirmed', rationale: 'price, route and contact: a crossing offer' }).expect(201);
    const body = (flagIds: string[]) => ({ flagIds, recipient: 'Court of W', legalBasis: 'Order 2026/11' });
    const other = { ...h(sup), 'X-Case-Reference': 'CASE-OTHER', 'X-Request-Id': 'evidence-wrong-case' };

    // alone, and with a flag collected without a case: only the bound flag is named, with its case
    for (const flagIds of [[bound], [flags[0]!, bound]]) {
      const wrong = await request(server).post('/v1/evidence/packages').set(other).send(body(flagIds)).expect(403);
      expect(wrong.body).toMatchObject({ code: 'EVIDENCE.WRONG_CASE', details: { wrongCase: [{ flagId: bound, caseReference: 'CASE-EV-BOUND' }] } });
      expect(wrong.body.message).toContain(`${bound} (case CASE-EV-BOUND)`);
      expect(wrong.body.message).not.toContain(flags[0]!);
    }
    const denies = await prisma.auditEvent.findMany({ where: { requestId: 'evidence-wrong-case', action: 'evidence.export', outcome: 'deny' } });
    expect(denies).toHaveLength(2);
    expect(denies[0]).toMatchObject({ resourceType: 'flag', resourceId: bound, caseReference: 'CASE-OTHER', details: { flags: [{ flagId: bound, caseReference: 'CASE-EV-BOUND' }] } });
    // nothing disclosed, no custody transfer, no package under the other case
    expect(await prisma.auditEvent.count({ where: { requestId: 'evidence-wrong-case', outcome: 'success' } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: 'identity.reveal', caseReference: 'CASE-OTHER' } })).toBe(0);
    expect(await prisma.evidencePackage.count({ where: { caseReference: 'CASE-OTHER' } })).toBe(0);

    // under its own case it goes, and so does a flag collected without a case (under any case)
    const own = await request(server).post('/v1/evidence/packages').set({ ...h(sup), 'X-Case-Reference': 'CASE-EV-BOUND' }).send(body([flags[0]!, bound])).expect(201);
    expect((own.body as EvidencePackageFile).manifest.caseReference).toBe('CASE-EV-BOUND');
    await request(server).post('/v1/evidence/packages').set(other).set('X-Request-Id', 'evidence-no-case').send(body([flags[0]!])).expect(201);
    expect(await prisma.auditEvent.count({ where: { requestId: 'evidence-no-case', action: 'identity.reveal', caseReference: 'CASE-OTHER' } })).toBe(1);
  });
});
