/**
 * Policy tests: YAML files in `policies/tests/` listing requests and the decision each must get,
 * with the ids of the policies that must determine it. Run by `npm test` (one jest test per case)
 * and by `npm run policy:test`.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { CedarPdp } from './cedar-pdp';

export const PolicyTestFileSchema = z.strictObject({
  cases: z.array(z.strictObject({
    name: z.string().min(1),
    principal: z.strictObject({ role: z.string(), unit: z.string().default('unit-a'), id: z.string().default('user-1') }),
    action: z.string(),
    resource: z.union([
      z.strictObject({ type: z.literal('Service') }),
      z.strictObject({ type: z.literal('Batch'), unit: z.string(), id: z.string().default('00000000-0000-4000-8000-000000000001') }),
      z.strictObject({ type: z.literal('Flag'), unit: z.string(), status: z.enum(['pending', 'confirmed', 'dismissed', 'escalated']).default('pending'), id: z.string().default('00000000-0000-4000-8000-000000000001') }),
      z.strictObject({ type: z.literal('RevealRequest'), unit: z.string(), requesterId: z.string(), status: z.enum(['pending', 'approved', 'refused', 'revealed']), id: z.string().default('00000000-0000-4000-8000-000000000002') }),
    ]),
    context: z.strictObject({ purpose: z.string().optional(), caseReference: z.string().optional() }).default({}),
    expect: z.strictObject({
      decision: z.enum(['allow', 'deny']),
      /** Determining policy ids, in any order; omitted: not checked. `[]`: denied by default (no policy applies). */
      policies: z.array(z.string()).optional(),
      missing: z.array(z.string()).optional(),
    }),
  })).min(1),
});
export type PolicyTestCase = z.infer<typeof PolicyTestFileSchema>['cases'][number];

/** Parses one test file. @throws Error naming the file and the first problem */
export function parsePolicyTests(path: string, text: string): PolicyTestCase[] {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]!.message.split('\n')[0]}`);
  const r = PolicyTestFileSchema.safeParse(doc.toJS());
  if (!r.success) throw new Error(`${path}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`);
  return r.data.cases;
}

export interface PolicyTestResult {
  name: string;
  pass: boolean;
  expected: PolicyTestCase['expect'];
  got: { decision: 'allow' | 'deny'; policies: string[]; missing: string[]; errors: string[] };
}

/** Runs one case against the decision point. */
export function runPolicyTest(pdp: CedarPdp, c: PolicyTestCase): PolicyTestResult {
  const d = pdp.decide({ id: c.principal.id, role: c.principal.role, unit: c.principal.unit }, c.action, c.resource, c.context);
  const got = { decision: d.allow ? ('allow' as const) : ('deny' as const), policies: [...d.policyIds].sort(), missing: d.missing, errors: d.errors };
  const samePolicies = c.expect.policies === undefined || JSON.stringify([...c.expect.policies].sort()) === JSON.stringify(got.policies);
  const sameMissing = c.expect.missing === undefined || JSON.stringify([...c.expect.missing].sort()) === JSON.stringify([...got.missing].sort());
  return { name: c.name, pass: got.decision === c.expect.decision && samePolicies && sameMissing && !d.errors.length, expected: c.expect, got };
}
