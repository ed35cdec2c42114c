import { Inject, Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { hostname } from 'node:os';
import { POLICIES, type PolicySet } from '../config/config.module';
import { PrismaService } from '../prisma/prisma.service';
import { recordActivation } from './activation';

/** Token under which the worker provides its ruleset version and files (absent in the API). */
export const ACTIVE_RULESET = Symbol('ACTIVE_RULESET');

/** At start, records a `policy.change` audit event when the policy set or ruleset differs from the last recorded. */
@Injectable()
export class ActivationService implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(POLICIES) private readonly policies: PolicySet,
    @Optional() @Inject(ACTIVE_RULESET) private readonly ruleset?: { version: string; details: Record<string, unknown> },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const actor = { actorId: `${hostname()}:${process.pid}`, actorRole: 'system' };
    await recordActivation(this.prisma, 'access_policy', this.policies.version, { files: this.policies.files, policyIds: this.policies.access.policyIds }, actor);
    if (this.ruleset) await recordActivation(this.prisma, 'ruleset', this.ruleset.version, this.ruleset.details, actor);
  }
}
