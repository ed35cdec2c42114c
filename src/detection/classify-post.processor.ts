import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ENV, type Env } from '../config/config.module';
import { ClassifyPostPayload, QUEUE } from '../queue/queue.constants';
import { DetectionService, type ClassifyOutcome } from './detection.service';
import { MicroBatcher } from './domain/micro-batcher';

/** Consumes `classify` jobs. Provided only by WorkerModule. Retries come from the job options. */
@Processor(QUEUE.classify)
export class ClassifyPostProcessor extends WorkerHost implements OnModuleInit {
  private readonly log = new Logger(ClassifyPostProcessor.name);
  // Jobs running at the same time share one transaction (see DetectionService.classifyMany).
  private readonly batcher: MicroBatcher<string, ClassifyOutcome>;
  constructor(private readonly detection: DetectionService, @Inject(ENV) private readonly env: Env) {
    super();
    this.batcher = new MicroBatcher((ids) => this.classifyIsolating(ids), { maxSize: env.CLASSIFY_CONCURRENCY, maxWaitMs: 20 });
  }

  onModuleInit(): void {
    this.worker.concurrency = this.env.CLASSIFY_CONCURRENCY;
  }

  /** One transaction for the batch; if it fails, each post again on its own, so one bad post fails only its own job. */
  private async classifyIsolating(ids: string[]): Promise<Map<string, ClassifyOutcome | Error>> {
    try {
      return await this.detection.classifyMany(ids);
    } catch (e) {
      if (ids.length === 1) return new Map([[ids[0]!, e instanceof Error ? e : new Error(String(e))]]);
      const out = new Map<string, ClassifyOutcome | Error>();
      for (const id of ids) {
        try {
          out.set(id, (await this.detection.classifyMany([id])).get(id)!);
        } catch (err) {
          out.set(id, err instanceof Error ? err : new Error(String(err)));
        }
      }
      return out;
    }
  }

  async process(job: Job<unknown>) {
    const { postId } = ClassifyPostPayload.parse(job.data); // job data is untrusted input too
    const outcome = await this.batcher.submit(postId);
    this.log.debug({ jobId: job.id, postId, outcome: outcome.status }, 'classified');
    return outcome;
  }
}
