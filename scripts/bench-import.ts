/**
 * `npm run bench:import [-- --mb 1000 --keep --api <url> --key <key>]`: generates an NDJSON export of
 * about 1 GB in the system temp folder (once; reused while its size matches), runs
 * `import --format ndjson --dry-run` on it in a child process, and prints MB/s and the child's peak
 * RSS (target: under 300 MB). With `--api` and `--key` it also imports into that running API.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/stack';

const TEXTS = [
  'Boat to Italy from the coast every week, 2500 euro, safe and guaranteed arrival, contact WhatsApp 07700 900{n}',
  'Passage by lorry to the UK, leaving Sunday night, 2000 pounds, no papers needed, write to @fake_trip_{n}',
  'Warning from our aid group: never pay anyone for a sea crossing, it is dangerous. Call the helpline for legal advice.',
  'Family dinner tonight, then a walk by the harbour. Boats look beautiful in the evening light. #{n}',
  'Looking for my cousin who left in August, he is 19, please write if you have any news of him. Photo attached.',
];

async function generate(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  let i = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++, i++) {
      const n = String(100 + (i % 900));
      lines.push(JSON.stringify({
        platform: 'telegram', platformPostId: `bench-${i}`, url: `https://t.me/fake_bench_${i % 50}/${i}`, authorHandle: `@fake_bench_${i % 5000}`,
        text: TEXTS[i % TEXTS.length]!.replace('{n}', n), postedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(), visibility: 'public',
        views: i % 9973, forwards: i % 31, channel: { id: 1700000000 + (i % 50), title: `Fake bench channel ${i % 50}` }, lang: 'en',
      }));
    }
    const chunk = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return i;
}

/** Runs the CLI in a child process; returns its wall time, peak RSS (VmHWM) and output. */
function runImport(args: string[]): Promise<{ seconds: number; peakMiB: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'import', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let peak = 0;
    let stdout = '';
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch { /* exited */ }
    }, 50);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ seconds: (performance.now() - t0) / 1000, peakMiB: peak, stdout, code });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '1000' }, keep: { type: 'boolean' }, api: { type: 'string' }, key: { type: 'string' } } });
  const target = Number(values.mb) * 1e6;
  const file = join(tmpdir(), `smugwatch-bench-import-${values.mb}mb.ndjson`);
  if (!existsSync(file) || Math.abs(statSync(file).size - target) > 1e6) {
    const t = performance.now();
    const n = await generate(file, target);
    console.log(`generated ${file}: ${n} posts, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const size = statSync(file).size;
  try {
    // a dry run checks the provenance as an import does, so both carry it
    const provenance = ['--source', 'telegram', '--legal-basis', 'BENCHMARK: generated posts', '--collected-by', 'bench'];
    const runs: [string, string[]][] = [['dry run', ['--dry-run', ...provenance]]];
    if (values.api && values.key) runs.push([`import into ${values.api}`, ['--api', values.api, '--key', values.key, ...provenance]]);
    for (const [label, extra] of runs) {
      const r = await runImport([file, '--format', 'ndjson', '--json', ...extra]);
      if (r.code !== 0) throw new Error(`import exited ${r.code}: ${r.stdout.slice(0, 500)}`);
      const totals = (JSON.parse(r.stdout) as { totals: Record<string, unknown> }).totals;
      console.log(`${label}: ${(size / 1e6).toFixed(0)} MB in ${r.seconds.toFixed(1)} s = ${(size / 1e6 / r.seconds).toFixed(1)} MB/s, ${Math.round(Number(totals.posts) / r.seconds)} posts/s; peak RSS ${r.peakMiB.toFixed(0)} MiB (target < 300)`);
      console.log(`  totals: ${JSON.stringify(totals)}`);
    }
  } finally {
    if (!values.keep) unlinkSync(file);
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
