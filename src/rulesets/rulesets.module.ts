import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DetectionModule } from '../detection/detection.module';
import { RulesetsController } from './rulesets.controller';

/** Ruleset versions, proposals and the shadow run over the API. */
@Module({ imports: [AuditModule, DetectionModule], controllers: [RulesetsController] })
export class RulesetsModule {}
