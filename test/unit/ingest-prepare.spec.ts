import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/audit/domain/hash-chain';
import { DomainError } from '../../src/common/errors';
import { formatPath } from '../../src/ingestion/domain/batch.schema';
import { decodeUtf8, firstInvalidUtf8Offset, parseIngestBody } from '../../src/ingestion/domain/body';
import { prepareBatch } from '../../src/ingestion/domain/prepare-batch';
import { normaliseHandle, pseudonymise } from '../../src/ingestion/domain/pseudonym';

const KEY = 'unit-test-pseudonym-key-0123456789abcdef';
const MAX = 100;

const provenance = () => ({
  sourcePlatform: 'telegram',
  collectionMethod: 'platform_export',
  legalBasis: 'Order 2025/117 of the investigating judge',
  collectedBy: 'officer-4411',
  collectedAt: '2025-03-01T10:00:00Z',
});
const post = (i: number, over: Record<string, unknown> = {}) => ({
  platform: 'telegram',
  platformPostId: `p-${i}`,
  url: `https://t.me/channel/${i}`,
  authorHandle: '@Crossing_Agent',
  text: `Safe crossing this week, message for price ${i}`,
  postedAt: '2025-02-28T09:30:00+01:00',
  visibility: 'public',
  ...over,
});
const batch = (posts: unknown[], prov: unknown = provenance()) => ({ provenance: prov, posts });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The DomainError thrown by `fn` (fails the test when it does not throw one). */
function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('prepareBatch', () => {
  it('prepares valid posts: lower-cased platform, pseudonym, parsed postedAt', () => {
    const sut = prepareBatch(batch([post(0, { platform: 'Telegram' })]), undefined, KEY, MAX);
    expect(sut.received).toBe(1);
    expect(sut.rejections).toEqual([]);
    expect(sut.provenance.legalBasis).toBe(provenance().legalBasis);
    expect(sut.posts).toEqual([
      expect.objectContaining({
        index: 0,
        platform: 'telegram',
        platformPostId: 'p-0',
        authorPseudonym: pseudonymise(KEY, 'telegram', 'crossing_agent'),
        postedAt: new Date('2025-02-28T08:30:00Z'),
      }),
    ]);
  });

  it.each([
    ['provenance.legalBasis', () => batch([post(0)], { ...provenance(), legalBasis: undefined })],
    ['provenance.legalBasis', () => batch([post(0)], { ...provenance(), legalBasis: ' x ' })],
    ['provenance.collectionMethod', () => batch([post(0)], { ...provenance(), collectionMethod: 'hacked' })],
    ['provenance.collectedAt', () => batch([post(0)], { ...provenance(), collectedAt: 'yesterday' })],
    ['provenance.secretSource', () => batch([post(0)], { ...provenance(), secretSource: 'x' })],
    ['provenance', () => ({ posts: [post(0)] })],
    ['posts', () => batch([])],
    ['', () => null],
  ])('refuses the whole batch with an issue at "%s"', (path, make) => {
    const sut = domainError(() => prepareBatch(make(), undefined, KEY, MAX));
    expect(sut.code).toBe('INGEST.INVALID_BATCH');
    expect(sut.kind).toBe('invalid');
    expect(sut.details?.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(sut.message).toContain(path || '(body)');
  });

  it.each([
    ['posts[1].visibility', { visibility: 'friends' }],
    ['posts[1].visibility', { visibility: undefined }],
    ['posts[1].url', { url: undefined }],
    ['posts[1].url', { url: 'ftp://example.org/x' }],
    ['posts[1].authorHandle', { authorHandle: '   ' }],
    ['posts[1].postedAt', { postedAt: '28/02/2025' }],
  ])('rejects only the bad post, at %s', (field, over) => {
    const sut = prepareBatch(batch([post(0), post(1, over), post(2)]), undefined, KEY, MAX);
    expect(sut.rejections).toEqual([{ index: 1, field, reason: expect.any(String) }]);
    expect(sut.posts.map((p) => p.index)).toEqual([0, 2]);
    expect(sut.received).toBe(3);
  });

  it.each([
    ['posts[1].lang', { lang: 'en' }],
    ['posts[1].authorHandle', { authorHandle: '\u200b' }],
    ['posts[1].authorHandle', { authorHandle: ' \u200b\u3164\u00a0' }],
    ['posts[1].platformPostId', { platformPostId: '\u200d' }],
    ['posts[1].postedAt', { postedAt: '2026-13-45' }],
    ['posts[1].postedAt', { postedAt: '2025-02-30T10:00:00Z' }],
  ])('rejects only the bad post, at %s (unknown keys, invisible names, impossible dates)', (field, over) => {
    const sut = prepareBatch(batch([post(0), post(1, over), post(2)]), undefined, KEY, MAX);
    expect(sut.rejections).toEqual([{ index: 1, field, reason: expect.any(String) }]);
    expect(sut.posts.map((p) => p.index)).toEqual([0, 2]);
  });

  it('reports every issue of a post, not only the first', () => {
    const sut = prepareBatch(batch([post(0, { url: 'not a url', authorHandle: '\u200b', lang: 'en', extra: 1 })]), undefined, KEY, MAX);
    expect(sut.rejections).toHaveLength(1);
    expect(sut.rejections[0]).toMatchObject({ index: 0, field: 'posts[0].url' });
    expect(sut.rejections[0]!.issues!.map((i) => i.field).sort()).toEqual(['posts[0].authorHandle', 'posts[0].extra', 'posts[0].lang', 'posts[0].url']);
    expect(sut.rejections[0]!.reason).toMatch(/posts\[0\]\.authorHandle: has only spaces or invisible characters/);
  });

  it('refuses a provenance field of invisible characters only', () => {
    const sut = domainError(() => prepareBatch(batch([post(0)], { ...provenance(), collectedBy: '\u200b\u200b' }), undefined, KEY, MAX));
    expect(sut.details?.issues).toEqual([{ path: 'provenance.collectedBy', message: 'has only spaces or invisible characters' }]);
  });

  it('explains the visibility rule in the rejection', () => {
    const sut = prepareBatch(batch([post(0, { visibility: 'private' })]), undefined, KEY, MAX);
    expect(sut.rejections[0]?.reason).toMatch(/public/);
  });

  it('keeps the NDJSON line of parse errors and of invalid posts', () => {
    const text = [
      JSON.stringify({ provenance: provenance() }),
      JSON.stringify(post(0)),
      '',
      '{"platform": "telegram", oops}',
      JSON.stringify(post(2, { visibility: 'friends' })),
      JSON.stringify(post(3)),
    ].join('\n');
    const parsed = parseIngestBody(Buffer.from(text), 'application/x-ndjson');
    expect(parsed.lines).toEqual([2, 4, 5, 6]);
    const sut = prepareBatch(parsed.value, parsed.lines, KEY, MAX);
    expect(sut.rejections).toEqual([
      { index: 1, line: 4, field: 'posts[1]', reason: expect.stringMatching(/^invalid JSON/) },
      { index: 2, line: 5, field: 'posts[2].visibility', reason: expect.any(String) },
    ]);
    expect(sut.posts.map((p) => p.platformPostId)).toEqual(['p-0', 'p-3']);
  });

  it('counts repeats of a (platform, post id) inside the batch and keeps the first', () => {
    const sut = prepareBatch(batch([post(0), post(1), post(0, { text: 'edited' }), post(0)]), undefined, KEY, MAX);
    expect(sut.inBatchDuplicates).toBe(2);
    expect(sut.posts.map((p) => [p.index, p.platformPostId])).toEqual([[0, 'p-0'], [1, 'p-1']]);
    expect(sut.posts[0]?.text).toBe(post(0).text);
  });

  it('does not count the same post id on another platform as a repeat', () => {
    const sut = prepareBatch(batch([post(0), post(0, { platform: 'facebook' })]), undefined, KEY, MAX);
    expect(sut.inBatchDuplicates).toBe(0);
    expect(sut.posts).toHaveLength(2);
  });

  // BUG src/ingestion/domain/prepare-batch.ts:74: the in-batch key uses the platform as sent, while
  // the stored platform is lower-cased (line 84), so "Telegram"/"telegram" with one post id give two
  // posts with the same stored (platform, platformPostId) and inBatchDuplicates 0.
  it('counts a repeat whose platform differs only in case', () => {
    const sut = prepareBatch(batch([post(0, { platform: 'Telegram' }), post(0, { platform: 'telegram' })]), undefined, KEY, MAX);
    expect(sut.posts).toHaveLength(1);
    expect(sut.inBatchDuplicates).toBe(1);
  });

  it('hashes the post as received: sha256 of its canonical JSON, independent of key order', () => {
    const received = post(0);
    const reordered = Object.fromEntries(Object.entries(received).reverse());
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(received));
    const a = prepareBatch(batch([received]), undefined, KEY, MAX).posts[0]!;
    const b = prepareBatch(batch([reordered]), undefined, KEY, MAX).posts[0]!;
    expect(a.rawSha256).toBe(sha256(canonicalJson(received)));
    expect(b.rawSha256).toBe(a.rawSha256);
  });

  it('hashes the platform record when one is given in `raw`', () => {
    const raw = { id: 991, from: { username: '@Crossing_Agent' }, message: 'boat' };
    const sut = prepareBatch(batch([post(0, { raw })]), undefined, KEY, MAX).posts[0]!;
    expect(sut.rawSha256).toBe(sha256(canonicalJson(raw)));
    expect(sut.rawSha256).not.toBe(sha256(canonicalJson(post(0, { raw }))));
  });

  it('stores no plaintext author handle in rawPayload, nested or not', () => {
    const handle = '@Crossing_Agent';
    const withRaw = post(1, { raw: { from: { username: handle }, forwards: [{ by: handle }], message: 'boat' } });
    const sut = prepareBatch(batch([post(0), withRaw]), undefined, KEY, MAX);
    for (const p of sut.posts) {
      expect(JSON.stringify(p.rawPayload)).not.toContain('Crossing_Agent');
      expect(p.authorPseudonym).toBe(pseudonymise(KEY, 'telegram', handle));
    }
    expect(sut.posts[1]?.rawPayload).toEqual({ from: { username: '[pseudonymised]' }, forwards: [{ by: '[pseudonymised]' }], message: 'boat' });
  });

  // BUG src/ingestion/domain/prepare-batch.ts:107: redaction compares exact strings, while handles
  // are case- and @-insensitive (pseudonym.ts normaliseHandle), so a platform record spelling the
  // handle without "@" or in another case keeps it in plaintext ("no plaintext handle reaches the
  // database", line 98).
  it('stores no plaintext handle when the record spells it without @ or in another case', () => {
    const sut = prepareBatch(batch([post(0, { authorHandle: '@Crossing_Agent', raw: { username: 'crossing_agent' } })]), undefined, KEY, MAX);
    expect(JSON.stringify(sut.posts[0]?.rawPayload).toLowerCase()).not.toContain('crossing_agent');
  });

  it('refuses a batch with more posts than allowed as too_large', () => {
    const sut = domainError(() => prepareBatch(batch([post(0), post(1), post(2)]), undefined, KEY, 2));
    expect(sut.kind).toBe('too_large');
    expect(sut.code).toBe('INGEST.TOO_MANY_POSTS');
    expect(sut.details).toEqual({ maxPosts: 2 });
  });

  it('accepts exactly the maximum number of posts', () => {
    expect(prepareBatch(batch([post(0), post(1)]), undefined, KEY, 2).posts).toHaveLength(2);
  });
});

