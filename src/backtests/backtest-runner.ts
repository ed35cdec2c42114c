/**
 * Backtest: a stored ruleset version run over the posts ingested in [from, to), with the live model and
 * thresholds. Plain TypeScript over a Prisma client, run by the worker's `analysis` queue (and by the
 * benchmark). Results go to backtest_result, never to classifications or flags.
 *
 * Posts are taken in id order, `chunk` at a time; each chunk's results, the progress count and the
 * cursor (last post id) commit together, so a run stopped at any point (cancel, crash, deploy) resumes
 * exactly where it stopped. Cancellation is a status set through the API and read between chunks.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { appendAuditEvents } from '../audit/audit-writer';
import { ERASED } from '../retention/enforce';
import type { RulesetDetectors } from '../rulesets/ruleset-store';

/** Statuses of a backtest. `queued` and `running` are active; the rest are final until resumed. */
export const BACKTEST_STATUS = ['queued', 'running', 'cancelled', 'completed', 'failed'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUS)[number];

export interface BacktestRunOptions {
  /** Posts per transaction (default 500). */
  chunk?: number;
  /** Called after each committed chunk with posts scored so far and the window's total. */
  onProgress?: (processed: number, total: number) => void | Promise<void>;
  /** Who runs it, for the audit event at the end. */
  actor: { actorId: string; actorRole: string };
}

export interface BacktestRunResult {
  status: BacktestStatus;
  processed: number;
  total: number;
  /** Wall time of this call (ms) and posts scored by it. */
  elapsedMs: number;
  scoredNow: number;
}

/** The posts a backtest covers: ingested in [from, to), content not erased. */
function windowWhere(b: { from: Date; to: Date }) {
  return { createdAt: { gte: b.from, lt: b.to }, text: { not: ERASED } };
}

/**
 * Runs (or resumes) backtest `id` until it completes or is cancelled.
 * @returns the final state of this call
 * @throws Error when the backtest does not exist; DomainError when its ruleset version is gone or no longer
 *   parses (the caller marks the run failed)
 */
export async function runBacktest(db: PrismaClient, detectors: RulesetDetectors, id: string, o: BacktestRunOptions): Promise<BacktestRunResult> {
  const started = Date.now();
  const chunk = o.chunk ?? 500;
  const b = await db.backtest.findUnique({ where: { id } });
  if (!b) throw new Error(`backtest ${id} does not exist`);
  if (b.status !== 'queued' && b.status !== 'running') return { status: b.status as BacktestStatus, processed: b.processed, total: b.total, elapsedMs: 0, scoredNow: 0 };
  const d = await detectors.get(db, b.rulesetVersion);
  if (!d) throw new Error(`ruleset version ${b.rulesetVersion} is not stored`);
  const total = b.processed + (await db.post.count({ where: { ...windowWhere(b), ...(b.cursor ? { id: { gt: b.cursor } } : {}) } }));
  await db.backtest.update({ where: { id }, data: { status: 'running', total, startedAt: b.startedAt ?? new Date(), error: null } });

  let cursor = b.cursor;
  let processed = b.processed;
  let scoredNow = 0;
  for (;;) {
    const state = await db.backtest.findUnique({ where: { id }, select: { status: true } });
    if (state?.status !== 'running') return { status: (state?.status ?? 'cancelled') as BacktestStatus, processed, total, elapsedMs: Date.now() - started, scoredNow };
    const posts = await db.post.findMany({
      where: { ...windowWhere(b), ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: chunk,
      select: { id: true, text: true },
    });
    if (!posts.length) break;
    const detections = d.detector.classifyMany(posts.map((p) => p.text)); // the chunk step by step: faster than post by post
    const rows = posts.map((p, k) => {
      const r = detections[k]!;
      return { backtestId: id, postId: p.id, score: r.score, flagged: r.flagged, band: r.band, ruleIds: r.hits.map((h) => h.ruleId) };
    });
    cursor = posts[posts.length - 1]!.id;
    processed += posts.length;
    scoredNow += posts.length;
    await db.$transaction([
      db.backtestResult.createMany({ data: rows, skipDuplicates: true }),
      db.backtest.update({ where: { id }, data: { processed, cursor, total: Math.max(total, processed) } }),
    ]);
    await o.onProgress?.(processed, Math.max(total, processed));
  }
  const flagged = await db.backtestResult.count({ where: { backtestId: id, flagged: true } });
  await db.$transaction(async (tx) => {
    await tx.backtest.update({ where: { id }, data: { status: 'completed', finishedAt: new Date(), total: processed } });
    await appendAuditEvents(tx, [{
      ...o.actor, action: 'backtest.complete', outcome: 'success', resourceType: 'backtest', resourceId: id, rulesetVersion: b.rulesetVersion, modelVersion: b.modelVersion,
      details: { from: b.from.toISOString(), to: b.to.toISOString(), posts: processed, flagged },
    }]);
  });
  return { status: 'completed', processed, total: processed, elapsedMs: Date.now() - started, scoredNow };
}
