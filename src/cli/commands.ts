/**
 * CLI commands. Each takes parsed options and returns normally or throws CliError; none needs Nest.
 */
import { join } from 'node:path';
import { checkRuleExamples, describeExampleFailure } from '../rulesets/rule-examples';
import { Queue } from 'bullmq';
import { PrincipalRepository } from '../auth/principal.repository';
import { readBatchStatus } from '../ingestion/batch-status';
import { loadEnv, maskUrl } from '../config/env';
import { PIPELINE_VERSION } from '../detection/domain/pipeline';
import { loadRulesetFromDir } from '../detection/ruleset-loader';
import { ROLES } from '../policy/domain/policy.schema';
import { CreateKeySchema } from '../admin/create-key.schema';
import { defaultPoliciesDir, loadPolicySet } from '../policy/policy-loader';
import { ensureDatabase } from '../prisma/database';
import { applyMigrations } from '../prisma/schema-engine';
import { unclassifiedPostIds } from '../detection/unclassified';
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

/** `keys:create`: validated with the admin API's schema, so both accept the same names, roles and units. */
export async function keysCreate(o: Opts): Promise<void> {
  const input = CreateKeySchema.safeParse({ name: need(o, 'name'), role: need(o, 'role'), unit: need(o, 'unit') });
  if (!input.success) throw new CliError(input.error.issues.map((i) => `--${String(i.path[0])}: ${i.path[0] === 'role' ? `must be one of ${ROLES.join(', ')}` : i.message}`).join('; '), 2);
  const prisma = await connectPrisma(loadEnv().DATABASE_URL);
  try {
    const r = await new PrincipalRepository(prisma).createKey(input.data.name, input.data.role, input.data.unit);
    if (o.json) return printJson({ principal: r.principal, apiKey: r.key });
    console.log(`principal ${r.principal.name} (${r.principal.role}, ${r.principal.unit})\nAPI key (shown once, store it now): ${r.key}`);
  } finally {
    await prisma.$disconnect();
  }
}

export async function rulesCheck(o: Opts): Promise<void> {
  const policies = loadPolicySet(defaultPoliciesDir(loadEnv().POLICIES_DIR));
  const ruleset = loadRulesetFromDir(join(policies.dir, 'detection'));
  const failures = checkRuleExamples(ruleset);
  if (failures.length) throw new CliError(`${failures.length} inline rule example(s) fail:\n${failures.map(describeExampleFailure).join('\n')}`, 3);
  const out = { policiesDir: policies.dir, policyVersion: policies.version, rulesetVersion: ruleset.version, rules: ruleset.rules.length, pipelineVersion: PIPELINE_VERSION };
  if (o.json) return printJson(out);
  console.log(`policies ok: ${out.policiesDir}\npolicy version  ${out.policyVersion}\nruleset version ${out.rulesetVersion} (${out.rules} rules)\n${PIPELINE_VERSION}`);
}

export async function batchStatus(o: Opts): Promise<void> {
  const id = o.args[0];
  if (!id) throw new CliError('usage: batch <id> [--json]', 2);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new CliError(`"${id}" is not a batch id (a UUID)`, 2);
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
    let requeued = 0;
    for await (const ids of unclassifiedPostIds(prisma, new Date())) {
      await queue.addBulk(classifyJobs(ids, env.CLASSIFY_ATTEMPTS));
      requeued += ids.length;
    }
    if (o.json) return printJson({ requeued });
    console.log(`re-enqueued ${requeued} unclassified posts`);
  } finally {
    await queue.close();
    await prisma.$disconnect();
  }
}