describe('formatPath', () => {
  it('formats indices in brackets and keys with dots', () => {
    expect(formatPath(['posts', 3, 'raw', 'a'])).toBe('posts[3].raw.a');
    expect(formatPath([])).toBe('');
  });
});

describe('pseudonymise', () => {
  const sut = pseudonymise;

  it('gives ps_ + 32 hex and is stable', () => {
    const a = sut(KEY, 'telegram', 'crossing_agent');
    expect(a).toMatch(/^ps_[0-9a-f]{32}$/);
    expect(sut(KEY, 'telegram', 'crossing_agent')).toBe(a);
  });

  it('ignores case, a leading @ and surrounding spaces of the handle, and platform case', () => {
    const a = sut(KEY, 'telegram', 'crossing_agent');
    for (const h of ['@crossing_agent', 'Crossing_Agent', ' @@CROSSING_AGENT ']) expect(sut(KEY, 'telegram', h)).toBe(a);
    expect(sut(KEY, 'Telegram', 'crossing_agent')).toBe(a);
    expect(normaliseHandle(' @Crossing_Agent ')).toBe('crossing_agent');
  });

  it('differs by platform, by handle and by key', () => {
    const a = sut(KEY, 'telegram', 'crossing_agent');
    expect(sut(KEY, 'facebook', 'crossing_agent')).not.toBe(a);
    expect(sut(KEY, 'telegram', 'crossing_agent2')).not.toBe(a);
    expect(sut(`${KEY}-other`, 'telegram', 'crossing_agent')).not.toBe(a);
  });

  it('does not contain the handle', () => {
    expect(sut(KEY, 'telegram', 'abc')).not.toContain('abc');
  });
});

