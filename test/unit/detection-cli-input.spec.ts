import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { classify, EXIT_INPUT_REFUSED, readPosts } from '../../src/cli/detection-commands';
import { CliError } from '../../src/cli/output';

const dir = mkdtempSync(join(tmpdir(), 'classify-input-'));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `in-${++n}.ndjson`);
  writeFileSync(p, content);
  return p;
}

async function read(content: string | Buffer): Promise<{ ids: string[]; bad: string[] }> {
  const bad: string[] = [];
  const ids: string[] = [];
  for await (const p of readPosts(file(content), (where, reason) => bad.push(`${where}: ${reason}`))) ids.push(p.id);
  return { ids, bad };
}

const provenance = { collectedBy: 'fake_analyst', collectedAt: '2026-01-01T00:00:00Z' };

describe('classify input reading', () => {
  it('reports every bad NDJSON line with its number and keeps reading', async () => {
    const r = await read('{"id":1,"text":"a"}\nnot json\n{"id":2}\n\n{"id":3,"text":"c"}\n[1]\n{"id":4,"text":"d"}\n');
    expect(r.ids).toEqual(['1', '3', '4']);
    expect(r.bad.map((b) => b.split(':')[0])).toEqual(['line 2', 'line 3', 'line 6']);
  });

  it('reports a line of invalid UTF-8 with the byte offset of the bad byte in the file, and keeps reading', async () => {
    const head = Buffer.from('{"id":1,"text":"ok"}\n{"id":2,"text":"', 'utf8');
    const content = Buffer.concat([head, Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"id":3,"text":"é"}\n', 'utf8')]);
    const r = await read(content);
    expect(r.ids).toEqual(['1', '3']);
    expect(r.bad).toEqual([`line 2: not valid UTF-8: bad byte sequence at byte offset ${head.length}`]);
  });

  it('refuses a JSON document with invalid UTF-8, naming the byte offset', async () => {
    const content = Buffer.concat([Buffer.from('[{"id":1,"text":"', 'utf8'), Buffer.from([0xff]), Buffer.from('"}]', 'utf8')]);
    await expect(read(content)).rejects.toThrow('bad byte sequence at byte offset 17');
  });

  it('skips the ingest API NDJSON header line {"provenance": …}', async () => {
    const r = await read(`${JSON.stringify({ provenance })}\n{"id":"a","text":"x"}\r\n{"id":"b","text":"y"}`);
    expect(r).toEqual({ ids: ['a', 'b'], bad: [] });
  });

  it('reads the posts of the ingest API JSON envelope, on one line or pretty-printed', async () => {
    const env = { provenance, posts: [{ id: 'p1', text: 'x' }, { text: 'no id' }, { id: 'p3', text: 'z' }] };
    for (const text of [JSON.stringify(env), JSON.stringify(env, null, 2)]) {
      const r = await read(text);
      expect(r.ids).toEqual(['p1', 'p3']);
      expect(r.bad).toEqual(['entry 2: no "id" (a non-empty string or a whole number)']);
    }
  });

  it('reads a JSON array of posts', async () => {
    expect((await read('[\n {"id":1,"text":"a"},\n {"id":2,"text":"b"}\n]\n')).ids).toEqual(['1', '2']);
  });

  it('treats a broken first line starting with { as a bad NDJSON line, not as a broken document', async () => {
    const r = await read('{"id":1,"text":\n{"id":2,"text":"b"}\n');
    expect(r.ids).toEqual(['2']);
    expect(r.bad[0]).toMatch(/^line 1: invalid JSON/);
  });

  it.each([['empty', ''], ['blank', '  \n\n\t\r\n']])('classify refuses an %s file with exit code 2', async (_name, content) => {
    const p = file(content);
    const err = await classify({ args: [p], values: {}, json: false } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(`no posts in ${p}`);
    expect((err as CliError).exitCode).toBe(2);
  });

  it('reports where each post was read (line or entry), for messages about it', async () => {
    const where: string[] = [];
    for await (const p of readPosts(file('\n{"id":1,"text":"a"}\n{"id":2,"text":"b"}\n'), () => undefined)) where.push(p.where);
    expect(where).toEqual(['line 2', 'line 3']);
    const entries: string[] = [];
    for await (const p of readPosts(file('[{"id":1,"text":"a"},{"id":2},{"id":3,"text":"c"}]'), () => undefined)) entries.push(p.where);
    expect(entries).toEqual(['entry 1', 'entry 3']);
  });
});

describe('classify exit codes and output', () => {
  const quiet = () => jest.spyOn(process.stderr, 'write').mockImplementation(() => true);

  it(`classifies and writes every good line, then exits ${EXIT_INPUT_REFUSED} when any line was refused`, async () => {
    const out = join(dir, 'refused-out.ndjson');
    const err = quiet();
    try {
      const e = await classify({ args: [file('{"id":"a","text":"boat to Italy"}\nnot json\n{"id":"c","text":"bread"}\n')], values: { out }, json: false } as never).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(EXIT_INPUT_REFUSED);
      expect((e as CliError).message).toMatch(/^1 input line of .* refused/);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/: line 2: invalid JSON.*\(skipped\)/);
    } finally {
      err.mockRestore();
    }
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a', 'c']);
  });

  it(`exits ${EXIT_INPUT_REFUSED}, not 0, when the only line is invalid UTF-8`, async () => {
    const err = quiet();
    try {
      const e = await classify({ args: [file(Buffer.from([0x7b, 0xff, 0x7d, 0x0a]))], values: { out: join(dir, 'utf-out.ndjson') }, json: false } as never).catch((x: unknown) => x);
      expect((e as CliError).exitCode).toBe(EXIT_INPUT_REFUSED);
    } finally {
      err.mockRestore();
    }
  });

  it('refuses an --out that cannot be written with one line and exit 2, before classifying', async () => {
    const e = await classify({ args: [file('{"id":1,"text":"a"}\n')], values: { out: join(dir, 'no-such-dir', 'o.ndjson') }, json: false } as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    expect((e as CliError).message).toMatch(/^--out .*no-such-dir\/o\.ndjson: cannot write: its folder does not exist \(ENOENT\)$/);
  });
});
