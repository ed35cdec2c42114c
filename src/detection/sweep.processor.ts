import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ENV, type Env } from '../config/config.module';
import { JOB, QUEUE } from '../queue/queue.constants';
import { SweepService } from './sweep.service';

/** Runs the sweep on a schedule shared by all workers (one job scheduler in Redis, so one sweep per interval). */
@Processor(QUEUE.maintenance)
export class SweepProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(private readonly sweeper: SweepService, @InjectQueue(QUEUE.maintenance) private readonly queue: Queue, @Inject(ENV) private readonly env: Env) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.SWEEP_INTERVAL_SECONDS > 0) {
      await this.queue.upsertJobScheduler(JOB.sweep, { every: this.env.SWEEP_INTERVAL_SECONDS * 1000 }, { name: JOB.sweep, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    } else {
      await this.queue.removeJobScheduler(JOB.sweep);
    }
  }

  async process() {
    return { requeued: await this.sweeper.sweep() };
  }
}
