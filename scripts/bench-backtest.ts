/**
 * Backtest throughput: `npm run bench:backtest [-- --posts 100000 --chunk 500]`.
 *
 * Makes a fresh database `smugwatch_bench_backtest`, stores N posts (default 100,000; texts drawn from the labelled
 * posts in data/ with digits re-drawn and a counter appended, so no two are equal) and the live ruleset as a stored
 * version, then runs one backtest over all of them with the same function the worker's `analysis` queue runs
 * (scoring, result rows and progress committed per chunk). Prints posts/s of the run, with a progress bar on a
 * terminal, and the process's peak RSS. The database is dropped at the end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { Presets, SingleBar } from 'cli-progress';
import pg from 'pg';
import { runBacktest } from '../src/backtests/backtest-runner';
import { loadRulesetWithFiles } from '../src/detection/ruleset-loader';
import { loadModelFile } from '../src/detection/model-loader';
import { PrismaClient } from '../src/generated/prisma/client';
import { readYamlFile } from '../src/policy/policy-loader';
import { FlaggingPolicySchema } from '../src/policy/domain/policy.schema';
import { ensureDatabase } from '../src/prisma/database';
import { applyMigrations } from '../src/prisma/schema-engine';
import { recordRulesetVersion, RulesetDetectors } from '../src/rulesets/ruleset-store';
import { backtestVerdictRows } from '../src/rulesets/verdict-rows';
import { compareVerdicts } from '../src/evaluation/domain/compare';

const ROOT = join(__dirname, '..');
const DB = 'smugwatch_bench_backtest';

function texts(): string[] {
  const out: string[] = [];
  for (const dir of ['data/sample', 'data/train', 'data/dev']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.ndjson'))) {
      for (const line of readFileSync(join(ROOT, dir, f), 'utf8').split('\n')) {
        if (line.trim()) out.push(String((JSON.parse(line) as { text: unknown }).text ?? ''));
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { posts: { type: 'string', default: '100000' }, chunk: { type: 'string', default: '500' } } });
  const n = Number(values.posts);
  const chunk = Number(values.chunk);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(chunk) || chunk < 1) throw new Error('--posts and --chunk must be positive integers');
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  base.pathname = `/${DB}`;
  const url = base.toString();
  await ensureDatabase(url);
  await applyMigrations(url);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4, options: '-c role=smugwatch_app' }) });
  try {
    const pool = texts();
    const t0 = performance.now();
    const analyst = await prisma.principal.create({ data: { name: 'bench-analyst', role: 'analyst', unit: 'bench' } });
    const batch = await prisma.ingestBatch.create({
      data: {
        submittedById: analyst.id, sourcePlatform: 'bench', collectionMethod: 'platform_export', legalBasis: 'benchmark (invented posts)', unit: 'bench',
        collectedBy: 'bench', collectedAt: new Date(), receivedCount: n, acceptedCount: n, duplicateCount: 0, rejectedCount: 0,
      },
    });
    const from = new Date(Date.now() - 1000);
    // plain SQL with arrays (not the ORM), so that the seeding's memory does not count against the backtest's
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    for (let i = 0; i < n; i += 2000) {
      const ids: string[] = [];
      const textsOut: string[] = [];
      for (let j = i; j < Math.min(n, i + 2000); j++) {
        ids.push(String(j));
        textsOut.push(`${pool[j % pool.length]!.replace(/\d/g, (d) => String((Number(d) + j) % 10))} #${j}`);
      }
      await db.query(
        `INSERT INTO post (id, batch_id, platform, platform_post_id, url, author_pseudonym, text, raw_payload, raw_sha256)
         SELECT gen_random_uuid(), $1::uuid, 'bench', v.pid, 'https://example.invalid/' || v.pid, 'ps_' || (v.pid::int % 997), v.text, jsonb_build_object('text', v.text), repeat('0', 64)
         FROM unnest($2::text[], $3::text[]) AS v(pid, text)`,
        [batch.id, ids, textsOut],
      );
    }
    await db.end();
    const seeded = performance.now() - t0;
    const rssAfterSeeding = process.memoryUsage().rss / 2 ** 20;
    const { ruleset, files } = loadRulesetWithFiles(join(ROOT, 'policies/detection'));
    await recordRulesetVersion(prisma, { version: ruleset.version, ruleCount: ruleset.rules.length }, files, { origin: 'deployed', createdById: 'bench' });
    const flagging = readYamlFile(join(ROOT, 'policies/flagging.yaml'), FlaggingPolicySchema).value;
    const model = loadModelFile(join(ROOT, 'models/detection-model.json'));
    const detectors = new RulesetDetectors({ flag: flagging.flagThreshold, review: flagging.reviewThreshold }, model);
    const b = await prisma.backtest.create({ data: { rulesetVersion: ruleset.version, modelVersion: model.version, from, to: new Date(Date.now() + 60_000), requestedById: 'bench' } });

    const bar = process.stderr.isTTY ? new SingleBar({ format: 'backtest {bar} {value}/{total} posts | {eta}s left' }, Presets.shades_classic) : null;
    bar?.start(n, 0);
    let last = 0;
    const r = await runBacktest(prisma, detectors, b.id, {
      chunk,
      actor: { actorId: 'bench', actorRole: 'system' },
      onProgress: (processed, total) => {
        bar?.setTotal(total);
        bar?.update(processed);
        if (!bar && processed - last >= n / 10) {
          last = processed;
          process.stderr.write(`  ${processed}/${total}\n`);
        }
      },
    });
    bar?.stop();
    const flagged = await prisma.backtestResult.count({ where: { backtestId: b.id, flagged: true } });
    // The report: give every post a live classification (as a worker would have), then time the report's rows and comparison.
    const db2 = new pg.Client({ connectionString: url });
    await db2.connect();
    await db2.query(`INSERT INTO classification (id, post_id, score, label, explanation, ruleset_version, model_version, policy_version, flag_threshold, worker_id, flagged, band)
      SELECT gen_random_uuid(), r.post_id, r.score, CASE WHEN r.flagged THEN 'smuggling_ad' ELSE 'not_smuggling' END,
             jsonb_build_object('hits', (SELECT coalesce(jsonb_agg(jsonb_build_object('ruleId', id, 'spans', '[]'::jsonb)), '[]'::jsonb) FROM unnest(r.rule_ids) id)),
             'live', $2, 'bench', 0.6, 'bench', r.flagged, r.band
      FROM backtest_result r WHERE r.backtest_id = $1::uuid`, [b.id, model.version]);
    await db2.end();
    const tr = performance.now();
    const { rows } = await backtestVerdictRows(prisma, b.id);
    const report = compareVerdicts(rows);
    const reportMs = performance.now() - tr;
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`posts stored:        ${n.toLocaleString('en')} (seeded in ${(seeded / 1000).toFixed(1)} s)`);
    console.log(`backtest:            ${r.status}, ${r.processed.toLocaleString('en')} posts scored, ${flagged.toLocaleString('en')} flagged, chunks of ${chunk}`);
    console.log(`time:                ${(r.elapsedMs / 1000).toFixed(1)} s`);
    console.log(`throughput:          ${Math.round((r.scoredNow * 1000) / r.elapsedMs).toLocaleString('en')} posts/s (scoring and writing results, one process)`);
    console.log(`report:              ${report.rows.toLocaleString('en')} posts compared with their live verdicts in ${(reportMs / 1000).toFixed(1)} s`);
    console.log(`peak RSS:            ${rss.toFixed(0)} MiB (RSS after seeding ${rssAfterSeeding.toFixed(0)} MiB, at the end ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
  } finally {
    await prisma.$disconnect();
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => undefined);
    await c.end();
  }
}

main().catch((e) => {
  console.error(`bench:backtest: ${(e as Error).message}`);
  process.exit(1);
});
