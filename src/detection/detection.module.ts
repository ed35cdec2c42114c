import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ClassifyProducer } from '../queue/classify.producer';
import { DetectionService } from './detection.service';
import { detectorProvider, rulesetDetectorsProvider } from './detector.provider';
import { SweepService } from './sweep.service';

/** Detection use cases (no processors: WorkerModule adds those). */
@Module({
  imports: [AuditModule, QueueModule],
  providers: [detectorProvider, rulesetDetectorsProvider, DetectionService, SweepService, ClassifyProducer],
  exports: [DetectionService, SweepService, detectorProvider.provide, rulesetDetectorsProvider.provide],
})
export class DetectionModule {}
