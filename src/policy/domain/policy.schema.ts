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
