import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditExport, auditKeygen, auditVerifyExport } from '../../src/cli/audit-commands';
import { CliError } from '../../src/cli/output';
import { reportEffectiveness } from '../../src/cli/report-commands';

// The CLI as a process: help readable at 100 columns, one exit code per kind of failure, one-line messages (no stack).
const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'cli-usage-'));
const posts = join(dir, 'posts.ndjson');
writeFileSync(posts, '{"id":1,"text":"hello"}\n');
const missing = join(dir, 'no-such-dir', 'out.file');
const csvA = join(dir, 'a.csv');
writeFileSync(csvA, 'post_ref,body,audience\nr1,Boat to Italy,public\n');
const csvB = join(dir, 'b.csv');
writeFileSync(csvB, 'ref,body,audience\nr2,hello,public\n');
// a public key of this test's own: a fresh clone has no key in var/ yet
const publicKeyFile = join(dir, 'audit-public-key.pem');
writeFileSync(publicKeyFile, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'silent' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |Unhandled 'error' event|node:internal/);
}

describe('CLI usage', () => {
  it('prints help no wider than 100 columns, with the exit codes', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    const widest = Math.max(...r.stdout.split('\n').map((l) => [...l].length));
    expect(widest).toBeLessThanOrEqual(100);
    expect(r.stdout).toMatch(/^exit codes:$/m);
    expect(r.stdout).toMatch(/^ {2}3 {2}verification failed/m);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('input lines refused by classify, evaluate or compare');
    const one = cli('evaluate', '--help');
    expect(Math.max(...one.stdout.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(100);
  }, 60_000);

  it.each([
    ['an option without its value', ['report:effectiveness', '--from', '2026-01-01', '--to', '2026-02-01', '--chart'], /--chart/],
    ['a negative number read as an option', ['evaluate', '--dataset', posts, '--min-negatives', '-1'], /min-negatives/],
    ['an unknown option', ['classify', posts, '--nope'], /--nope/],
    ['a second input file', ['classify', posts, posts], /^error: usage: classify .*\(one input file\)/],
    ['an option of another command (rules:check --rules would check the shipped rules)', ['rules:check', '--rules', dir], /^error: rules:check takes no option --rules/],
    ['an argument to a command that takes none', ['rules:check', dir], /^error: rules:check takes no argument/],
    ['a folder given to classify', ['classify', dir], /^error: .*: is a folder, not a file of posts/],
    ['a --map column that a later file lacks (checked before any file is sent)', ['import', csvA, csvB, '--format', 'csv', '--map', 'id=post_ref,text=body,visibility=audience', '--platform', 'telegram', '--source', 'telegram', '--legal-basis', 'Order 1', '--collected-by', 'officer-1', '--dry-run'], /^error: .*b\.csv: --map names column\(s\) the CSV header does not have: id=post_ref/],
    ['a folder given to import', ['import', dir, '--format', 'ndjson', '--dry-run'], /^error: cannot read .*: it is a folder/],
    ['evaluate options given to classify', ['classify', posts, '--fail-under', 'f1=0.9'], /^error: classify takes no option --fail-under/],
    ['an unreadable public key file', ['evidence:verify', posts, '--public-key', join(dir, 'none.pem')], /^error: --public-key: cannot read the public key/],
    ['--map with a format that has no columns', ['import', posts, '--format', 'telegram', '--source', 'telegram', '--legal-basis', 'Order 1', '--collected-by', 'officer-1', '--map', 'id=a,text=b', '--dry-run'], /^error: --map applies to the csv and ndjson formats only, not --format telegram/],
    ['an --api that is not a URL', ['import', posts, '--format', 'ndjson', '--source', 'telegram', '--legal-basis', 'Order 1', '--collected-by', 'officer-1', '--api', 'not-a-url', '--key', 'sw_x'], /^error: --api "not-a-url" is not an http\(s\) URL/],
    ['a kept-checkpoints file whose objects are not checkpoints', ['audit:verify-export', posts, '--public-key', publicKeyFile, '--checkpoints', posts], /^error: --checkpoints .*: checkpoint 1 is not a checkpoint/],
    ['an unreadable kept-checkpoints file', ['audit:verify-export', posts, '--public-key', publicKeyFile, '--checkpoints', join(dir, 'none.ndjson')], /^error: --checkpoints .*: cannot read/],
  ])('exits 2 for %s', (_what, args, pattern) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr, pattern);
  }, 60_000);

  it.each([
    ['audit:export --out', auditExport, { out: missing }, '--out'],
    ['report:effectiveness --chart', reportEffectiveness, { from: '2026-01-01', to: '2026-02-01', chart: missing }, '--chart'],
    ['audit:keygen --out', auditKeygen, { out: join(posts, 'keys') }, '--out'],
  ] as const)('%s to a path that cannot be written: one line, exit 2, before any work', async (_what, run, values, option) => {
    const e = await run({ json: false, values: { ...values }, args: [] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    expect((e as CliError).message).toMatch(new RegExp(`^${option} .*: cannot write: [^\\n]+$`));
  });
});

describe('classify refuses what evaluate refuses', () => {
  it('an empty or invisible text, an empty or non-integer id, a repeated id: each with its line, the rest classified, exit 3', () => {
    const f = join(dir, 'mixed.ndjson');
    const lines = [
      { id: 'a', text: 'Boat to Italy tonight' },
      { id: 'b', text: '' },
      { id: 'c', text: '\u200b\u200b ' },
      { id: '', text: 'hello' },
      { id: 'a', text: 'the same id again' },
      { id: 1.5, text: 'not a whole number' },
      { id: 7, text: 'seven' },
    ];
    writeFileSync(f, `\uFEFF${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const r = cli('classify', f);
    expect(r.status).toBe(3);
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a', '7']);
    expect(r.stderr).toMatch(/line 2: text is empty/);
    expect(r.stderr).toMatch(/line 3: text is empty/);
    expect(r.stderr).toMatch(/line 4: no "id"/);
    expect(r.stderr).toMatch(/line 5: duplicate id "a" \(first at line 1\)/);
    expect(r.stderr).toMatch(/line 6: no "id"/);
  }, 60_000);

  it('a JSON array that starts with a byte-order mark', () => {
    const f = join(dir, 'bom.json');
    writeFileSync(f, `\uFEFF[{"id":"x","text":"hello there"}]`);
    const r = cli('classify', f);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }).id).toBe('x');
  }, 60_000);

  it('an --out that is the input file (by another spelling) is refused before the input is touched', () => {
    const f = join(dir, 'keep.ndjson');
    const content = '{"id":"k1","text":"Boat to Italy tonight"}\n';
    writeFileSync(f, content);
    const r = cli('classify', f, '--out', join(dir, '.', 'keep.ndjson'));
    expect(r.status).toBe(2);
    expectOneLine(r.stderr, /^error: --out .*keep\.ndjson: is the input file/);
    expect(readFileSync(f, 'utf8')).toBe(content);
  }, 60_000);

  it('--out - is standard output (no file named "-" is written)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'classify', '-', '--out', '-'], { cwd: ROOT, input: '{"id":"s1","text":"Boat to Italy tonight"}\n', encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }).id).toBe('s1');
    expect(existsSync(join(ROOT, '-'))).toBe(false);
  }, 60_000);

  it('stops quietly with exit 0 when its reader closes standard output (classify | head -1)', () => {
    const f = join(dir, 'many.ndjson');
    writeFileSync(f, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `p${i}`, text: `Boat to Italy tonight ${'x'.repeat(200)} ${i}` })).join('\n'));
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" --import tsx src/cli.ts classify "${f}" | head -1`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }).id).toBe('p0');
    expect(r.stderr).toBe('');
  }, 60_000);
});

