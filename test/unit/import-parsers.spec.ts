import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openExport, type ExportItem, type ReadOptions } from '../../src/ingestion/sources/read-export';
import { readJsonDocument } from '../../src/ingestion/sources/json-document';
import { ImportTally } from '../../src/ingestion/sources/domain/tally';
import { parseMapping } from '../../src/ingestion/sources/domain/tabular';
import { toUtc } from '../../src/ingestion/sources/domain/dates';
import type { SourcePost } from '../../src/ingestion/sources/domain/types';
import { importCommand } from '../../src/cli/import-command';
import { keysCreate } from '../../src/cli/commands';
import { CliError } from '../../src/cli/output';

const DIR = join(__dirname, '..', 'fixtures', 'imports');

async function run(file: string, opts: Partial<ReadOptions> = {}, window?: { from?: string; to?: string }) {
  const path = join(DIR, file);
  const whole = readFileSync(path);
  const opened = openExport({ head: whole.subarray(0, 65536), headIsWholeFile: whole.length <= 65536, open: () => createReadStream(path, { highWaterMark: 64 }) }, { format: 'auto', ...opts });
  const sut = new ImportTally({ dryRun: true, ...(window ? { window } : {}) });
  sut.startFile(file, opened.format, opened.layout);
  const items: ExportItem[] = [];
  const posts: SourcePost[] = [];
  for await (const it of opened.items) {
    items.push(it);
    const p = sut.record(it.loc, it.result);
    if (p) posts.push(p);
  }
  sut.endFile(whole.length, null);
  return { format: opened.format, layout: opened.layout, items, posts, summary: sut.summary() };
}

describe('import: Telegram Desktop export', () => {
  it('flattens text arrays and entities, keeps text links, skips service and media-only messages, reports id gaps', async () => {
    const r = await run('telegram-result.json', { channel: 'fake_travel' });
    expect(r.format).toBe('telegram');
    expect(r.layout).toBe('document');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['1700000001/2', '1700000001/3', '1700000001/4', '1700000001/8', '1700000001/10']);
    const [first, second, forwarded, poll] = r.posts;
    expect(first!.text).toBe('Crossing to Italy every Friday, 2500 euro, guaranteed. Call 07700 900101');
    expect(second!.text).toBe('Places left for this week. Write to @fake_trip_agent or here (https://wa.me/447700900102) #safe');
    expect(second!.url).toBe('https://t.me/fake_travel/3');
    expect(second!.raw.edited).toBe('2026-11-03T11:05:00'); // the edit date stays in the unaltered record
    expect(forwarded!.raw.forwarded_from).toBe('Fake Other Channel');
    expect(forwarded!.raw.photo).toMatch(/^photos\//);
    expect(poll!.text).toBe('Which day suits you?\nFriday\nSunday');
    expect(first!.postedAt).toBe(new Date(1793614500 * 1000).toISOString());
    expect(r.summary.skipped).toEqual({ 'service message (create_channel)': 1, 'media without text (photo)': 1, 'service message (pin_message)': 1 });
    expect(r.summary.files[0]!.gaps).toMatchObject({ firstId: 1, lastId: 10, present: 8, missing: 2, missingShare: 0.2, ranges: [[5, 6]] });
  });

  it('reports posts outside the collection window', async () => {
    const r = await run('telegram-result.json', {}, { from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(r.summary.totals.outsideWindow).toBe(1);
    expect(r.summary.window!.examples).toEqual([{ file: 'telegram-result.json', id: '1700000001/10', postedAt: '2025-01-10T12:00:00.000Z', path: 'messages', index: 7 }]);
  });

  it('refuses every message of a chat that is not public', async () => {
    const r = await run('telegram-private.json');
    expect(r.posts).toEqual([]);
    expect(r.summary.refusals.listed[0]).toMatchObject({ path: 'messages', index: 0, reason: expect.stringContaining('"private_supergroup" is not public') });
  });
});

describe('import: X', () => {
  it('v2 page: note_tweet for long posts, full retweet text from includes, media alt text, protected authors refused', async () => {
    const r = await run('x-v2-page.json');
    expect(r.format).toBe('x');
    expect(r.posts).toHaveLength(2);
    expect(r.posts[0]!.text).toMatch(/^Long post: crossing by sea.*WhatsApp\.\n\n\[media\] a rubber boat on a beach$/s);
    expect(r.posts[0]!.url).toBe('https://x.com/fake_x_one/status/1900000000000000001');
    expect(r.posts[0]!.raw).toEqual({ data: expect.objectContaining({ id: '1900000000000000001' }), includes: { users: [expect.objectContaining({ username: 'fake_x_one' })], media: [expect.objectContaining({ media_key: '3_1' })] } });
    expect(r.posts[1]!.text).toBe('RT @fake_x_origin: Truck to the UK, leaving Sunday, 2000 pounds, no papers needed, contact @fake_x_agent for a place in the trailer');
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ id: '1900000000000000003', reason: 'author account is protected (not public)' })]);
  });

  it('JSONL of pages: a malformed line is refused with its line number and the rest imported; offsets become UTC', async () => {
    const r = await run('x-v2-pages.jsonl');
    expect(r.layout).toBe('lines');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['1900000000000000011', '1900000000000000013']);
    expect(r.posts[1]!.postedAt).toBe('2026-11-11T09:00:00.000Z');
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(/^invalid JSON/) })]);
  });

  it('v1.1 archive (window.YTD script): needs --account, converts the v1.1 dates', async () => {
    expect((await run('x-archive-tweets.js')).posts).toEqual([]);
    const r = await run('x-archive-tweets.js', { account: '@fake_x_archive' });
    expect(r.posts.map((p) => [p.url, p.postedAt])).toEqual([
      ['https://x.com/fake_x_archive/status/1800000000000000001', '2026-11-10T09:00:00.000Z'],
      ['https://x.com/fake_x_archive/status/1800000000000000002', '2026-11-11T07:00:00.000Z'],
    ]);
  });
});

