import { Global, Module } from '@nestjs/common';
import { loadEnv, type Env } from './env';
import { defaultPoliciesDir, loadPolicySet, type PolicySet } from '../policy/policy-loader';

export const ENV = Symbol('ENV');
export const POLICIES = Symbol('POLICIES');
export type { Env, PolicySet };

/** Validated environment and policy set, loaded once per process; a bad policy file stops start-up. */
@Global()
@Module({
  providers: [
    { provide: ENV, useFactory: () => loadEnv() },
    { provide: POLICIES, inject: [ENV], useFactory: (env: Env) => loadPolicySet(defaultPoliciesDir(env.POLICIES_DIR)) },
  ],
  exports: [ENV, POLICIES],
})
export class ConfigModule {}
