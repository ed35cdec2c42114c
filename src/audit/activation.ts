/**
 * Records which policy set and ruleset a process runs under: at start, when the version differs
 * from the last one recorded, a `policy.change` event names the old and new versions and files,
 * so a change of rules or policy is always visible in the audit log.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { appendAuditEvents } from './audit-writer';

export async function recordActivation(prisma: PrismaClient, kind: 'access_policy' | 'ruleset', version: string, details: Record<string, unknown>, actor: { actorId: string; actorRole: string }): Promise<boolean> {
  const versionField = kind === 'ruleset' ? 'rulesetVersion' : 'policyVersion';
  return prisma.$transaction(async (tx) => {
    const last = await tx.auditEvent.findFirst({ where: { action: 'policy.change', resourceType: kind }, orderBy: { seq: 'desc' }, select: { policyVersion: true, rulesetVersion: true } });
    const previous = last ? last[versionField] : null;
    if (previous === version) return false;
    await appendAuditEvents(tx, [{ ...actor, action: 'policy.change', outcome: 'success', resourceType: kind, resourceId: version, [versionField]: version, details: { ...details, previousVersion: previous } }]);
    return true;
  });
}
