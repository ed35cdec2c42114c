/**
 * Schemas of the policy files in `policies/` (zod). Unknown keys are errors: a typo in a policy must
 * stop the service, not be ignored.
 */
import { z } from 'zod';

export const ROLES = ['analyst', 'reviewer', 'supervisor', 'auditor', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

export const ActionRuleSchema = z.strictObject({
  /** What the action lets a principal do, for people reading the policy. */
  description: z.string().min(1),
  /** Roles allowed to perform it; every other role is denied. */
  roles: z.array(z.enum(ROLES)).min(1),
  /** The request must declare a purpose (header X-Purpose). */
  requiresPurpose: z.boolean().default(false),
  /** The request must name a case (header X-Case-Reference). */
  requiresCase: z.boolean().default(false),
  /** Purposes accepted for this action; absent means any declared purpose. */
  purposes: z.array(z.string()).optional(),
});

export const AccessPolicySchema = z
  .strictObject({
    version: z.literal(1),
    purposes: z.record(z.string().regex(/^[a-z_]+$/), z.string()),
    actions: z.record(z.string().regex(/^[a-z]+\.[a-z_]+$/), ActionRuleSchema),
  })
  .superRefine((p, ctx) => {
    for (const [action, rule] of Object.entries(p.actions)) {
      for (const purpose of rule.purposes ?? []) {
        if (!Object.hasOwn(p.purposes, purpose)) {
          ctx.addIssue({ code: 'custom', path: ['actions', action, 'purposes'], message: `unknown purpose "${purpose}"` });
        }
      }
    }
  });
export type AccessPolicy = z.infer<typeof AccessPolicySchema>;

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
