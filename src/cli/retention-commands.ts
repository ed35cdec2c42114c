/**
 * `retention:run [--now <ISO time>] [--public-key <pem>] [--json]`: enforces policies/retention.yaml
 * once. Audit events are erased only up to a checkpoint signed by the key whose public half is
 * `--public-key` (default: the public half of AUDIT_SIGNING_KEY_FILE).
 */
import { loadSigningKey } from '../audit/signing-key';
import { enforceRetention } from '../retention/enforce';
import { loadEnv, pgRoleOptions } from '../config/env';
import { defaultPoliciesDir, loadPolicySet } from '../policy/policy-loader';
import { connectPrisma } from './prisma';
import { CliError, printJson, publicKeyOption } from './output';
import type { Opts } from './commands';

export async function retentionRun(o: Opts): Promise<void> {
  const env = loadEnv();
  const nowArg = o.values.now;
  const now = typeof nowArg === 'string' ? new Date(nowArg) : new Date();
  if (Number.isNaN(now.getTime())) throw new CliError(`--now "${String(nowArg)}" is not a date`, 2);
  const policies = loadPolicySet(defaultPoliciesDir(env.POLICIES_DIR));
  const pub = o.values['public-key'];
  const auditPublicKey = typeof pub === 'string' && pub ? publicKeyOption(pub) : loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production').publicKey;
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  try {
    const r = await enforceRetention(prisma, policies.retention, now, { actorId: 'cli', actorRole: 'operator' }, { auditPublicKey });
    if (o.json) return printJson(r);
    console.log(`retention at ${now.toISOString()}: ${r.unflaggedPostsDeleted} unflagged posts deleted, ${r.dismissedPostsErased} dismissed and ${r.confirmedPostsErased} confirmed posts erased, ${r.identitiesDeleted} sealed identities deleted; ${r.heldCases.length} case(s) on legal hold`);
    const a = r.auditErasure;
    console.log(a
      ? `audit log: ${a.count} events erased (seq ${a.firstSeq}..${a.lastSeq}), verifiable from the signed checkpoint at seq ${a.anchorCheckpoint.seq}; recorded at seq ${a.recordedAtSeq}`
      : `audit log: nothing erased (no signed checkpoint with every event before it older than ${policies.retention.auditEventsDays} days and the 183-day floor)`);
  } finally {
    await prisma.$disconnect();
  }
}
