/**
 * CLI commands. Each takes parsed options and returns normally or throws CliError; none needs Nest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { verifyAuditLog } from '../audit/audit-reader';
import { PrincipalRepository } from '../auth/principal.repository';
import { readBatchStatus } from '../ingestion/batch-status';
import { loadEnv, maskUrl } from '../config/env';
import { createDetector, PIPELINE_VERSION } from '../detection/domain/pipeline';
import { loadRulesetFromDir } from '../detection/ruleset-loader';
import { ROLES, type RoleName } from '../policy/domain/policy.schema';
import { defaultPoliciesDir, loadPolicySet } from '../policy/policy-loader';
import { ensureDatabase } from '../prisma/database';
import { applyMigrations } from '../prisma/schema-engine';
import { classifyJobs, QUEUE } from '../queue/queue.constants';
import { assertRedisReachable, redisConnection } from '../queue/redis';
import { connectPrisma } from './prisma';
import { CliError, printJson, table } from './output';

export interface Opts {
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  args: string[];
}

function need(o: Opts, name: string): string {
  const v = o.values[name];
  if (typeof v !== 'string' || !v) throw new CliError(`missing --${name}`, 2);
  return v;
}

export async function migrate(o: Opts): Promise<void> {
  const env = loadEnv();
  const created = await ensureDatabase(env.DATABASE_URL);
  const applied = await applyMigrations(env.DATABASE_URL);
  if (o.json) return printJson({ database: maskUrl(env.DATABASE_URL), created, applied });
  console.log(`${created ? 'created and ' : ''}migrated ${maskUrl(env.DATABASE_URL)}: ${applied.length ? applied.join(', ') : 'up to date'}`);
}

export async function keysCreate(o: Opts): Promise<void> {
  const role = need(o, 'role');
  if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}`, 2);
  const prisma = await connectPrisma(loadEnv().DATABASE_URL);
  try {
    const r = await new PrincipalRepository(prisma).createKey(need(o, 'name'), role as RoleName, need(o, 'unit'));
    if (o.json) return printJson({ principal: r.principal, apiKey: r.key });
    console.log(`principal ${r.principal.name} (${r.principal.role}, ${r.principal.unit})\nAPI key (shown once, store it now): ${r.key}`);
  } finally {
    await prisma.$disconnect();
  }
}

/** Reads posts from a file: plain text (one post), JSON (object or array with `text`), or NDJSON. */
function readPosts(path: string): { id: string; text: string }[] {
  const raw = readFileSync(path === '-' ? 0 : path, 'utf8');
  const trimmed = raw.trim();
  const pick = (v: unknown, i: number, line?: number) => {
    const o = v as { id?: unknown; text?: unknown };
    if (typeof o?.text !== 'string') throw new CliError(`${path}${line ? `:${line}` : ''}: entry ${i} has no "text" string`);
    return { id: String(o.id ?? i + 1), text: o.text };
  };
  if (path.endsWith('.ndjson') || path.endsWith('.jsonl')) {
    return raw.split('\n').flatMap((l, i) => {
      if (!l.trim()) return [];
      try {
        return [pick(JSON.parse(l), i, i + 1)];
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`${path}:${i + 1}: invalid JSON: ${(e as Error).message}`);
      }
    });
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(trimmed);
    } catch (e) {
      throw new CliError(`${path}: invalid JSON: ${(e as Error).message}`);
    }
    return (Array.isArray(v) ? v : [v]).map((x, i) => pick(x, i));
  }
  return [{ id: '1', text: raw }];
}

export async function classify(o: Opts): Promise<void> {
  const file = o.args[0];
  if (!file) throw new CliError('usage: classify <file|-> [--json]', 2);
  const policies = loadPolicySet(defaultPoliciesDir(loadEnv().POLICIES_DIR));
  const ruleset = loadRulesetFromDir(join(policies.dir, 'detection'));
  const detector = createDetector(ruleset, { flag: policies.flagging.flagThreshold, review: policies.flagging.reviewThreshold });
  const results = readPosts(file).map((p) => ({ id: p.id, ...detector.classify(p.text) }));
  if (o.json) return printJson(results.map(({ id, score, label, language, hits, entities, rulesetVersion, pipelineVersion }) => ({ id, score, label, language, hits, entities, rulesetVersion, pipelineVersion })));
  console.log(table(['id', 'label', 'score', 'lang', 'rules'], results.map((r) => [r.id, r.label, r.score.toFixed(3), r.language.code, r.hits.filter((h) => h.weight > 0).map((h) => h.ruleId).join(' ')]), 90));
  console.log(`\nruleset ${ruleset.version.slice(0, 12)}  ${PIPELINE_VERSION}  flag at ${policies.flagging.flagThreshold}`);
}

export async function rulesCheck(o: Opts): Promise<void> {
  const policies = loadPolicySet(defaultPoliciesDir(loadEnv().POLICIES_DIR));
  const ruleset = loadRulesetFromDir(join(policies.dir, 'detection'));
  const out = { policiesDir: policies.dir, policyVersion: policies.version, rulesetVersion: ruleset.version, rules: ruleset.rules.length, pipelineVersion: PIPELINE_VERSION };
  if (o.json) return printJson(out);
  console.log(`policies ok: ${out.policiesDir}\npolicy version  ${out.policyVersion}\nruleset version ${out.rulesetVersion} (${out.rules} rules)\n${PIPELINE_VERSION}`);
}

export async function auditVerify(o: Opts): Promise<void> {
  const prisma = await connectPrisma(loadEnv().DATABASE_URL);
  try {
    const v = await verifyAuditLog(prisma);
    if (!v.ok) {
      if (o.json) printJson({ ok: false, checked: v.count, brokenAtSeq: v.brokenAtSeq, problem: v.problem });
      throw new CliError(`audit chain BROKEN at seq ${v.brokenAtSeq} (${v.problem}) after ${v.count} events`, 3);
    }
    if (o.json) return printJson({ ok: true, checked: v.count, headSeq: v.headSeq, headHash: v.headHash });
    console.log(`audit chain ok: ${v.count} events, head seq ${v.headSeq ?? '-'} hash ${v.headHash}`);
  } finally {
    await prisma.$disconnect();
  }
}

export async function batchStatus(o: Opts): Promise<void> {
  const id = o.args[0];
  if (!id) throw new CliError('usage: batch <id> [--json]', 2);
  const prisma = await connectPrisma(loadEnv().DATABASE_URL);
  try {
    const s = await readBatchStatus(prisma, id);
    if (!s) throw new CliError(`ingest batch ${id} not found`);
    if (o.json) return printJson(s);
    console.log(table(Object.keys(s.counts), [Object.values(s.counts)]));
  } finally {
    await prisma.$disconnect();
  }
}

export async function sweep(o: Opts): Promise<void> {
  const env = loadEnv();
  await assertRedisReachable(env.REDIS_URL);
  const prisma = await connectPrisma(env.DATABASE_URL);
  const queue = new Queue(QUEUE.classify, { connection: redisConnection(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
  try {
    const rows = await prisma.post.findMany({ where: { status: 'queued' }, select: { id: true } });
    for (let i = 0; i < rows.length; i += 1000) {
      await queue.addBulk(classifyJobs(rows.slice(i, i + 1000).map((r) => r.id), env.CLASSIFY_ATTEMPTS));
    }
    if (o.json) return printJson({ requeued: rows.length });
    console.log(`re-enqueued ${rows.length} unclassified posts`);
  } finally {
    await queue.close();
    await prisma.$disconnect();
  }
}
