import { Module } from '@nestjs/common';
import { LoggingModule } from './common/logging';
import { ConfigModule } from './config/config.module';
import { ClassifyPostProcessor } from './detection/classify-post.processor';
import { DetectionModule } from './detection/detection.module';
import { SweepProcessor } from './detection/sweep.processor';
import { PrismaModule } from './prisma/prisma.module';
import { QueueModule } from './queue/queue.module';

/** The worker process: the same feature modules plus every processor (the only place they are provided). */
@Module({
  imports: [ConfigModule, LoggingModule, PrismaModule, QueueModule, DetectionModule],
  providers: [ClassifyPostProcessor, SweepProcessor],
})
export class WorkerModule {}
