import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { importCommand } from '../../src/cli/import-command';
import type { PrismaClient } from '../../src/generated/prisma/client';
import type { ImportSummary } from '../../src/ingestion/sources/domain/tally';
import { apiKey, startApi, testPrisma } from '../support/harness';

const DIR = join(__dirname, '..', 'fixtures', 'imports');
const QUERY = { legalBasis: 'Test authorisation 2026/002', collectedBy: 'officer-test-02', collectedAt: '2026-11-20T10:00:00Z' };

describe('importing platform exports through the API', () => {
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

  it('POST ?format=mastodon stores public posts as text, rejects non-public ones with their element, and audits the batch', async () => {
    const res = await request(api.getHttpServer())
      .post('/v1/ingest/batches').query({ format: 'mastodon', ...QUERY })
      .set('Authorization', `Bearer ${reviewer}`).set('Content-Type', 'application/json')
      .send(readFileSync(join(DIR, 'mastodon-statuses.json'), 'utf8'))
      .expect(202);
    expect(res.body).toMatchObject({ received: 4, accepted: 2, rejected: 2 });
    expect(res.body.rejections[0]).toMatchObject({ index: 2, reason: expect.stringContaining('(root)[2]: visibility "private" is not public') });
    const stored = await prisma.post.findMany({ where: { batchId: res.body.batchId }, orderBy: { platformPostId: 'asc' } }); // one insert: createdAt ties
    expect(stored[0]!.text).toMatch(/^\[CW\] travel offer\n\nSafe crossing to Spain & beyond/);
    expect(stored[0]!.authorPseudonym).toMatch(/^ps_/);
    const batch = await prisma.ingestBatch.findUniqueOrThrow({ where: { id: res.body.batchId } });
    expect(batch).toMatchObject({ sourcePlatform: 'mastodon', collectionMethod: 'platform_export', legalBasis: QUERY.legalBasis });
  });

  it('POST ?format=csv refuses a row with a broken quote at its line and keeps the rows it would have swallowed', async () => {
    const res = await request(api.getHttpServer())
      .post('/v1/ingest/batches').query({ format: 'csv', platform: 'telegram', map: 'id=post_ref,text=body,author=user,url=link,postedAt=created,visibility=audience', ...QUERY })
      .set('Authorization', `Bearer ${reviewer}`).set('Content-Type', 'text/csv')
      .send(readFileSync(join(DIR, 'broken-quote.csv'), 'utf8'))
      .expect(202);
    expect(res.body).toMatchObject({ received: 7, rejected: 2 });
    expect(res.body.rejections).toEqual([
      expect.objectContaining({ line: 5, reason: expect.stringContaining('malformed CSV record: the quote opened on line 5') }),
      expect.objectContaining({ line: 7, reason: expect.stringContaining('postedAt: invalid date') }),
    ]);
    const stored = await prisma.post.findMany({ where: { batchId: res.body.batchId }, orderBy: { platformPostId: 'asc' } });
    expect(stored.map((p) => [p.platformPostId, p.url, p.text])).toEqual([
      ['cq-1', 'https://t.me/fake_cq/1', 'Boat to Italy 2500 euro, call 07700 900111'],
      ['cq-2', 'https://t.me/fake_cq/2', 'A quoted field\nover two lines'],
      ['cq-4', 'https://t.me/fake_cq/4', 'ok'],
      ['cq-6', 'https://t.me/fake_cq/6', 'no zone'],
      ['cq-7', 'https://t.me/fake_cq/7', 'last "quoted" word'],
    ]);
  });

  it('POST ?format=csv with --map naming a column the header lacks answers 400', async () => {
    const res = await request(api.getHttpServer())
      .post('/v1/ingest/batches').query({ format: 'csv', map: 'id=post_ref,text=message', ...QUERY })
      .set('Authorization', `Bearer ${reviewer}`).set('Content-Type', 'text/csv')
      .send(readFileSync(join(DIR, 'broken-quote.csv'), 'utf8'))
      .expect(400);
    expect(res.body).toMatchObject({ code: 'INGEST.BAD_EXPORT', message: expect.stringContaining('text=message') });
  });

  it('POST ?format= with an unknown format, or without provenance, answers 400', async () => {
    const post = (q: object) => request(api.getHttpServer()).post('/v1/ingest/batches').query(q).set('Authorization', `Bearer ${reviewer}`).set('Content-Type', 'application/json').send('[]');
    expect((await post({ format: 'myspace', ...QUERY }).expect(400)).body.code).toBe('INGEST.BAD_FORMAT');
    expect((await post({ format: 'mastodon' }).expect(400)).body.code).toBe('INGEST.INVALID_BATCH');
  });

  it('the import command sends an NDJSON export in batches, reports refusals by line, and counts re-imports as duplicates', async () => {
    const server = api.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = async (): Promise<ImportSummary> => {
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
      try {
        await importCommand({
          json: true, args: [join(DIR, 'posts.ndjson')],
          values: { format: 'ndjson', api: url, key: reviewer, source: 'telegram', 'legal-basis': QUERY.legalBasis, 'collected-by': QUERY.collectedBy, 'collected-at': QUERY.collectedAt, 'batch-size': '1' },
        });
      } finally {
        process.stdout.write = write;
      }
      return JSON.parse(out.join('')) as ImportSummary;
    };
    const first = await run();
    expect(first.totals).toMatchObject({ posts: 2, imported: 2, duplicates: 1, refused: 4 });
    expect(first.batches).toHaveLength(2);
    expect(first.refusals.listed.map((r) => r.line)).toEqual([3, 4, 5, 8]);
    const again = await run();
    expect(again.totals).toMatchObject({ posts: 2, imported: 0, duplicates: 3 });
    const audited = await prisma.auditEvent.count({ where: { action: 'collection', resourceId: { in: first.batches.map((b) => b.batchId) } } });
    expect(audited).toBe(2);
  });
});
