import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ENV, type Env } from '../config/config.module';
import { QUEUE, classifyJobs } from './queue.constants';
import { withTimeout } from './redis';

/** Enqueues classify jobs with deterministic ids, retries with exponential backoff. */
@Injectable()
export class ClassifyProducer {
  private readonly log = new Logger(ClassifyProducer.name);
  constructor(@InjectQueue(QUEUE.classify) private readonly queue: Queue, @Inject(ENV) private readonly env: Env) {}

  /**
   * Adds one job per post (chunks of 1,000 with `addBulk`).
   * @returns how many were handed to Redis; 0 when Redis failed (the sweep re-enqueues them later)
   */
  async enqueue(postIds: readonly string[]): Promise<number> {
    let sent = 0;
    try {
      for (let i = 0; i < postIds.length; i += 1000) {
        const chunk = postIds.slice(i, i + 1000);
        // Bounded wait: with Redis down the request still answers; the posts are stored and the sweep queues them.
        await withTimeout(this.queue.addBulk(classifyJobs(chunk, this.env.CLASSIFY_ATTEMPTS)), 5000, 'Redis');
        sent += chunk.length;
      }
    } catch (e) {
      this.log.warn({ err: (e as Error).message, pending: postIds.length - sent }, 'enqueue failed; the sweep will re-enqueue');
    }
    return sent;
  }
}
