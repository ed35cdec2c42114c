import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ENV, type Env } from '../config/config.module';
import { ClassifyPostPayload, QUEUE } from '../queue/queue.constants';
import { DetectionService } from './detection.service';

/** Consumes `classify` jobs. Provided only by WorkerModule. Retries come from the job options. */
@Processor(QUEUE.classify)
export class ClassifyPostProcessor extends WorkerHost implements OnModuleInit {
  private readonly log = new Logger(ClassifyPostProcessor.name);
  constructor(private readonly detection: DetectionService, @Inject(ENV) private readonly env: Env) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.env.CLASSIFY_CONCURRENCY;
  }

  async process(job: Job<unknown>) {
    const { postId } = ClassifyPostPayload.parse(job.data); // job data is untrusted input too
    const outcome = await this.detection.classifyAndRecord(postId);
    this.log.debug({ jobId: job.id, postId, outcome: outcome.status }, 'classified');
    return outcome;
  }
}
