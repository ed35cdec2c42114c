/**
 * `npm run demo`: the main job end to end on the shipped sample. Migrates a demo database made
 * afresh (`smugwatch_demo`), starts the API and a worker, ingests data/sample/posts.ndjson through
 * the HTTP API, waits until every post is classified, prints the flags and the counts, verifies
 * the audit chain, and stops everything it started.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { table } from '../src/cli/output';
import { ROOT, startStack } from './lib/stack';

interface SamplePost { id: string; platform: string; platformPostId: string; url: string; authorHandle: string; postedAt: string; text: string; label: string; lang: string; kind: string }

async function main(): Promise<void> {
  const sample: SamplePost[] = readFileSync(join(ROOT, 'data', 'sample', 'posts.ndjson'), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as SamplePost);
  const provenance = JSON.parse(readFileSync(join(ROOT, 'data', 'sample', 'provenance.json'), 'utf8')) as Record<string, unknown>;
  console.log(`demo: ${sample.length} sample posts; starting PostgreSQL database smugwatch_demo, API and one worker…`);
  const stack = await startStack({ dbName: 'smugwatch_demo', prefix: 'smugwatch-demo', workers: 1 });
  try {
    const collector = await stack.key('reviewer', 'demo-reviewer');
    const auditor = await stack.key('auditor', 'demo-auditor');
    const call = async (path: string, key: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
      const res = await fetch(`${stack.baseUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${key}`, ...init.headers } });
      const body = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${JSON.stringify(body)}`);
      return body;
    };
    const posts = sample.map(({ platform, platformPostId, url, authorHandle, postedAt, text }) => ({ platform, platformPostId, url, authorHandle, postedAt, text, visibility: 'public' }));
    const receipt = await call('/v1/ingest/batches', collector, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provenance, posts }) });
    console.log(`ingested batch ${receipt.batchId}: received ${receipt.received}, accepted ${receipt.accepted}, duplicates ${receipt.duplicate}, rejected ${receipt.rejected}`);

    const bar = new SingleBar({ format: 'classifying [{bar}] {value}/{total} posts ({percentage}%)', hideCursor: true, stream: process.stdout, noTTYOutput: true, notTTYSchedule: 1000 }, Presets.shades_classic);
    bar.start(receipt.accepted, 0);
    const deadline = Date.now() + 120_000;
    let status = await call(`/v1/ingest/batches/${receipt.batchId}`, collector);
    while (status.counts.classified < receipt.accepted) {
      if (Date.now() > deadline) throw new Error(`timed out: ${status.counts.classified}/${receipt.accepted} classified`);
      await new Promise((r) => setTimeout(r, 200));
      status = await call(`/v1/ingest/batches/${receipt.batchId}`, collector);
      bar.update(status.counts.classified);
    }
    bar.update(status.counts.classified);
    bar.stop();

    const flags = await call(`/v1/flags?batchId=${receipt.batchId}&limit=500`, collector, { headers: { 'X-Purpose': 'review' } });
    const byPostId = new Map((await stack.prisma.post.findMany({ where: { batchId: receipt.batchId }, select: { id: true, platformPostId: true, platform: true } })).map((p) => [p.id, p]));
    const sampleOf = new Map(sample.map((s) => [`${s.platform}:${s.platformPostId}`, s]));
    const rows = (flags.flags as { id: string; postId: string; language: string; score: number; topRules: string[] }[]).map((f) => {
      const p = byPostId.get(f.postId);
      const s = p ? sampleOf.get(`${p.platform}:${p.platformPostId}`) : undefined;
      return [f.id.slice(0, 8), s?.id ?? '?', f.language, f.score.toFixed(3), f.topRules.join(', '), s?.label === 'smuggling_ad' ? 'ad' : 'NOT AN AD'];
    });
    console.log(`\nflags raised for human review (${flags.total}):\n`);
    console.log(table(['flag', 'sample', 'lang', 'score', 'top matched rules', 'sample label'], rows, 70));

    const ads = sample.filter((s) => s.label === 'smuggling_ad').length;
    const flaggedAds = rows.filter((r) => r[5] === 'ad').length;
    const c = status.counts;
    console.log(`\ncounts: received ${c.received}, accepted ${c.accepted}, duplicate ${c.duplicate}, rejected ${c.rejected}, classified ${c.classified}, flagged ${c.flagged}`);
    console.log(`against the sample labels: ${flaggedAds}/${ads} ads flagged, ${rows.length - flaggedAds}/${sample.length - ads} non-ads flagged`);

    const again = await call('/v1/ingest/batches', collector, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provenance, posts }) });
    console.log(`re-submitting the same posts: accepted ${again.accepted}, duplicates ${again.duplicate}`);
    const verdict = await call('/v1/audit/verify', auditor);
    console.log(`audit chain: ${verdict.ok ? 'verified' : 'BROKEN'} (${verdict.checked} events, ${verdict.checkpoints.verified} signed checkpoint(s) held, head ${String(verdict.headHash).slice(0, 16)}…)`);
    if (!verdict.ok) throw new Error('audit chain did not verify');
  } finally {
    await stack.stop();
  }
  console.log('\ndemo finished; API and worker stopped. Database smugwatch_demo is kept for inspection.');
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
