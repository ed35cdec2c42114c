/**
 * Detection throughput on one core: `npm run bench:classify [-- --posts N --batch B --profile out.cpuprofile --source | --dist DIR]`.
 *
 * By default it measures the compiled JavaScript in dist/ (the script runs `npm run build` first), which is what the
 * worker runs (`node dist/worker.js`). With --source it loads the TypeScript through tsx instead, whose transform adds
 * work of its own to hot code (a `__name` call per closure created, getters for every imported binding), so its
 * figures are lower; use it with --profile to see source names. --dist DIR measures another build's compiled output
 * (e.g. an older commit's `dist/`, to compare versions on the same posts and machine).
 *
 * Builds N posts (default 100,000) by varying the labelled posts in data/ (sample, train, dev): digits re-drawn,
 * words dropped or repeated, a fake handle or emoji appended, so caches do not see the same text twice in a row.
 * Classifies them in one process, on the main thread, in batches of B posts through `detector.classifyMany` (default
 * 16: the worker classifies the jobs it runs at once together, CLASSIFY_CONCURRENCY = 16 by default; `--batch 1` calls
 * `classify` post by post, as the API's single-post paths do), and prints:
 *  - wall-clock posts/s (hrtime around the classify loop);
 *  - posts per CPU-second: posts / (user + system CPU time of the process over the same loop, from
 *    process.cpuUsage()). On a shared machine other processes steal wall time but not this process's CPU time, so
 *    this is the figure to compare runs by; the two agree on an idle core (GC runs on helper threads can push CPU
 *    time slightly above wall time);
 *  - the process's peak RSS (process.resourceUsage().maxRSS), which includes the N posts held in memory.
 * With --profile, writes a V8 CPU profile (node:inspector) of the classify loop.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { loadDetectorFromPolicies as LoadDetector } from '../src/detection/detector-loader';

const root = join(__dirname, '..');

function readTexts(): string[] {
  const files: string[] = [join(root, 'data/sample/posts.ndjson')];
  for (const dir of ['data/train', 'data/dev']) {
    try {
      for (const f of readdirSync(join(root, dir))) if (f.endsWith('.ndjson')) files.push(join(root, dir, f));
    } catch {
      // a missing folder only narrows the mix
    }
  }
  const texts: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const t = (JSON.parse(line) as { text?: unknown }).text;
      if (typeof t === 'string') texts.push(t);
    }
  }
  return texts;
}

/** mulberry32: a small seeded PRNG, so every run benchmarks the same posts. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTRAS = [' 🚤', ' 🇬🇧', ' @fake_user_', ' #travel', ' 💶💶', ' ok', ' !!', ' 🙏'];

export function makePosts(count: number, seed = 7): string[] {
  const base = readTexts();
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = pick(base).split(' ');
    const kept: string[] = [];
    for (const w of words) {
      const r = rand();
      if (r < 0.04) continue;
      kept.push(r > 0.97 ? `${w} ${w}` : w);
    }
    let text = kept.join(' ').replace(/[0-9]/gu, (d) => (rand() < 0.3 ? String(Math.floor(rand() * 10)) : d));
    if (rand() < 0.5) text += pick(EXTRAS) + (rand() < 0.5 ? String(i % 997) : '');
    out.push(text);
  }
  return out;
}

/** A usage error: one line on stderr, exit 2. */
function usage(message: string): void {
  console.error(`error: ${message}\nusage: npm run bench:classify [-- --posts N --batch B --profile out.cpuprofile --source | --dist DIR]`);
  process.exitCode = 2;
}

async function main(): Promise<void> {
  let values: { posts?: string; batch?: string; profile?: string; source?: boolean; dist?: string };
  try {
    values = parseArgs({ options: { posts: { type: 'string' }, batch: { type: 'string' }, profile: { type: 'string' }, source: { type: 'boolean' }, dist: { type: 'string' } } }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  const n = Number(values.posts ?? 100_000);
  const batch = Number(values.batch ?? 16);
  if (!Number.isInteger(n) || n < 1) return usage(`--posts must be a whole number ≥ 1, got ${values.posts}`);
  if (!Number.isInteger(batch) || batch < 1) return usage(`--batch must be a whole number ≥ 1, got ${values.batch}`);
  const code = values.source
    ? '../src/detection/detector-loader'
    : join(values.dist === undefined ? join(root, 'dist') : resolve(values.dist), 'detection/detector-loader.js');
  if (!values.source && !existsSync(code)) return usage(`no compiled detector at ${code} (--dist names a build's dist/ folder)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadDetectorFromPolicies } = require(code) as { loadDetectorFromPolicies: typeof LoadDetector };
  const { detector, rulesetVersion, modelVersion } = loadDetectorFromPolicies(join(root, 'policies'), join(root, 'models'));
  const posts = makePosts(n);
  const chars = posts.reduce((s, p) => s + p.length, 0);
  const warm = posts.slice(0, Math.min(2000, n)); // warm-up (JIT), both ways
  for (const p of warm) detector.classify(p);
  for (let i = 0; i < warm.length; i += batch) detector.classifyMany(warm.slice(i, i + batch));
  const batches: string[][] = [];
  for (let i = 0; i < n; i += batch) batches.push(posts.slice(i, i + batch));

  let session: Session | undefined;
  if (values.profile) {
    session = new Session();
    session.connect();
    await new Promise<void>((r) => session?.post('Profiler.enable', () => session?.post('Profiler.start', () => r())));
  }
  let flagged = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (batch === 1) for (const p of posts) flagged += detector.classify(p).flagged ? 1 : 0;
  else for (const b of batches) for (const d of detector.classifyMany(b)) flagged += d.flagged ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (session && values.profile) {
    const file = values.profile;
    await new Promise<void>((r) =>
      session?.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(file, JSON.stringify(res.profile));
        r();
      }),
    );
    session.disconnect();
  }
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(`posts            ${n} (${Math.round(chars / n)} chars on average)`);
  console.log(`batch            ${batch === 1 ? '1 (classify, post by post)' : `${batch} (classifyMany, as the worker runs)`}`);
  console.log(`time             ${seconds.toFixed(2)} s on one core (main thread)`);
  console.log(`cpu time         ${cpuSeconds.toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)} + system ${(cpu.system / 1e6).toFixed(2)})`);
  console.log(`throughput       ${Math.round(n / seconds)} posts/s (wall clock)`);
  console.log(`cpu throughput   ${Math.round(n / cpuSeconds)} posts per CPU-second`);
  console.log(`flagged          ${flagged} (${((100 * flagged) / n).toFixed(1)}%)`);
  console.log(`peak RSS         ${rssMiB.toFixed(0)} MiB`);
  console.log(`ruleset          ${rulesetVersion.slice(0, 12)}  model ${modelVersion?.slice(0, 12) ?? 'none'}`);
  console.log(`code             ${values.source ? 'TypeScript sources through tsx (--source)' : `compiled ${values.dist ?? 'dist/'} (as the worker runs it)`}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
