import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ENV, type Env } from '../config/config.module';
import { QUEUE } from './queue.constants';
import { redisConnection } from './redis';

/** BullMQ on the shared Redis; registers the queues (producers). Processors live in WorkerModule only. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [ENV],
      useFactory: (env: Env) => ({ connection: redisConnection(env.REDIS_URL), prefix: env.QUEUE_PREFIX }),
    }),
    BullModule.registerQueue({ name: QUEUE.classify }, { name: QUEUE.maintenance }, { name: QUEUE.analysis }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