describe('import: Mastodon, Reddit', () => {
  it('Mastodon: HTML to text with the content warning first; public and unlisted only', async () => {
    const r = await run('mastodon-statuses.json');
    expect(r.format).toBe('mastodon');
    expect(r.posts.map((p) => p.authorHandle)).toEqual(['fake_m_one', 'fake_m_two@other.example.invalid']);
    expect(r.posts[0]!.text).toBe('[CW] travel offer\n\nSafe crossing to Spain & beyond, 1800 euro.\n\nAsk @fake_m_agent #travel\nPhone 07700 900104\n\n[media] map of a coastline');
    expect(r.summary.refusals.byReason).toEqual({ 'visibility "private" is not public (only public and unlisted)': 1, 'visibility "direct" is not public (only public and unlisted)': 1 });
  });

  it('Reddit: posts and nested comments; private subreddits refused; "more" stubs skipped; a removed post keeps its title', async () => {
    const r = await run('reddit-listing.json');
    expect(r.format).toBe('reddit');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['t3_fake01', 't1_c01', 't1_c02', 't3_fake03']);
    expect(r.posts[3]).toMatchObject({ authorHandle: '[deleted]', text: 'gone' });
    expect(r.posts[0]!.text).toBe('Crossing offer\n\nBoat every week, 2000 euro, DM for details');
    expect(r.posts[1]!.url).toBe('https://www.reddit.com/r/fake_travel/comments/fake01/crossing_offer/c01/');
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ id: 't3_fake02', reason: 'subreddit type "private" is not public' })]);
    expect(Object.keys(r.summary.skipped)).toEqual(['"more" stub: comments not expanded by the collector (4)']);
  });
});

