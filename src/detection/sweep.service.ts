import { Inject, Injectable, Logger } from '@nestjs/common';
import { ENV, type Env } from '../config/config.module';
import { PrismaService } from '../prisma/prisma.service';
import { ClassifyProducer } from '../queue/classify.producer';
import { unclassifiedPostIds } from './unclassified';

/**
 * Re-enqueues stored posts that have no classification yet (e.g. after Redis lost its queue).
 * Deterministic job ids make this idempotent: a post whose job still exists is not queued twice.
 */
@Injectable()
export class SweepService {
  private readonly log = new Logger(SweepService.name);
  constructor(private readonly prisma: PrismaService, private readonly producer: ClassifyProducer, @Inject(ENV) private readonly env: Env) {}

  /** @returns how many posts were handed to the queue */
  async sweep(now: Date = new Date(), minAgeSeconds = this.env.SWEEP_MIN_AGE_SECONDS): Promise<number> {
    const olderThan = new Date(now.getTime() - minAgeSeconds * 1000);
    let total = 0;
    for await (const ids of unclassifiedPostIds(this.prisma, olderThan)) total += await this.producer.enqueue(ids);
    if (total) this.log.log({ requeued: total }, 'sweep re-enqueued unclassified posts');
    return total;
  }
}
