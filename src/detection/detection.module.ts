import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ClassifyProducer } from '../queue/classify.producer';
import { DetectionService } from './detection.service';
import { detectorProvider } from './detector.provider';
import { SweepService } from './sweep.service';

/** Detection use cases (no processors: WorkerModule adds those). */
@Module({
  imports: [AuditModule, QueueModule],
  providers: [detectorProvider, DetectionService, SweepService, ClassifyProducer],
  exports: [DetectionService, SweepService, detectorProvider.provide],
})
export class DetectionModule {}