describe('import: CSV and NDJSON', () => {
  it('CrowdTangle CSV: multi-line messages, EST dates to UTC, a short row and a row with invalid UTF-8 refused by line', async () => {
    const r = await run('crowdtangle-export.csv');
    expect(r.format).toBe('crowdtangle');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['200000000000001', '200000000000002', '200000000000005']);
    expect(r.posts[0]!.postedAt).toBe('2026-11-13T13:00:00.000Z');
    expect(r.posts[1]!.text).toBe('Multi-line message:\nsecond line of it\n\nFake link text\n\nhttps://example.invalid/fake'); // the shared link is shown
    expect(r.summary.refusals.listed.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([[5, 'malformed CSV record'], [6, 'invalid UTF-8 at byte offset 1034 (a file saved as "ANSI" takes --encoding windows-1252, or windows-1256 for Arabic and Persian, windows-1254 for Turkish)']]);
  });

  it('generic CSV with a column mapping; rows that do not show they were public are refused', async () => {
    const r = await run('generic.csv', { format: 'csv', mapping: { platform: 'network', id: 'post_ref', url: 'link', author: 'user', text: 'body', postedAt: 'created', visibility: 'audience' } });
    expect(r.posts.map((p) => [p.platformPostId, p.postedAt])).toEqual([['g-1', '2026-11-14T05:00:00.000Z'], ['g-3', undefined]]);
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ line: 3, reason: 'visibility "private" is not public' })]);
    expect(r.summary.totals.undated).toBe(1);
  });

  it('NDJSON: malformed JSON, invalid UTF-8, non-public and invalid posts refused with line numbers; duplicates counted', async () => {
    const r = await run('posts.ndjson');
    expect(r.format).toBe('ndjson');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['n-1', 'n-6']);
    expect(r.posts[1]!.text).toBe('Last line without newline, café ☕');
    expect(r.summary.refusals.listed.map((x) => [x.line, x.reason.slice(0, 20)])).toEqual([
      [3, 'invalid JSON: Expect'], [4, 'invalid UTF-8 at byt'], [5, 'visibility "follower'], [8, 'url: Invalid URL'],
    ]);
    expect(r.summary.totals.duplicates).toBe(1);
  });

  it('duplicates across files of one import are counted once', async () => {
    const sut = new ImportTally({ dryRun: true });
    for (const name of ['a.ndjson', 'b.ndjson']) {
      sut.startFile(name, 'ndjson', 'lines');
      const post = { platform: 'Telegram', platformPostId: 'same', url: 'https://t.me/fake_nd/1', authorHandle: '@fake_a', text: 'x', visibility: 'public' as const, raw: {} };
      sut.record({ line: 1 }, { kind: 'post', post });
      sut.endFile(1, null);
    }
    expect(sut.summary().totals).toMatchObject({ posts: 1, duplicates: 1 });
    expect(sut.summary().files.map((f) => f.duplicates)).toEqual([0, 1]);
  });
});