describe('firstInvalidUtf8Offset', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it.each([
    ['empty', bytes()],
    ['ASCII', bytes('hello, world')],
    ['Arabic', bytes('عبور آمن إلى إيطاليا')],
    ['4-byte emoji', bytes('boat 🚤 price 💶')],
    ['mixed scripts', bytes('Ünïcødé ½ 中文 مرحبا 😀')],
  ])('is -1 on valid %s text', (_name, buf) => {
    expect(firstInvalidUtf8Offset(buf)).toBe(-1);
  });

  it.each([
    ['a lone continuation byte', bytes('ab', [0x80], 'c'), 2],
    ['a continuation byte after an emoji', bytes('🚤', [0xbf]), 4],
    ['an overlong NUL (C0 80)', bytes('aé', [0xc0, 0x80], 'z'), 3],
    ['an overlong 3-byte form (E0 80 80)', bytes('x', [0xe0, 0x80, 0x80]), 1],
    ['a surrogate (ED A0 80)', bytes('🚤', [0xed, 0xa0, 0x80], 'ok'), 4],
    ['a code point above U+10FFFF (F4 90 80 80)', bytes('abc', [0xf4, 0x90, 0x80, 0x80]), 3],
    ['an invalid lead byte (F5)', bytes('ab', [0xf5, 0x80, 0x80, 0x80]), 2],
    ['a lead byte followed by ASCII', bytes('a', [0xe2, 0x41, 0x41]), 1],
    ['a truncated 4-byte sequence at the end', bytes('abc', [0xf0, 0x9f, 0x9a]), 3],
    ['a truncated 2-byte sequence at the end', bytes('عب', [0xd8]), 4],
  ])('gives the byte offset of %s', (_name, buf, offset) => {
    expect(firstInvalidUtf8Offset(buf)).toBe(offset);
  });

  it('decodeUtf8 refuses invalid UTF-8 with the byte offset', () => {
    const sut = domainError(() => decodeUtf8(bytes('{"a":"', [0xff], '"}')));
    expect(sut).toMatchObject({ code: 'INGEST.BAD_BODY', kind: 'invalid', details: { byteOffset: 6 } });
    expect(sut.message).toContain('byte offset 6');
  });
});

