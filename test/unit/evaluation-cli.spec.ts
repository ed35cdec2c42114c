import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_INPUT_REFUSED } from '../../src/cli/detection-commands';
import { compare, evaluate, EXIT_UNDER_THRESHOLD } from '../../src/cli/evaluation-commands';
import { CliError } from '../../src/cli/output';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'evaluate-cli-'));
// Outcome fixed whatever the rules: post 2 is labelled an ad but holds nothing an ad would, so recall ≤ 2/3, while the
// harmless posts 3 and 4 are not flagged (accuracy ≥ 0.5).
const lines = [
  { id: 1, text: 'Anyone wanting England, we have a boat going Thursday from near Gravelines. 1800 pounds, pay half now half when you arrive. WhatsApp 07700 900511', label: 'smuggling_ad', lang: 'eng', kind: 'offer' },
  { id: 2, text: 'The weather in the park was lovely this afternoon.', label: 'smuggling_ad', lang: 'eng', kind: 'offer' },
  { id: 3, text: 'Our bakery opens at eight tomorrow, fresh bread for everyone.', label: 'not_smuggling', lang: 'eng', kind: 'general' },
  { id: 4, text: 'The library book club meets on Tuesday to discuss a novel.', label: 'not_smuggling', lang: 'eng' },
];
const dataset = join(dir, 'labelled.ndjson');
writeFileSync(dataset, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
const unlabelled = join(dir, 'unlabelled.ndjson');
writeFileSync(unlabelled, `${lines.map(({ label: _label, ...l }, i) => JSON.stringify(i === 0 ? { ...l, label: 'smuggling_ad' } : l)).join('\n')}\n`);

async function run(command: typeof evaluate, values: Record<string, string | boolean>): Promise<{ err: unknown; out: string; stderr: string }> {
  let out = '';
  let stderr = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const ewrite = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  try {
    await command({ json: values.json === true, values, args: [] });
    return { err: null, out, stderr };
  } catch (e) {
    return { err: e, out, stderr };
  } finally {
    write.mockRestore();
    ewrite.mockRestore();
    log.mockRestore();
  }
}

/** A dataset file of the given lines (objects are written as JSON). */
function datasetOf(name: string, rows: (object | string)[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`);
  return p;
}

const exitCode = (err: unknown): number => (err === null ? 0 : err instanceof CliError ? err.exitCode : -1);

describe('evaluate --fail-under', () => {
  it('exits 0 when the thresholds are met, and says so', async () => {
    const { err, out } = await run(evaluate, { dataset, 'fail-under': 'accuracy=0.5' });
    expect(exitCode(err)).toBe(0);
    expect(out).toContain('--fail-under passed: accuracy ≥ 0.5');
  });

  it(`exits ${EXIT_UNDER_THRESHOLD} when a threshold is not met, after printing the report with the failures`, async () => {
    const { err, out } = await run(evaluate, { dataset, 'fail-under': 'accuracy=0.5,recall=0.99', json: true });
    expect(exitCode(err)).toBe(EXIT_UNDER_THRESHOLD);
    expect((err as Error).message).toMatch(/^--fail-under not met: recall 0\.\d{4} is under the minimum 0\.99$/);
    const report = JSON.parse(out) as { posts: number; failUnder: { failures: Array<{ name: string }> }; byKind: Record<string, unknown> };
    expect(report.posts).toBe(4);
    expect(report.failUnder.failures.map((f) => f.name)).toEqual(['recall']);
    expect(Object.keys(report.byKind)).toEqual(['general', 'offer', 'unspecified']);
  });

  it.each([
    ['f1=1.01', 'value 1.01 must lie in [0, 1]'],
    ['f1=0.9,speed=1', 'unknown metric "speed"'],
    ['f1=ninety', 'value "ninety" is not a number'],
  ])('refuses --fail-under %s as a usage error (exit 2) naming the problem', async (spec, reason) => {
    const { err } = await run(evaluate, { dataset, 'fail-under': spec });
    expect(exitCode(err)).toBe(2);
    expect((err as Error).message).toContain(reason);
  });

  it('refuses a bad --prevalence and a missing dataset as usage errors', async () => {
    expect(exitCode((await run(evaluate, { dataset, prevalence: '0.01,2' })).err)).toBe(2);
    expect(exitCode((await run(evaluate, { dataset: join(dir, 'nope.ndjson') })).err)).toBe(2);
    expect(exitCode((await run(evaluate, {})).err)).toBe(2);
  });

  it('the process exits 4 under the threshold, with the report on stdout (options registered in the CLI)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'evaluate', '--dataset', dataset, '--fail-under', 'recall=0.99', '--prevalence', '1%'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('error: --fail-under not met: recall');
    expect(r.stdout).toMatch(/^overall\s+4\s+2\s/m);
  }, 60_000);
});

describe('compare', () => {
  it('identical sides agree on every post; unlabelled posts are counted apart', async () => {
    const { err, out } = await run(compare, { dataset: unlabelled, json: true });
    expect(err).toBeNull();
    const r = JSON.parse(out) as { rows: number; labelled: number; unlabelled: number; agreement: { share: number }; changes: unknown[] };
    expect(r).toMatchObject({ rows: 4, labelled: 1, unlabelled: 3, agreement: { share: 1 }, changes: [] });
  });

  it('records which model each side ran', async () => {
    const { err, out } = await run(compare, { dataset, 'model-b': 'none', json: true });
    expect(err).toBeNull();
    const r = JSON.parse(out) as { b: { modelVersion: string | null; label: string }; labelled: number };
    expect(r.b.modelVersion).toBeNull();
    expect(r.b.label).toMatch(/model none$/);
    expect(r.labelled).toBe(4);
  });

  it('refuses a rule folder that does not load as a usage error naming the side', async () => {
    const { err } = await run(compare, { dataset, 'rules-b': join(dir, 'no-such-rules') });
    expect(exitCode(err)).toBe(2);
    expect((err as Error).message).toMatch(/^side b: .*no-such-rules/);
  });
});

describe('refused input lines', () => {
  it(`evaluate reports the rest, then exits ${EXIT_INPUT_REFUSED}, even when the --fail-under gate passes`, async () => {
    const d = datasetOf('some-bad.ndjson', [...lines, 'not json', { id: 9, text: 'x' }]);
    const { err, out, stderr } = await run(evaluate, { dataset: d, 'fail-under': 'accuracy=0.5', json: true });
    expect(exitCode(err)).toBe(EXIT_INPUT_REFUSED);
    expect((err as Error).message).toMatch(/^2 input lines of .* refused/);
    expect(JSON.parse(out)).toMatchObject({ posts: 4, skipped: 2 });
    expect(stderr).toMatch(/: line 5: invalid JSON/);
  });

  it('evaluate reports a bad label with its line number', async () => {
    const d = datasetOf('bad-label.ndjson', [lines[0]!, { ...lines[1], id: 'b', label: 'ad' }]);
    const { err, stderr } = await run(evaluate, { dataset: d });
    expect(exitCode(err)).toBe(EXIT_INPUT_REFUSED);
    expect(stderr).toMatch(/bad-label\.ndjson: line 2: post "b": "label" must be smuggling_ad or not_smuggling, got "ad" \(skipped\)/);
    expect(stderr).not.toMatch(/post b:/);
  });

  it(`the refused lines take precedence over a failed gate (exit ${EXIT_INPUT_REFUSED}), and both are said`, async () => {
    const d = datasetOf('bad-and-under.ndjson', [...lines, '{']);
    const { err } = await run(evaluate, { dataset: d, 'fail-under': 'recall=0.99' });
    expect(exitCode(err)).toBe(EXIT_INPUT_REFUSED);
    expect((err as Error).message).toMatch(/refused[\s\S]*\n--fail-under not met: recall/);
  });

  it('refuses a duplicate id at the line of the second, naming the first; an empty text; a lang that is not ISO 639-3', async () => {
    const d = datasetOf('loose.ndjson', [
      lines[0]!, lines[1]!, lines[2]!, lines[3]!,
      { ...lines[2], text: 'another text' }, // id 3 again
      { ...lines[3], id: 5, text: '   ' },
      { ...lines[3], id: 6, lang: 'english' },
      { ...lines[3], id: 7, lang: 'und' },
    ]);
    const { err, out, stderr } = await run(evaluate, { dataset: d, json: true });
    expect(exitCode(err)).toBe(EXIT_INPUT_REFUSED);
    expect(JSON.parse(out)).toMatchObject({ posts: 5, skipped: 3 });
    expect(stderr).toMatch(/line 5: duplicate id "3" \(first at line 3\)/);
    expect(stderr).toMatch(/line 6: post "5": text is empty/);
    expect(stderr).toMatch(/line 7: post "6": lang must be an ISO 639-3 code/);
  });

  it(`evaluate exits ${EXIT_INPUT_REFUSED} when every line was refused, and 2 for an empty dataset`, async () => {
    expect(exitCode((await run(evaluate, { dataset: datasetOf('all-bad.ndjson', ['nope', '{"id":1}']) })).err)).toBe(EXIT_INPUT_REFUSED);
    expect(exitCode((await run(evaluate, { dataset: datasetOf('empty.ndjson', []) })).err)).toBe(2);
  });

  it(`compare prints the comparison of the rest, then exits ${EXIT_INPUT_REFUSED}`, async () => {
    const { err, out } = await run(compare, { dataset: datasetOf('cmp-bad.ndjson', [...lines, '[1]']), json: true });
    expect(exitCode(err)).toBe(EXIT_INPUT_REFUSED);
    expect(JSON.parse(out)).toMatchObject({ rows: 4, skipped: 1 });
  });
});
