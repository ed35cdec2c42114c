import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DetectionModule } from '../detection/detection.module';
import { EvaluationsController } from './evaluations.controller';

/** Evaluations of a ruleset on a labelled set, over the API. */
@Module({ imports: [AuditModule, DetectionModule], controllers: [EvaluationsController] })
export class EvaluationsModule {}
