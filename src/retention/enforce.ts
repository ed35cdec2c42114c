/**
 * Enforces `policies/retention.yaml` at time `now` (pass a fake clock in tests). Plain TS over a
 * Prisma client; run by the worker schedule and `retention:run`.
 *
 * - Posts that never raised a flag and are older than `unflaggedPostsDays` are deleted with their
 *   classifications and cluster keys.
 * - Posts whose flag was dismissed (or confirmed) and is older than the period for that verdict keep
 *   a tombstone: text, payload, explanation and cluster keys are erased; the flag and its decisions
 *   (which hold no post content) stay as the trail of what was decided.
 * - Sealed identities no post refers to any more are deleted.
 * - Data of a case under legal hold (batch case reference) is spared.
 * Each kind erased is one `erasure` audit event with the count, never the content.
 * - Then, in a transaction of its own, audit events older than `auditEventsDays` are erased up to a
 *   signed checkpoint (see audit-erasure.ts; never younger than 183 days, AI Act Art. 19(1), 26(6);
 *   never from the first event of a case under legal hold on). This needs the checkpoint signer's
 *   public key, to erase only up to a checkpoint auditors can verify; without it the audit log is
 *   left whole.
 */
import type { KeyObject } from 'node:crypto';
import { appendAuditEvents } from '../audit/audit-writer';
import { eraseExpiredAuditEvents, type AuditErasure } from './audit-erasure';
import type { PrismaClient } from '../generated/prisma/client';
import type { RetentionPolicy } from '../policy/domain/policy.schema';

export interface RetentionResult {
  unflaggedPostsDeleted: number;
  dismissedPostsErased: number;
  confirmedPostsErased: number;
  identitiesDeleted: number;
  evidencePackagesDeleted: number;
  /** Audit events erased (0 when none qualified or no public key was given). */
  auditEventsErased: number;
  /** The audit erasure with its seq range and anchor checkpoint, or null. */
  auditErasure: AuditErasure | null;
  heldCases: string[];
}

const DAY = 86_400_000;
export const ERASED = '[erased under the retention policy]';

/**
 * Enforces the policy once at `now`.
 * @param opts.auditPublicKey the Ed25519 public key of the checkpoint signer; when absent, audit
 *   events are not erased
 * @returns what was deleted or erased, per kind
 */
export async function enforceRetention(
  prisma: PrismaClient, policy: RetentionPolicy, now: Date, actor = { actorId: 'retention', actorRole: 'system' }, opts: { auditPublicKey?: KeyObject } = {},
): Promise<RetentionResult> {
  const held = policy.legalHolds.filter((h) => !h.until || Date.parse(h.until) >= now.getTime()).map((h) => h.caseReference);
  const before = (days: number) => new Date(now.getTime() - days * DAY);
  const simulated = Math.abs(now.getTime() - Date.now()) > 60_000; // a fake clock (retention:run --now): said in each event
  const notHeld = { batch: { OR: [{ caseReference: null }, { caseReference: { notIn: held } }] } };

  const content = await prisma.$transaction(async (tx) => {
    const unflagged = (await tx.post.findMany({ where: { createdAt: { lt: before(policy.unflaggedPostsDays) }, flags: { none: {} }, ...notHeld }, select: { id: true } })).map((p) => p.id);
    if (unflagged.length) {
      await tx.classification.deleteMany({ where: { postId: { in: unflagged } } });
      await tx.post.deleteMany({ where: { id: { in: unflagged } } }); // cluster keys cascade
    }
    const eraseFlagged = async (status: 'dismissed' | 'confirmed', days: number): Promise<number> => {
      const ids = (await tx.post.findMany({
        where: { text: { not: ERASED }, flags: { some: { status, createdAt: { lt: before(days) } } }, ...notHeld },
        select: { id: true },
      })).map((p) => p.id);
      if (!ids.length) return 0;
      await tx.post.updateMany({ where: { id: { in: ids } }, data: { text: ERASED, rawPayload: { erased: true } } });
      await tx.$executeRaw`UPDATE post SET cluster_signature = NULL WHERE id = ANY(${ids}::uuid[])`;
      await tx.classification.updateMany({ where: { postId: { in: ids } }, data: { explanation: { erased: true } } });
      await tx.postClusterKey.deleteMany({ where: { postId: { in: ids } } });
      return ids.length;
    };
    const dismissed = await eraseFlagged('dismissed', policy.dismissedFlagsDays);
    const confirmed = await eraseFlagged('confirmed', policy.confirmedFlagsDays);
    const packages = (await tx.evidencePackage.deleteMany({ where: { createdAt: { lt: before(policy.evidencePackagesDays) }, caseReference: { notIn: held } } })).count;
    const identities = await tx.$executeRaw`
      DELETE FROM author_identity a WHERE NOT EXISTS (SELECT 1 FROM post p WHERE p.author_pseudonym = a.pseudonym AND p.text <> ${ERASED})`;

    const kinds: [string, number, number][] = [
      ['unflagged_posts', unflagged.length, policy.unflaggedPostsDays],
      ['dismissed_flag_content', dismissed, policy.dismissedFlagsDays],
      ['confirmed_flag_content', confirmed, policy.confirmedFlagsDays],
      ['sealed_identities', identities, 0],
      ['evidence_package_records', packages, policy.evidencePackagesDays],
    ];
    await appendAuditEvents(tx, kinds.filter(([, n]) => n > 0).map(([kind, count, days]) => ({
      ...actor, action: 'erasure', outcome: 'success', resourceType: kind, details: { ledOperation: 'erasure', kind, count, olderThanDays: days || null, heldCases: held.length, ...(simulated ? { simulatedNow: now.toISOString() } : {}) },
    }))); // stamped with the real time: a simulated `now` moves the cutoffs only, never the log's clock
    return { unflaggedPostsDeleted: unflagged.length, dismissedPostsErased: dismissed, confirmedPostsErased: confirmed, identitiesDeleted: identities, evidencePackagesDeleted: packages, heldCases: held };
  }, { timeout: 300_000, maxWait: 30_000 });
  const auditErasure = opts.auditPublicKey
    ? await eraseExpiredAuditEvents(prisma, { now, days: policy.auditEventsDays, heldCases: held, publicKey: opts.auditPublicKey, actor })
    : null;
  return { ...content, auditEventsErased: auditErasure?.count ?? 0, auditErasure };
}
