import { hostname } from 'node:os';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DETECTOR, type LoadedDetector } from '../detection/detector.provider';
import { PrismaService } from '../prisma/prisma.service';
import { recordRulesetVersion } from './ruleset-store';

/**
 * Worker start: stores the files of the ruleset it runs under as a `deployed` version (once per hash), so
 * the ruleset history shows the exact rules behind every classification. The `policy.change` audit
 * event for the switch is written by ActivationService.
 */
@Injectable()
export class DeployedRulesetService implements OnApplicationBootstrap {
  constructor(private readonly prisma: PrismaService, @Inject(DETECTOR) private readonly loaded: LoadedDetector) {}

  async onApplicationBootstrap(): Promise<void> {
    await recordRulesetVersion(this.prisma, { version: this.loaded.rulesetVersion, ruleCount: this.loaded.ruleCount }, this.loaded.files, {
      origin: 'deployed',
      createdById: `${hostname()}:${process.pid}`,
      note: 'policies/detection at worker start',
    });
  }
}
