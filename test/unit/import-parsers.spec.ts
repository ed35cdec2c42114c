import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openExport, type ExportItem, type ReadOptions } from '../../src/ingestion/sources/read-export';
import { readJsonDocument } from '../../src/ingestion/sources/readers';
import { ImportTally } from '../../src/ingestion/sources/domain/tally';
import type { SourcePost } from '../../src/ingestion/sources/domain/types';

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

  it('Reddit: posts and nested comments; private subreddits refused; removed posts and "more" stubs skipped', async () => {
    const r = await run('reddit-listing.json');
    expect(r.format).toBe('reddit');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['t3_fake01', 't1_c01', 't1_c02']);
    expect(r.posts[0]!.text).toBe('Crossing offer\n\nBoat every week, 2000 euro, DM for details');
    expect(r.posts[1]!.url).toBe('https://www.reddit.com/r/fake_travel/comments/fake01/crossing_offer/c01/');
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ id: 't3_fake02', reason: 'subreddit type "private" is not public' })]);
    expect(Object.keys(r.summary.skipped)).toEqual(['"more" stub: comments not expanded by the collector (4)', 'post removed or deleted']);
  });
});

describe('import: CSV and NDJSON', () => {
  it('CrowdTangle CSV: multi-line messages, EST dates to UTC, a short row and a row with invalid UTF-8 refused by line', async () => {
    const r = await run('crowdtangle-export.csv');
    expect(r.format).toBe('crowdtangle');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['200000000000001', '200000000000002', '200000000000005']);
    expect(r.posts[0]!.postedAt).toBe('2026-11-13T13:00:00.000Z');
    expect(r.posts[1]!.text).toBe('Multi-line message:\nsecond line of it\n\nFake link text');
    expect(r.summary.refusals.listed.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([[5, 'malformed CSV record'], [6, 'invalid UTF-8 at byte offset 1034']]);
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
    for await (const e of readJsonDocument(Readable.from([Buffer.from('{"name":"n","messages":[{"id":1},2,[3]],"tail":{"a":1}}')]), ['messages'])) events.push(e);
    expect(events).toEqual([
      { path: 'name', value: 'n' },
      { path: 'messages', index: 0, value: { id: 1 } },
      { path: 'messages', index: 1, value: 2 },
      { path: 'messages', index: 2, value: [3] },
      { path: 'tail', value: { a: 1 } },
    ]);
    const single = [];
    for await (const e of readJsonDocument(Readable.from([Buffer.from('{"kind":"t3","data":{"id":"x"}}')]), ['', 'data.children'])) single.push(e);
    expect(single.at(-1)).toEqual({ path: '', value: { kind: 't3', data: { id: 'x' } } });
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
