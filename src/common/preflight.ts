/**
 * Checks made before Nest starts, so that each failure is one line naming what is wrong:
 * environment, policy files (and detection rules for workers), PostgreSQL, Redis.
 */
import { join } from 'node:path';
import type { Env } from '../config/env';
import { loadRulesetFromDir } from '../detection/ruleset-loader';
import { defaultPoliciesDir, loadPolicySet } from '../policy/policy-loader';
import { assertDatabaseReachable, assertMigrated } from '../prisma/database';
import { readMigrationsList } from '../prisma/schema-engine';
import { assertRedisReachable } from '../queue/redis';

export async function preflight(env: Env, opts: { rules: boolean }): Promise<void> {
  const policies = loadPolicySet(defaultPoliciesDir(env.POLICIES_DIR));
  if (opts.rules) loadRulesetFromDir(join(policies.dir, 'detection'));
  await assertDatabaseReachable(env.DATABASE_URL);
  await assertMigrated(env.DATABASE_URL, readMigrationsList().migrationDirectories.map((d) => d.path));
  await assertRedisReachable(env.REDIS_URL);
}