describe('audit:verify-export refuses files that are not audit exports (exit 3, file and line)', () => {
  const key = publicKeyFile;
  it.each([
    ['an empty file', '', /:1: not an audit export: the file is empty/],
    ['a header of another format', '{"type":"header","format":"other"}\n', /:1: not an audit export of this format: header format "other"/],
    ['events without the header', '{"type":"event","seq":1}\n', /:1: not an audit export: the first line must be the header/],
    ['a header on line 2', '\n{"type":"header","format":"smugwatch-audit-export/1"}\n', /:2: not an audit export: the first line must be the header/],
    ['a second header', '{"type":"header","format":"smugwatch-audit-export/1"}\n{"type":"header","format":"smugwatch-audit-export/1"}\n', /:2: a second header line/],
  ])('%s', async (_what, content, pattern) => {
    const f = join(dir, `export-${Math.random().toString(36).slice(2)}.ndjson`);
    writeFileSync(f, content);
    const e = await auditVerifyExport({ json: false, values: { 'public-key': key }, args: [f] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(3);
    expect((e as CliError).message).toMatch(pattern);
  });
});

describe('evidence:verify on files that are not packages', () => {
  it.each([['null', 'null'], ['an array', '[]'], ['a number', '7']])('%s: exit 3, "not an evidence package"', (_what, content) => {
    const f = join(dir, `pkg-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(f, content);
    const r = cli('evidence:verify', f, '--public-key', publicKeyFile);
    expect(r.status).toBe(3);
    expectOneLine(r.stderr, /not an evidence package/);
  }, 60_000);
});
