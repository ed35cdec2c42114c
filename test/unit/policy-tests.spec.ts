import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyTests, runPolicyTest } from '../../src/policy/domain/policy-tests';
import { defaultPoliciesDir, loadPolicySet } from '../../src/policy/policy-loader';

// One jest test per case of policies/tests/*.yaml (also run by `npm run policy:test`).
const dir = defaultPoliciesDir();
const policies = loadPolicySet(dir);
const files = readdirSync(join(dir, 'tests')).filter((f) => f.endsWith('.yaml')).sort();
const cases = files.flatMap((f) => parsePolicyTests(f, readFileSync(join(dir, 'tests', f), 'utf8')).map((c) => [f, c.name, c] as const));

describe('access policy tests (policies/tests)', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s: %s', (_file, _name, c) => {
    const r = runPolicyTest(policies.access, c);
    expect(r.got.errors).toEqual([]);
    expect(r.got.decision).toBe(c.expect.decision);
    if (c.expect.policies) expect(r.got.policies).toEqual([...c.expect.policies].sort());
    if (c.expect.missing) expect([...r.got.missing].sort()).toEqual([...c.expect.missing].sort());
  });

  it('covers every role and every action of the schema', () => {
    const roles = new Set(cases.map(([, , c]) => c.principal.role));
    const actions = new Set(cases.map(([, , c]) => c.action));
    expect([...roles].sort()).toEqual(['admin', 'analyst', 'auditor', 'reviewer', 'supervisor']);
    expect(policies.access.actions.size).toBeGreaterThanOrEqual(9);
    expect([...policies.access.actions].filter((a) => !actions.has(a))).toEqual([]);
  });
});
