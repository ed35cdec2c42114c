/** `retention:run [--now <ISO time>] [--json]`: enforces policies/retention.yaml once. */
import { enforceRetention } from '../retention/enforce';
import { loadEnv, pgRoleOptions } from '../config/env';
import { defaultPoliciesDir, loadPolicySet } from '../policy/policy-loader';
import { connectPrisma } from './prisma';
import { CliError, printJson } from './output';
import type { Opts } from './commands';

export async function retentionRun(o: Opts): Promise<void> {
  const env = loadEnv();
  const nowArg = o.values.now;
  const now = typeof nowArg === 'string' ? new Date(nowArg) : new Date();
  if (Number.isNaN(now.getTime())) throw new CliError(`--now "${String(nowArg)}" is not a date`, 2);
  const policies = loadPolicySet(defaultPoliciesDir(env.POLICIES_DIR));
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  try {
    const r = await enforceRetention(prisma, policies.retention, now, { actorId: 'cli', actorRole: 'operator' });
    if (o.json) return printJson(r);
    console.log(`retention at ${now.toISOString()}: ${r.unflaggedPostsDeleted} unflagged posts deleted, ${r.dismissedPostsErased} dismissed and ${r.confirmedPostsErased} confirmed posts erased, ${r.identitiesDeleted} sealed identities deleted; ${r.heldCases.length} case(s) on legal hold`);
  } finally {
    await prisma.$disconnect();
  }
}
