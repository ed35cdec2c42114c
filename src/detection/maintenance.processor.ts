import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { SIGNING_KEY } from '../audit/audit.service';
import { takeCheckpoint } from '../audit/checkpoints';
import type { SigningKey } from '../audit/signing-key';
import { ENV, POLICIES, type Env, type PolicySet } from '../config/config.module';
import { PrismaService } from '../prisma/prisma.service';
import { JOB, QUEUE } from '../queue/queue.constants';
import { enforceRetention } from '../retention/enforce';
import { SweepService } from './sweep.service';

/**
 * Scheduled maintenance shared by all workers (one job scheduler per job in Redis, so each runs
 * once per interval whatever the number of workers): the re-enqueue sweep, signed audit checkpoints and
 * the retention job (which erases audit events only up to a checkpoint signed by this key).
 */
@Processor(QUEUE.maintenance)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly sweeper: SweepService,
    private readonly prisma: PrismaService,
    @InjectQueue(QUEUE.maintenance) private readonly queue: Queue,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(ENV) private readonly env: Env,
    @Inject(POLICIES) private readonly policies: PolicySet,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const schedules: [string, number][] = [
      [JOB.sweep, this.env.SWEEP_INTERVAL_SECONDS], [JOB.checkpoint, this.env.CHECKPOINT_INTERVAL_SECONDS], [JOB.retention, this.env.RETENTION_INTERVAL_SECONDS],
    ];
    for (const [name, seconds] of schedules) {
      if (seconds > 0) await this.queue.upsertJobScheduler(name, { every: seconds * 1000 }, { name, opts: { removeOnComplete: 100, removeOnFail: 100 } });
      else await this.queue.removeJobScheduler(name);
    }
  }

  async process(job: Job) {
    if (job.name === JOB.retention) return enforceRetention(this.prisma, this.policies.retention, new Date(), { actorId: 'scheduler', actorRole: 'system' }, { auditPublicKey: this.key.publicKey });
    if (job.name === JOB.checkpoint) {
      const c = await takeCheckpoint(this.prisma, this.key, { actorId: 'scheduler', actorRole: 'system', policyVersion: this.policies.version });
      return { checkpointSeq: c?.seq ?? null };
    }
    return { requeued: await this.sweeper.sweep() };
  }
}
