import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DetectionModule } from '../detection/detection.module';
import { QueueModule } from '../queue/queue.module';
import { BacktestsController } from './backtests.controller';

/** Backtests over the API (the runner is BacktestProcessor, provided by WorkerModule only). */
@Module({ imports: [AuditModule, QueueModule, DetectionModule], controllers: [BacktestsController] })
export class BacktestsModule {}