describe('import: JSON document streaming', () => {
  it('yields streamed elements one by one and a single root record whole', async () => {
    const events = [];
    for await (const e of readJsonDocument(Readable.from([Buffer.from('{"name":"n","messages":[{"id":1},2,[3]],"tail":{"a":1}}')]), ['messages'])) {
      if (!e.begin) events.push({ path: e.path, ...(e.index === undefined ? {} : { index: e.index }), value: e.value });
    }
    expect(events).toEqual([
      { path: 'name', value: 'n' },
      { path: 'messages', index: 0, value: { id: 1 } },
      { path: 'messages', index: 1, value: 2 },
      { path: 'messages', index: 2, value: [3] },
      { path: 'tail', value: { a: 1 } },
    ]);
    const single = [];
    for await (const e of readJsonDocument(Readable.from([Buffer.from('{"kind":"t3","data":{"id":"x"}}')]), ['', 'data.children'])) single.push(e);
    expect(single.at(-1)).toEqual({ path: '', at: '', document: 1, value: { kind: 't3', data: { id: 'x' } } });
  });

  it('stops at a syntax error in a JSON document, keeping what came before', async () => {
    const bad = Buffer.from('{"type":"public_channel","id":1,"messages":[{"id":1,"type":"message","text":"ok","from_id":"c1"},{"id":2,,}]}');
    // Small chunks, as a file is read: the walk keeps everything before the error.
    const chunks = Array.from({ length: Math.ceil(bad.length / 16) }, (_, i) => bad.subarray(i * 16, i * 16 + 16));
    const opened = openExport({ head: bad, headIsWholeFile: true, open: () => Readable.from(chunks) }, { format: 'telegram' });
    const seen: ExportItem[] = [];
    await expect((async () => { for await (const it of opened.items) seen.push(it); })()).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('stops a (pretty-printed) JSON document at invalid UTF-8, naming the byte offset and line', async () => {
    const bad = Buffer.concat([Buffer.from('{\n"type":"public_channel","messages":[{"id":1,"text":"'), Buffer.from([0xff]), Buffer.from('"}]}')]);
    const opened = openExport({ head: bad, headIsWholeFile: true, open: () => Readable.from([bad]) }, { format: 'telegram' });
    await expect((async () => { for await (const _ of opened.items) void _; })()).rejects.toThrow(/invalid UTF-8 at byte offset 54 \(line 2\)/);
  });
});

const GENERIC_MAP = { id: 'post_ref', text: 'body', author: 'user', url: 'link', postedAt: 'created', visibility: 'audience' } as const;

describe('import: broken CSV quotes never swallow the rows after them', () => {
  it('refuses the line where a quote opened and was closed badly, and reads the rows it took in on their own', async () => {
    const r = await run('broken-quote.csv', { format: 'csv', platform: 'telegram', mapping: { ...GENERIC_MAP } });
    expect(r.posts.map((p) => [p.platformPostId, p.url])).toEqual([
      ['cq-1', 'https://t.me/fake_cq/1'], ['cq-2', 'https://t.me/fake_cq/2'], ['cq-4', 'https://t.me/fake_cq/4'],
      ['cq-6', 'https://t.me/fake_cq/6'], ['cq-7', 'https://t.me/fake_cq/7'],
    ]);
    expect(r.posts.map((p) => p.text)).toEqual(['Boat to Italy 2500 euro, call 07700 900111', 'A quoted field\nover two lines', 'ok', 'no zone', 'last "quoted" word']);
    expect(r.summary.refusals.listed.map((x) => [x.line, x.reason])).toEqual([
      [5, expect.stringMatching(/^malformed CSV record: the quote opened on line 5 is unclosed or not doubled/)],
      [7, expect.stringMatching(/^postedAt: invalid date "2026-13-45T10:00:00Z"/)],
    ]);
  });

  it('refuses a quote never closed before the end of the file with its line, and keeps the rows after it', async () => {
    const r = await run('unclosed-quote.csv', { format: 'csv', platform: 'telegram', mapping: { ...GENERIC_MAP } });
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['cu-1', 'cu-3']);
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ line: 3, reason: 'malformed CSV record: the quote opened on line 3 is never closed' })]);
  });

  it('the same file posted to the API reader gives the same posts and refusals', async () => {
    const body = readFileSync(join(DIR, 'broken-quote.csv'));
    const { parseExportBody } = await import('../../src/ingestion/sources/export-body');
    const sut = await parseExportBody(body, { format: 'csv', platform: 'telegram', map: 'id=post_ref,text=body,author=user,url=link,postedAt=created,visibility=audience' });
    const posts = sut.value.posts as { platformPostId?: string; text?: string; __parseError?: string }[];
    expect(posts.filter((p) => p.platformPostId).map((p) => p.platformPostId)).toEqual(['cq-1', 'cq-2', 'cq-4', 'cq-6', 'cq-7']);
    expect(posts.filter((p) => p.__parseError).map((p, i) => [sut.lines[posts.indexOf(p)], i])).toEqual([[5, 0], [7, 1]]);
  });

  it('--map: a column missing from the CSV header, a field mapped twice, or a mapping for a non-generic format is an error', async () => {
    await expect(run('broken-quote.csv', { format: 'csv', mapping: { ...GENERIC_MAP, text: 'message' } })).rejects.toThrow(/--map names column\(s\) the CSV header does not have: text=message/);
    expect(() => parseMapping('text=body,text=other')).toThrow(/text is mapped twice/);
    expect(() => parseMapping('text=')).toThrow(/bad mapping "text="/);
    expect(() => openExport({ head: Buffer.from('{}'), headIsWholeFile: true, open: () => Readable.from([]) }, { format: 'telegram', mapping: { text: 'body' } })).toThrow(/--map applies to the csv and ndjson formats only/);
  });
});

describe('import: NDJSON with a broken first line', () => {
  it('reads the file line by line: line 1 refused, the good lines kept; invalid dates and invisible handles refused with their line', async () => {
    const r = await run('bad-first-line.ndjson', { format: 'ndjson' });
    expect(r.layout).toBe('lines');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['bf-2']);
    expect(r.summary.refusals.listed.map((x) => [x.line, x.reason])).toEqual([
      [1, expect.stringMatching(/^invalid JSON/)],
      [3, 'postedAt: invalid date "2026-13-45" (no such day or time)'],
      [4, 'authorHandle: has only spaces or invisible characters'],
    ]);
  });
});

