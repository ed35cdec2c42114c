/**
 * `npm run bench:audit [-- --events 1000000 --appends 4000]`: on a database made afresh
 * (`smugwatch_bench_audit`), prints
 * - appends/s with 8 concurrent writers (one event per transaction, as a request's decision is written);
 * - verify entries/s over `--events` chained events (recomputing every hash, read in pages);
 * - access decision latency in µs (p50/p99) of the Cedar policy for a flag read.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { verifyAuditLog } from '../src/audit/audit-reader';
import { appendAuditEvents, type AuditInput } from '../src/audit/audit-writer';
import { GroupCommitter } from '../src/audit/domain/group-commit';
import { chainNext } from '../src/audit/domain/hash-chain';
import { PrismaClient } from '../src/generated/prisma/client';
import { defaultPoliciesDir, loadPolicySet } from '../src/policy/policy-loader';
import { ensureDatabase } from '../src/prisma/database';
import { applyMigrations } from '../src/prisma/schema-engine';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, appends: { type: 'string', default: '4000' } } });
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query('DROP DATABASE IF EXISTS smugwatch_bench_audit WITH (FORCE)');
  await c.end();
  base.pathname = '/smugwatch_bench_audit';
  const url = base.toString();
  await ensureDatabase(url);
  await applyMigrations(url);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 8, options: '-c role=smugwatch_app' }) });

  // 1. appends with 8 concurrent writers
  const total = Number(values.appends);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    while (next < total) {
      next++;
      await prisma.$transaction((tx) => appendAuditEvents(tx, [{ action: 'consultation', outcome: 'success', actorId: `writer-${w}`, actorRole: 'reviewer', resourceType: 'flag', details: { n: next } }]));
    }
  }));
  const appendSecs = (performance.now() - t0) / 1000;
  console.log(`appends: ${total} single-event transactions by 8 concurrent writers in ${appendSecs.toFixed(2)} s = ${(total / appendSecs).toFixed(0)} appends/s`);

  // 1b. the API's path for standalone events: 8 concurrent writers through group commit
  const group = new GroupCommitter<AuditInput[], unknown>(async (batches) => {
    await prisma.$transaction((tx) => appendAuditEvents(tx, batches.flat()));
    return batches.map(() => null);
  });
  let nextG = 0;
  const tg = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    while (nextG < total) {
      nextG++;
      await group.submit([{ action: 'consultation', outcome: 'success', actorId: `writer-${w}`, actorRole: 'reviewer', resourceType: 'flag' }]);
    }
  }));
  const groupSecs = (performance.now() - tg) / 1000;
  console.log(`appends with group commit (the API's path): ${total} events by 8 concurrent writers in ${groupSecs.toFixed(2)} s = ${(total / groupSecs).toFixed(0)} appends/s`);

  // 2. fill up to --events with a valid chain (bulk insert), then verify everything
  const target = Number(values.events);
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const last = (await raw.query('SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1')).rows[0] as { seq: string; hash: string };
  let head = { seq: Number(last.seq), hash: last.hash };
  const tFill = performance.now();
  const when = new Date('2026-11-01T00:00:00Z').getTime();
  while (head.seq < target) {
    const n = Math.min(10_000, target - head.seq);
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (let i = 0; i < n; i++) {
      const e = chainNext(head, {
        occurredAt: new Date(when + head.seq * 10).toISOString(), actorId: `user-${head.seq % 50}`, actorRole: 'reviewer', unit: 'unit-a',
        action: 'consultation', resourceType: 'flag', resourceId: `f-${head.seq}`, purpose: 'review', caseReference: 'CASE-1', legalBasis: null,
        outcome: 'success', reason: null, policyIds: ['reviewer.read-own-unit-flags'], recipients: [], requestId: null, policyVersion: null,
        rulesetVersion: null, modelVersion: null, details: { n: head.seq },
      });
      head = { seq: e.seq, hash: e.hash };
      const row = [e.seq, e.occurredAt, e.actorId, e.action, e.resourceId, JSON.stringify(e.details), e.prevHash, e.hash, e.policyIds];
      row.forEach((v, k) => cols[k]!.push(v));
    }
    await raw.query(
      `INSERT INTO audit_event (seq, occurred_at, actor_id, actor_role, unit, action, resource_type, resource_id, purpose, case_reference, outcome, details, prev_hash, hash, policy_ids, recipients)
       SELECT s, t, a, 'reviewer', 'unit-a', act, 'flag', r, 'review', 'CASE-1', 'success', d::jsonb, p, h, ARRAY['reviewer.read-own-unit-flags'], ARRAY[]::text[]
       FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS x(s, t, a, act, r, d, p, h)`,
      [cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7]],
    );
  }
  await raw.end();
  console.log(`filled the log to ${head.seq} events in ${((performance.now() - tFill) / 1000).toFixed(1)} s`);
  const tv = performance.now();
  const v = await verifyAuditLog(prisma, null, []);
  const verifySecs = (performance.now() - tv) / 1000;
  if (!v.ok) throw new Error(`verification failed: ${v.problem} at ${v.brokenAtSeq}`);
  console.log(`verify: ${v.checked} events in ${verifySecs.toFixed(2)} s = ${(v.checked / verifySecs).toFixed(0)} entries/s (peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);
  await prisma.$disconnect();

  // 3. authorisation latency
  const policies = loadPolicySet(defaultPoliciesDir());
  const principal = { id: 'u1', role: 'reviewer', unit: 'unit-a' };
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t = process.hrtime.bigint();
    policies.access.decide(principal, 'flags.read', { type: 'Flag', id: `f-${i}`, unit: i % 2 ? 'unit-a' : 'unit-b', status: 'pending' }, { purpose: 'review', caseReference: 'CASE-1' });
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`authorisation: ${samples.length} Cedar decisions, p50 ${pct(samples, 0.5).toFixed(0)} µs, p99 ${pct(samples, 0.99).toFixed(0)} µs`);
}

main().catch((e: unknown) => {
  console.error(`bench:audit failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