describe('parseIngestBody', () => {
  const json = JSON.stringify(batch([post(0)]));

  it('parses JSON by default and for application/json', () => {
    expect(parseIngestBody(Buffer.from(json), undefined)).toEqual({ format: 'json', value: JSON.parse(json) });
    expect(parseIngestBody(Buffer.from(json), 'application/json; charset=utf-8').format).toBe('json');
  });

  it('gives the line and column of a JSON syntax error', () => {
    const text = '{\n  "provenance": {},\n  "posts": [1,,2]\n}';
    const sut = domainError(() => parseIngestBody(Buffer.from(text), 'application/json'));
    const column = '  "posts": [1,,2]'.indexOf(',,') + 2;
    expect(sut.code).toBe('INGEST.BAD_BODY');
    expect(sut.details).toMatchObject({ line: 3, column });
    expect(sut.message).toContain(`line 3, column ${column}`);
  });

  it('reports an unterminated JSON body', () => {
    const sut = domainError(() => parseIngestBody(Buffer.from('{"provenance": {'), undefined));
    expect(sut.details).toMatchObject({ line: 1 });
  });

  it('refuses an empty JSON body', () => {
    expect(domainError(() => parseIngestBody(Buffer.alloc(0), undefined)).code).toBe('INGEST.BAD_BODY');
  });

  it('accepts a UTF-8 BOM in JSON and NDJSON', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(parseIngestBody(Buffer.concat([bom, Buffer.from(json)]), 'application/json').value).toEqual(JSON.parse(json));
    const nd = `${JSON.stringify({ provenance: provenance() })}\n${JSON.stringify(post(0))}\n`;
    const sut = parseIngestBody(Buffer.concat([bom, Buffer.from(nd)]), 'application/x-ndjson');
    expect(sut.value).toEqual({ provenance: provenance(), posts: [post(0)] });
  });

  it('parses NDJSON (CRLF too), skipping blank lines and numbering posts by line', () => {
    const nd = [JSON.stringify({ provenance: provenance() }), JSON.stringify(post(0)), '   ', JSON.stringify(post(1)), ''].join('\r\n');
    const sut = parseIngestBody(Buffer.from(nd), 'application/jsonl');
    expect(sut).toEqual({ format: 'ndjson', value: { provenance: provenance(), posts: [post(0), post(1)] }, lines: [2, 4] });
  });

  it.each([
    ['a posts object', '{"posts":[]}'],
    ['an array', '[{"provenance":{}}]'],
    ['null', 'null'],
  ])('refuses NDJSON whose first line is %s, naming line 1', (_name, first) => {
    const sut = domainError(() => parseIngestBody(Buffer.from(`${first}\n${JSON.stringify(post(0))}`), 'application/x-ndjson'));
    expect(sut.details).toEqual({ line: 1 });
    expect(sut.message).toMatch(/NDJSON line 1: the first line must be \{"provenance"/);
  });

  it('gives the right line of a syntax error in the NDJSON provenance line after blank lines', () => {
    const sut = domainError(() => parseIngestBody(Buffer.from('\n\n{"provenance": }\n'), 'application/x-ndjson'));
    expect(sut.details).toMatchObject({ line: 3 });
  });

  it.each(['', '\n\n', '  \r\n'])('refuses an empty NDJSON body (%j)', (text) => {
    const sut = domainError(() => parseIngestBody(Buffer.from(text), 'application/x-ndjson'));
    expect(sut.code).toBe('INGEST.BAD_BODY');
    expect(sut.message).toMatch(/empty/);
  });

  it('refuses invalid UTF-8 before parsing', () => {
    const sut = domainError(() => parseIngestBody(Buffer.from([0x7b, 0xc0, 0x80, 0x7d]), undefined));
    expect(sut.details).toEqual({ byteOffset: 1 });
  });
});
