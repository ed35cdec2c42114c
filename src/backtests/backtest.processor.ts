import { hostname } from 'node:os';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { RULESET_DETECTORS } from '../detection/detector.provider';
import { PrismaService } from '../prisma/prisma.service';
import { BacktestPayload, QUEUE } from '../queue/queue.constants';
import type { RulesetDetectors } from '../rulesets/ruleset-store';
import { runBacktest } from './backtest-runner';

/**
 * Consumes `analysis` jobs: backtests, one at a time per worker (a backtest is CPU-bound and long;
 * live classification keeps its own queue and concurrency). Progress goes to the job and the database.
 */
@Processor(QUEUE.analysis, { concurrency: 1 })
export class BacktestProcessor extends WorkerHost {
  private readonly log = new Logger(BacktestProcessor.name);
  constructor(private readonly prisma: PrismaService, @Inject(RULESET_DETECTORS) private readonly detectors: RulesetDetectors) {
    super();
  }

  async process(job: Job<unknown>) {
    const { backtestId } = BacktestPayload.parse(job.data);
    try {
      const r = await runBacktest(this.prisma, this.detectors, backtestId, {
        actor: { actorId: `${hostname()}:${process.pid}`, actorRole: 'system' },
        onProgress: (processed, total) => job.updateProgress({ processed, total }),
      });
      this.log.log({ backtestId, status: r.status, processed: r.processed, postsPerSecond: r.elapsedMs ? Math.round((r.scoredNow * 1000) / r.elapsedMs) : null }, 'backtest stopped');
      return r;
    } catch (e) {
      await this.prisma.backtest.updateMany({ where: { id: backtestId, status: { in: ['queued', 'running'] } }, data: { status: 'failed', error: (e as Error).message.slice(0, 500), finishedAt: new Date() } });
      throw e;
    }
  }
}
