import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { DomainError, NotFoundError } from '../common/errors';
import { parseOrThrow } from '../common/validate';
import { DETECTOR, type LoadedDetector } from '../detection/detector.provider';
import { compareVerdicts, limitChanges } from '../evaluation/domain/compare';
import { PrismaService } from '../prisma/prisma.service';
import { backtestJob, QUEUE } from '../queue/queue.constants';
import { withTimeout } from '../queue/redis';
import { RULESET_VERSION } from '../rulesets/ruleset-store';
import { isoInstant } from '../common/query';
import { backtestVerdictRows } from '../rulesets/verdict-rows';

const StartBody = z.strictObject({ rulesetVersion: RULESET_VERSION, from: isoInstant, to: isoInstant })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['from'] });
const Id = z.uuid('a backtest id is a UUID');
const ReportQuery = z.strictObject({ limit: z.coerce.number().int().min(0).max(10_000).default(500) });

const PUBLIC = { id: true, rulesetVersion: true, modelVersion: true, from: true, to: true, status: true, total: true, processed: true, requestedById: true, error: true, createdAt: true, startedAt: true, finishedAt: true } as const;

/**
 * Backtests (analysts): a stored ruleset over stored posts ingested in a time window, run by the workers
 * in the background with progress, cancellable and resumable; results kept apart from live classifications.
 */
