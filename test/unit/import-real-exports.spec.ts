/**
 * Quirks of real platform exports, one kind per test: whole-account Telegram exports, X archives
 * with a byte order mark and joined parts, API pages saved one after another, ids beyond 2^53,
 * character references and t.co links, Reddit's escaped and removed content, spreadsheet re-saves
 * of CrowdTangle CSV (delimiter, encoding, joined files, trailing columns, zone names), Mastodon
 * polls and outboxes.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openExport, type ReadOptions } from '../../src/ingestion/sources/read-export';
import { sniffEncoding } from '../../src/ingestion/sources/encodings';
import { parseJsonLine, readLines } from '../../src/ingestion/sources/readers';
import { ImportTally } from '../../src/ingestion/sources/domain/tally';
import { toUtc } from '../../src/ingestion/sources/domain/dates';
import { sniffDelimiter } from '../../src/ingestion/sources/domain/tabular';
import type { SourcePost } from '../../src/ingestion/sources/domain/types';
import { mapTelegramMessage } from '../../src/ingestion/sources/domain/telegram';

const DIR = join(__dirname, '..', 'fixtures', 'imports');

async function run(file: string, opts: Partial<ReadOptions> = {}) {
  const path = join(DIR, file);
  const whole = readFileSync(path);
  // Small chunks, so that prefixes, BOMs and multi-byte characters fall across chunk boundaries.
  const opened = openExport({ head: whole.subarray(0, 65536), headIsWholeFile: whole.length <= 65536, open: () => createReadStream(path, { highWaterMark: 41 }) }, { format: 'auto', ...opts });
  const sut = new ImportTally({ dryRun: true });
  sut.startFile(file, opened.format, opened.layout, opened.encoding);
  const posts: SourcePost[] = [];
  for await (const it of opened.items) {
    const p = sut.record(it.loc, it.result);
    if (p) posts.push(p);
  }
  sut.endFile(whole.length, null);
  return { format: opened.format, encoding: opened.encoding, posts, summary: sut.summary() };
}

describe('Telegram: whole-account export', () => {
  it('reads every public chat of chats.list and left_chats.list, refuses private chats, gaps per chat', async () => {
    const r = await run('telegram-account.json');
    expect(r.format).toBe('telegram');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['1234567890/2', '1234567890/4', '987654321/100', '987654321/103', '555/7']);
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ path: 'chats.list[0].messages', index: 0, reason: expect.stringContaining('"personal_chat" is not public') })]);
    expect(r.summary.files[0]!.gaps).toBeNull();
    expect(r.summary.files[0]!.gapsByChat).toMatchObject({ '1234567890': { firstId: 1, lastId: 4, missing: 1 }, '987654321': { missing: 2 }, '555': { missing: 0 } });
  });

  it('keeps text links, entities and a shared contact card; reads `text` when `text_entities` is empty', async () => {
    const r = await run('telegram-account.json', { format: 'telegram' });
    expect(r.posts[0]!.text).toBe('Boat Friday contact (https://wa.me/447700900123) Agent🚤quoted wordssecret price 2000code block+33 6 39 98 00 01');
    expect(r.posts[1]!.text).toBe('[contact] Fake Driver +447700900124');
    expect(r.posts[2]!.text).toBe('مرحبا عبور 1500 يورو ☎ 07700 900125');
  });

  it.each([[1e300], [-1], [0], [1.5], ['007x']])('refuses a message whose id is %p (not a positive whole number)', (id) => {
    const r = mapTelegramMessage({ id, type: 'message', date: '2026-11-10T10:00:00', date_unixtime: '1794304800', from_id: 'user1', text: 'hello' }, { type: 'public_channel', id: '555' }, {});
    expect(r).toMatchObject({ kind: 'refused' });
    expect(mapTelegramMessage({ id: 7, type: 'message', date_unixtime: '1794304800', from_id: 'user1', text: 'hello' }, { type: 'public_channel', id: '555' }, {})).toMatchObject({ kind: 'post' });
  });
});

describe('X', () => {
  it('archive with a byte order mark, CRLF, and a second part joined after it: both parts read', async () => {
    const r = await run('x-archive-joined.js', { account: 'fake_x_archive' });
    expect(r.format).toBe('x');
    expect(r.posts.map((p) => [p.platformPostId, p.postedAt])).toEqual([
      ['1800000000000000101', '2018-10-10T20:19:24.000Z'], ['1800000000000000102', '2018-10-11T06:00:00.000Z'],
    ]);
    expect(r.summary.files[0]!.error).toBeNull();
  });

  it('text with character references decoded and t.co links expanded (archive and v2)', async () => {
    expect((await run('x-archive-joined.js', { account: 'fake_x_archive' })).posts[0]!.text).toBe('Cheap & safe trip <UK> call https://wa.me/447700900130');
    expect((await run('x-v2-pages-pretty.json')).posts[0]!.text).toBe('Trip & stay https://t.me/fake_agent');
  });

  it('API pages saved one after another in one file: every page read; partial errors reported, not dropped', async () => {
    const r = await run('x-v2-pages-pretty.json');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['1900000000000000201', '1900000000000000202']);
    expect(r.summary.skipped).toEqual({ 'API error next to the data (not a post): Not Found Error': 1 });
    expect(r.summary.files[0]!.error).toBeNull();
  });

  it('a page of a later document is located by its document number', async () => {
    const doc = Buffer.from('{"data":[{"id":"1","author_id":"9","text":"a","created_at":"2026-11-10T09:00:00Z"}]}\n{"data":[{"id":"2","text":"no author"}]}\n');
    const opened = openExport({ head: Buffer.from('{\n'), headIsWholeFile: false, open: () => Readable.from([doc]) }, { format: 'x' });
    const locs = [];
    for await (const it of opened.items) locs.push([it.loc, it.result.kind]);
    expect(locs).toEqual([[{ path: '' }, 'post'], [{ path: '', document: 2 }, 'refused']]);
  });
});

describe('NDJSON', () => {
  it('ids written as numbers beyond 2^53 keep their digits; a comma after each line is allowed; a cut-short last line says so', async () => {
    const r = await run('ids-and-commas.ndjson');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['1790000000000000001', '1790000000000000003']);
    expect(r.posts[0]!.raw.id).toBe('1790000000000000001');
    expect(r.summary.refusals.listed).toEqual([expect.objectContaining({ line: 4, reason: expect.stringMatching(/^invalid JSON: .*the file may be cut short\)$/) })]);
  });

  it('unsafe integers become their digits; strings, safe numbers and decimals are left alone', () => {
    expect(parseJsonLine('{"a":"1790000000000000001","b":1790000000000000001,"c":[12,-9007199254740993,1.5e300]}')).toEqual(JSON.parse('{"a":"1790000000000000001","b":"1790000000000000001","c":[12,"-9007199254740993",1.5e300]}'));
  });

  it('a line longer than the limit is reported and the lines after it are read', async () => {
    const lines = [];
    for await (const l of readLines(Readable.from([Buffer.from('ok\n'), Buffer.from('x'.repeat(50)), Buffer.from('y'.repeat(50)), Buffer.from('\nnext\n')]), 64)) lines.push([l.line, l.tooLong ?? false, l.buf.toString()]);
    expect(lines).toEqual([[1, false, 'ok'], [2, true, ''], [3, false, 'next']]);
  });
});

describe('Reddit', () => {
  it('decodes &amp; &lt; &gt; and numeric references; keeps posts of deleted accounts and the title of removed posts; user profiles are public', async () => {
    const r = await run('reddit-thread.json');
    expect(r.posts.map((p) => [p.platformPostId, p.authorHandle])).toEqual([['t3_r1', '[deleted]'], ['t1_c1', 'fake_r'], ['t3_r2', 'fake_r2'], ['t3_r3', 'fake_r3']]);
    expect(r.posts[0]!.text).toBe('Boat & truck to UK\n\nPrice <2000> & call\n\n\u200b\n\n[wa](https://wa.me/447700900140)');
    expect(r.posts[1]!.text).toBe('me too & friends');
    expect(r.posts[2]!.text).toBe('Removed ad title 1500 euro');
    expect(r.summary.refusals.listed).toEqual([]);
  });
});

describe('CrowdTangle CSV re-saved by a spreadsheet', () => {
  const expected = [
    ['300000000000001', '2024-03-01T13:22:10.000Z', 'Überfahrt nach Italien; 2000 €, café\n\nhttps://wa.me/447700900150'],
    ['300000000000002', '2024-07-01T12:22:10.000Z', expect.stringMatching(/^line one\r?\n?\s?line two\n\nFake link$/)],
    ['300000000000003', '2024-03-01T19:22:10.000Z', 'third'],
  ];

  it.each([
    ['crowdtangle-semicolon.csv', 'utf-8'], // `;` delimiter, BOM, CRLF, a `;` inside a quoted field
    ['crowdtangle-utf16.txt', 'utf-16le'], // Excel "Unicode text": UTF-16 LE with BOM, tabs
    ['crowdtangle-1252.csv', 'windows-1252'], // "CSV" saved on Windows: ü, €, é as single bytes
  ])('%s (%s): every row, no mojibake, CET/CEST/EST to UTC, the shared link shown', async (file, encoding) => {
    const r = await run(file);
    expect(r.format).toBe('crowdtangle');
    expect(r.encoding).toBe(encoding);
    expect(r.posts.map((p) => [p.platformPostId, p.postedAt, p.text])).toEqual(expected);
    expect(r.summary.totals.refused).toBe(0);
    if (encoding !== 'utf-8') expect(r.summary.files[0]!.encoding).toBe(encoding);
  });

  it.each([
    ['crowdtangle-1256.csv', 'windows-1256', ['رحلة بحرية إلى إيطاليا من زوارة، 3000 يورو', 'پرواز به استانبول با بليط رسمي، ويزاي گردشگري']], // Arabic and Persian "ANSI"
    ['crowdtangle-1254.csv', 'windows-1254', ["Yunanistan'a geçiş bu gece, kişi başı 2000 euro", 'Çeşme - Sakız feribot saatleri']], // Turkish "ANSI"
  ])('%s: a spreadsheet saved in the %s code page reads as its own script, not as Latin letters', async (file, encoding, starts) => {
    const r = await run(file);
    expect(r.encoding).toBe(encoding);
    expect(r.posts.map((p) => p.text.slice(0, starts[r.posts.indexOf(p)]!.length))).toEqual(starts);
    expect(r.summary.totals.refused).toBe(0);
    // the same file read as Windows-1252 (what the Western guess alone gave) is Latin mojibake
    const western = await run(file, { encoding: 'windows-1252' });
    expect(western.posts[0]!.text.startsWith(starts[0]!)).toBe(false);
  });

  it('files joined together: the second BOM and header are not rows; trailing empty columns are not a field-count error', async () => {
    const r = await run('crowdtangle-joined.csv');
    expect(r.posts.map((p) => p.platformPostId)).toEqual(['300000000000003', '300000000000001']);
    expect(r.summary.skipped).toEqual({ 'header row repeated (files joined together)': 1 });
    expect(r.summary.totals.refused).toBe(0);
  });

  it('dates: offsets after a space and UTC+1 converted; locale dates and ambiguous zone names kept undated, not refused', async () => {
    const r = await run('crowdtangle-dates.csv');
    expect(r.posts.map((p) => [p.text, p.postedAt])).toEqual([
      ['slash date', undefined], ['space offset', '2024-03-01T13:22:10.000Z'], ['utc+1', '2024-03-01T13:22:10.000Z'],
      ['mcl', '2024-03-01T14:22:10.000Z'], ['bst', '2024-03-01T13:22:10.000Z'], ['ist ambiguous', undefined],
    ]);
    expect(r.summary.totals).toMatchObject({ refused: 0, undated: 2 });
  });

  it.each([
    ['2024-03-01 14:22:10 CET', '2024-03-01T13:22:10.000Z'], ['2024-07-01 14:22:10 CEST', '2024-07-01T12:22:10.000Z'],
    ['2024-03-01 14:22:10 EST', '2024-03-01T19:22:10.000Z'], ['2024-03-01 14:22:10 -05:00', '2024-03-01T19:22:10.000Z'],
    ['2024-03-01 14:22:10 GMT+01:00', '2024-03-01T13:22:10.000Z'], ['2024-03-01 14:22:10.250 UTC', '2024-03-01T14:22:10.250Z'],
  ])('%s is %s', (value, utc) => {
    expect(toUtc(value)).toEqual({ ok: true, utc });
  });

  it.each([['31/02/2024 10:00', 'invalid'], ['13/13/2024', 'invalid'], ['3/1/2024 2:22 PM', 'unzoned'], ['2024-03-01 14:22:10 IST', 'unzoned'], ['2024-02-30 10:00 CET', 'invalid']])('%s is %s', (value, kind) => {
    expect(toUtc(value)).toMatchObject({ ok: false, kind });
  });

  it('the delimiter is the one the header uses most outside quotes; the encoding comes from the first bytes', () => {
    expect(sniffDelimiter('"a,b";c;d\r\n1;2;3')).toBe(';');
    expect(sniffDelimiter('a\tb\tc,d')).toBe('\t');
    expect(sniffDelimiter('a,b,c')).toBe(',');
    expect(sniffEncoding(Buffer.from('id,text\n1,caf\xe9\n', 'latin1'), true)).toBe('windows-1252');
    expect(sniffEncoding(Buffer.from('id,text\n1,café \xff\n', 'latin1').subarray(0), true)).toBe('windows-1252');
    expect(sniffEncoding(Buffer.concat([Buffer.from('id,text\n1,café\n'), Buffer.from([0xff])]), true)).toBe('utf-8'); // real UTF-8 with one bad byte
    expect(sniffEncoding(Buffer.from('id,text\n1,bad \xff byte\n', 'latin1'), true)).toBe('utf-8'); // nothing that reads as Windows-1252 text
    // a few Turkish lines: chardet ranks the Western page first, but ş ı İ (Western þ ý Ý) mark the Turkish page
    const turkish = Buffer.from(new Uint8Array([...Buffer.from('id,text\n1,'), 0xdd, ...Buffer.from("talya'ya gec"), 0xfe, ...Buffer.from(', var'), 0xfd, ...Buffer.from('nca ')]));
    expect(sniffEncoding(turkish, true)).toBe('windows-1254');
  });
});

describe('Mastodon', () => {
  it('statuses: HTML, hashtags, mentions and links to text; poll options kept; a boost is its original', async () => {
    const r = await run('mastodon-quirks.json');
    expect(r.posts.map((p) => [p.authorHandle, p.text])).toEqual([
      ['fake_m', 'Crossing & more #travel @fake_agent :boat:\ncall https://wa.me/447700900160\n\nsecond para\n\n[poll] Friday | Sunday'],
      ['fake_o@o.example.invalid', 'original boosted'],
    ]);
  });

  it('outbox: a Question with contentMap only is read; an activity naming its object by address is skipped with the reason', async () => {
    const r = await run('mastodon-outbox.json');
    expect(r.posts.map((p) => p.text)).toEqual(['note one', 'poll q\n\n[poll] Yes | No']);
    expect(r.summary.skipped).toEqual({ 'activity names its object by address only (the post is not in the export)': 1 });
    expect(r.summary.totals.refused).toBe(0);
  });
});

describe('detection and the API reader', () => {
  it('auto detects a whole-account Telegram export whose head is all profile and contacts', async () => {
    const { detectFormat } = await import('../../src/ingestion/sources/domain/detect');
    const contacts = Array.from({ length: 2000 }, (_, i) => `{"first_name":"Fake${i}","phone_number":"+447700900${String(i % 1000).padStart(3, '0')}"}`).join(',');
    const head = `{\n "about": "Here is the data you requested.",\n "personal_information": {"first_name": "Fake"},\n "contacts": {"list": [${contacts}`.slice(0, 65536);
    expect(detectFormat(head)).toBe('telegram');
  });

  it('the ingest API reads a UTF-16 CrowdTangle export as the CLI does, and refuses an unknown encoding', async () => {
    const { parseExportBody } = await import('../../src/ingestion/sources/export-body');
    const sut = await parseExportBody(readFileSync(join(DIR, 'crowdtangle-utf16.txt')), { format: 'crowdtangle' });
    expect((sut.value.posts as SourcePost[]).map((p) => p.text)).toContain('Überfahrt nach Italien; 2000 €, café\n\nhttps://wa.me/447700900150');
    await expect(parseExportBody(Buffer.from('a,b\n'), { format: 'csv', encoding: 'latin9' })).rejects.toMatchObject({ code: 'INGEST.BAD_ENCODING' });
  });
});
