/**
 * Which ruleset is live and who changed what when, read from the audit log (the log is the record;
 * nothing here keeps its own copy of the history).
 */
import type { PrismaClient } from '../generated/prisma/client';

/** Audit actions that make up a ruleset's history. */
export const RULESET_HISTORY_ACTIONS = ['policy.change', 'ruleset.propose', 'ruleset.shadow', 'backtest.start', 'backtest.cancel', 'backtest.resume', 'backtest.complete', 'evaluation', 'comparison'] as const;

export interface LiveRuleset {
  /** SHA-256 of the rule files the workers last started under. */
  version: string;
  /** When a worker first started under it (ISO 8601), or null when no worker has recorded it yet. */
  since: string | null;
  /** 'worker' = recorded by a worker at start; 'files' = no worker yet, the version of this process's policies/detection. */
  source: 'worker' | 'files';
}

/** The live ruleset: the newest ruleset activation recorded by a worker, else `filesVersion`. */
export async function liveRuleset(db: PrismaClient, filesVersion: string): Promise<LiveRuleset> {
  const e = await db.auditEvent.findFirst({ where: { action: 'policy.change', resourceType: 'ruleset' }, orderBy: { seq: 'desc' }, select: { rulesetVersion: true, occurredAt: true } });
  return e?.rulesetVersion ? { version: e.rulesetVersion, since: e.occurredAt.toISOString(), source: 'worker' } : { version: filesVersion, since: null, source: 'files' };
}

/** The newest `limit` ruleset events: activations, proposals, shadow switches, backtests, evaluations and comparisons. */
export async function rulesetHistory(db: PrismaClient, limit: number) {
  const rows = await db.auditEvent.findMany({
    where: { OR: [{ action: 'policy.change', resourceType: 'ruleset' }, { action: { in: RULESET_HISTORY_ACTIONS.filter((a) => a !== 'policy.change') } }] },
    orderBy: { seq: 'desc' },
    take: limit,
    select: { seq: true, occurredAt: true, action: true, actorId: true, actorRole: true, rulesetVersion: true, modelVersion: true, details: true },
  });
  return rows.map((r) => ({ seq: Number(r.seq), at: r.occurredAt.toISOString(), action: r.action, actorId: r.actorId, actorRole: r.actorRole, rulesetVersion: r.rulesetVersion, modelVersion: r.modelVersion, details: r.details }));
}