describe('import: post dates', () => {
  it.each([
    ['2026-13-45T10:00:00Z', 'invalid'], ['2026-02-30T10:00:00Z', 'invalid'], ['2026-11-10T25:00:00+02:00', 'invalid'],
    ['Wed Feb 30 20:19:24 +0000 2026', 'invalid'], ['yesterday', 'invalid'], ['2026-02-30', 'invalid'],
    ['2026-11-10', 'unzoned'], ['2026-11-10T10:00:00', 'unzoned'], ['', 'missing'],
  ])('%s is %s', (value, kind) => {
    expect(toUtc(value)).toMatchObject({ ok: false, kind });
  });

  it('a valid date with an offset or a zone name is converted to UTC', () => {
    expect(toUtc('2024-02-29T23:30:00-01:00')).toEqual({ ok: true, utc: '2024-03-01T00:30:00.000Z' });
    expect(toUtc('Wed Oct 10 20:19:24 +0000 2018')).toEqual({ ok: true, utc: '2018-10-10T20:19:24.000Z' });
  });
});

describe('import command: options are checked before any file is read', () => {
  const base = { source: 'telegram', 'legal-basis': 'Test authorisation 2026/003', 'collected-by': 'officer-test-03', 'collected-at': '2026-11-20T10:00:00Z', 'dry-run': true };
  async function cli(values: Record<string, string | boolean>, file = 'telegram-result.json'): Promise<{ error: CliError | null; out: string }> {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((t: string) => (out.push(t), true)) as typeof process.stdout.write;
    try {
      await importCommand({ json: true, args: [join(DIR, file)], values });
      return { error: null, out: out.join('') };
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      return { error: e, out: out.join('') };
    } finally {
      process.stdout.write = write;
    }
  }

  it.each([
    ['--collected-at: Invalid ISO datetime', { 'collected-at': 'yesterday' }],
    ['--collected-at: collectedAt 2099-01-01T00:00:00Z is in the future', { 'collected-at': '2099-01-01T00:00:00Z' }],
    ['--legal-basis: missing', { 'legal-basis': '' }],
    ['--collected-by: missing', { 'collected-by': '' }],
    ['--collected-by: has only spaces or invisible characters', { 'collected-by': '\u200b' }],
    ['--source: missing', { source: '', format: 'auto' }],
  ])('a dry run refuses provenance the API would refuse (%s), exit 2, nothing printed', async (message, over) => {
    const r = await cli({ format: 'telegram', ...base, ...over });
    expect(r.error?.exitCode).toBe(2);
    expect(r.error?.message).toContain(message);
    expect(r.out).toBe('');
  });

  it('refuses --window-from later than --window-to, naming both', async () => {
    const r = await cli({ format: 'telegram', ...base, 'window-from': '2026-12-01T00:00:00Z', 'window-to': '2026-11-01T00:00:00Z' });
    expect(r.error?.exitCode).toBe(2);
    expect(r.error?.message).toMatch(/--window-from .* is later than --window-to/);
  });

  it('an unknown format is a usage error listing the formats', async () => {
    const r = await cli({ ...base, format: 'myspace' });
    expect(r.error?.exitCode).toBe(2);
    expect(r.error?.message).toContain('telegram, x, mastodon, reddit, crowdtangle, csv, ndjson, auto');
  });

  it('a known format that reads no post from a non-empty file fails and names the format the file looks like', async () => {
    const r = await cli({ ...base, format: 'x' });
    expect(r.error?.exitCode).toBe(1);
    expect(r.error?.message).toMatch(/telegram-result\.json: no posts read as x .*it looks like telegram, try --format telegram or --format auto/);
    expect(JSON.parse(r.out).totals.posts).toBe(0);
    expect((await cli({ ...base, format: 'telegram' })).error).toBeNull();
  });
});

describe('keys:create', () => {
  it('refuses a name the admin API refuses (same schema), before touching the database', async () => {
    const sut = keysCreate({ json: true, args: [], values: { name: 'bad name!', role: 'reviewer', unit: 'unit-t' } });
    await expect(sut).rejects.toThrow(CliError);
    await expect(sut).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--name: letters, digits and . _ @ - only') });
  });
});
