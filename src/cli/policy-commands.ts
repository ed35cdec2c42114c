/** `policy:test`: runs `policies/tests/*.yaml` against the access policy and prints each failure. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '../config/env';
import { parsePolicyTests, runPolicyTest } from '../policy/domain/policy-tests';
import { defaultPoliciesDir, loadPolicySet } from '../policy/policy-loader';
import { CliError, printJson } from './output';
import type { Opts } from './commands';

export async function policyTest(o: Opts): Promise<void> {
  const dir = defaultPoliciesDir(loadEnv().POLICIES_DIR);
  const policies = loadPolicySet(dir);
  const testsDir = join(dir, 'tests');
  const files = readdirSync(testsDir).filter((f) => f.endsWith('.yaml')).sort();
  const results = files.flatMap((f) => parsePolicyTests(f, readFileSync(join(testsDir, f), 'utf8')).map((c) => ({ file: f, ...runPolicyTest(policies.access, c) })));
  const failed = results.filter((r) => !r.pass);
  if (o.json) printJson({ policyVersion: policies.version, passed: results.length - failed.length, failed: failed.length, failures: failed });
  else {
    for (const r of failed) console.log(`FAIL ${r.file}: ${r.name}\n  expected ${JSON.stringify(r.expected)}\n  got      ${JSON.stringify(r.got)}`);
    console.log(`policy tests: ${results.length - failed.length} passed, ${failed.length} failed (policy version ${policies.version.slice(0, 12)})`);
  }
  if (failed.length) throw new CliError(`${failed.length} policy test(s) failed`);
}