@Controller('v1/backtests')
export class BacktestsController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @InjectQueue(QUEUE.analysis) private readonly queue: Queue,
    @Inject(DETECTOR) private readonly loaded: LoadedDetector,
  ) {}

  /** Starts a backtest: 202 with its id; poll GET /v1/backtests/:id for progress. */
  @Post()
  @HttpCode(202)
  @Access('backtests.run')
  async start(@Body() body: unknown, @Req() req: AppRequest) {
    const b = parseOrThrow(StartBody, body, 'BACKTEST.INVALID');
    const stored = await this.prisma.rulesetVersion.findUnique({ where: { version: b.rulesetVersion }, select: { version: true } });
    if (!stored) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `rulesetVersion: ${b.rulesetVersion} is not stored; propose it first`);
    const ctx = req.ctx!;
    const created = await this.prisma.$transaction(async (tx) => {
      const row = await tx.backtest.create({ data: { rulesetVersion: b.rulesetVersion, modelVersion: this.loaded.modelVersion, from: new Date(b.from), to: new Date(b.to), requestedById: ctx.principal.id }, select: PUBLIC });
      await this.audit.append(tx, [{
        ...auditActor(ctx), action: 'backtest.start', outcome: 'success', resourceType: 'backtest', resourceId: row.id, rulesetVersion: b.rulesetVersion, modelVersion: this.loaded.modelVersion,
        details: { from: row.from.toISOString(), to: row.to.toISOString(), liveVersion: this.loaded.rulesetVersion },
      }]);
      return row;
    });
    await this.enqueue(created.id);
    return created;
  }

  @Get()
  @Access('backtests.read')
  async list() {
    return { backtests: await this.prisma.backtest.findMany({ orderBy: { createdAt: 'desc' }, take: 200, select: PUBLIC }) };
  }

  /** Status and progress: `processed` of `total` posts, `progress` in 0..1 (null before the run counted its posts). */
  @Get(':id')
  @Access('backtests.read')
  async one(@Param('id') id: string) {
    const b = await this.find(id);
    return { ...b, progress: b.total > 0 ? Math.min(1, b.processed / b.total) : b.status === 'completed' ? 1 : null };
  }

  /** The backtest against the live classifications of the same posts, as the shadow report. */
  @Get(':id/report')
  @Access('backtests.read')
  async report(@Param('id') id: string, @Query() query: Record<string, unknown>, @Req() req: AppRequest) {
    const q = parseOrThrow(ReportQuery, query, 'REPORT.BAD_QUERY');
    const b = await this.find(id);
    const { rows, withoutLive } = await backtestVerdictRows(this.prisma, b.id);
    const report = compareVerdicts(rows, { a: { label: 'live', rulesetVersion: this.loaded.rulesetVersion, modelVersion: this.loaded.modelVersion }, b: { label: 'backtest', rulesetVersion: b.rulesetVersion, modelVersion: b.modelVersion } });
    await this.audit.appendAlone([{
      ...auditActor(req.ctx!), action: 'comparison', outcome: 'success', resourceType: 'backtest', resourceId: b.id, rulesetVersion: b.rulesetVersion, modelVersion: b.modelVersion,
      details: { kind: 'backtest', liveVersion: this.loaded.rulesetVersion, status: b.status, posts: report.rows, changed: report.changes.length, labelled: report.labelled },
    }]);
    return { backtest: b, ...limitChanges(report, q.limit), postsWithoutLive: withoutLive, complete: b.status === 'completed' };
  }

  /** Cancels a queued or running backtest; the worker stops after its current chunk. Results so far are kept. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Access('backtests.cancel')
  async cancel(@Param('id') id: string, @Req() req: AppRequest) {
    return this.transition(id, ['queued', 'running'], 'cancelled', 'backtest.cancel', req);
  }

  /** Resumes a cancelled or failed backtest from the last post it scored. */
  @Post(':id/resume')
  @HttpCode(202)
  @Access('backtests.run')
  async resume(@Param('id') id: string, @Req() req: AppRequest) {
    const b = await this.transition(id, ['cancelled', 'failed'], 'queued', 'backtest.resume', req);
    await this.enqueue(b.id);
    return b;
  }

  private async transition(id: string, from: string[], to: string, action: string, req: AppRequest) {
    const b = await this.find(id);
    const ctx = req.ctx!;
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.backtest.updateMany({ where: { id: b.id, status: { in: from } }, data: { status: to, ...(to === 'cancelled' ? { finishedAt: new Date() } : { finishedAt: null, error: null }) } });
      if (r.count === 0) {
        const now = (await tx.backtest.findUnique({ where: { id: b.id }, select: { status: true } }))?.status ?? b.status; // another request may have just moved it
        throw new DomainError('BACKTEST.STATE', 'conflict', `backtest ${b.id} is ${now}; ${action.split('.')[1]} applies to ${from.join(' or ')} backtests`);
      }
      await this.audit.append(tx, [{
        ...auditActor(ctx), action, outcome: 'success', resourceType: 'backtest', resourceId: b.id, rulesetVersion: b.rulesetVersion, modelVersion: b.modelVersion,
        details: { processed: b.processed, total: b.total, previousStatus: b.status },
      }]);
      return tx.backtest.findUniqueOrThrow({ where: { id: b.id }, select: PUBLIC });
    });
  }

  private async find(id: string) {
    if (!Id.safeParse(id).success) throw new DomainError('BACKTEST.BAD_ID', 'invalid', `id (path): "${id.slice(0, 80)}" is not a backtest id (a UUID)`);
    const b = await this.prisma.backtest.findUnique({ where: { id }, select: PUBLIC });
    if (!b) throw new NotFoundError('backtest', id);
    return b;
  }

  /** Queues the run; if Redis refuses, the backtest is marked failed so that it can be resumed later. */
  private async enqueue(id: string): Promise<void> {
    const job = backtestJob(id, Date.now());
    try {
      await withTimeout(this.queue.add(job.name, job.data, job.opts), 5000, 'Redis');
    } catch (e) {
      await this.prisma.backtest.update({ where: { id }, data: { status: 'failed', error: `could not be queued: ${(e as Error).message}`.slice(0, 500) } });
      throw new DomainError('BACKTEST.NOT_QUEUED', 'unavailable', `backtest ${id} is stored but could not be queued (${(e as Error).message}); resume it when the queue is back`);
    }
  }
}
