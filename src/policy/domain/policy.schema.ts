/**
 * Schemas of the policy files in `policies/` (zod). Unknown keys are errors: a typo in a policy must
 * stop the service, not be ignored.
 */
import { z } from 'zod';

export const ROLES = ['analyst', 'reviewer', 'supervisor', 'auditor', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

export const FlaggingPolicySchema = z
  .strictObject({
    version: z.literal(1),
    /** Score (0..1) at or above which a flag is raised for human review. */
    flagThreshold: z.number().gt(0).max(1),
    /** Score (0..1) at or above which a post is labelled `needs_review` (no flag). */
    reviewThreshold: z.number().min(0).max(1),
  })
  .refine((p) => p.reviewThreshold <= p.flagThreshold, { message: 'reviewThreshold must not exceed flagThreshold' });
export type FlaggingPolicy = z.infer<typeof FlaggingPolicySchema>;

/** Minimum days the audit log is kept: six months for logs of high-risk AI systems (AI Act Art. 19(1), 26(6)). */
export const AUDIT_RETENTION_FLOOR_DAYS = 183;

export const RetentionPolicySchema = z.strictObject({
  version: z.literal(1),
  unflaggedPostsDays: z.number().int().min(1),
  dismissedFlagsDays: z.number().int().min(1),
  confirmedFlagsDays: z.number().int().min(1),
  evidencePackagesDays: z.number().int().min(1),
  auditEventsDays: z.number().int().min(AUDIT_RETENTION_FLOOR_DAYS, `the audit log must be kept at least ${AUDIT_RETENTION_FLOOR_DAYS} days (AI Act Art. 19(1), 26(6))`),
  legalHolds: z.array(z.strictObject({ caseReference: z.string().min(1), reason: z.string().min(3), until: z.iso.date().optional() })).default([]),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;
