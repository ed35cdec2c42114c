import { z } from 'zod';

/** Queue names (lowercase nouns) and job names. */
export const QUEUE = { classify: 'classify', maintenance: 'maintenance', analysis: 'analysis' } as const;
export const JOB = { classifyPost: 'classify-post', sweep: 'sweep-unclassified', checkpoint: 'audit-checkpoint', retention: 'retention', backtest: 'backtest' } as const;

/** Payload of a classify job; job data is untrusted input and is parsed. */
export const ClassifyPostPayload = z.strictObject({ postId: z.uuid() });
export type ClassifyPostPayload = z.infer<typeof ClassifyPostPayload>;

/** Deterministic job id: repeat enqueues of a post (retry, sweep) while its job exists are no-ops. */
export const classifyJobId = (postId: string) => `classify-${postId}`;

/** The bulk-add entries for classify jobs: retries with exponential backoff from 1 s; failed jobs are kept with their error. */
export function classifyJobs(postIds: readonly string[], attempts: number) {
  return postIds.map((postId) => ({
    name: JOB.classifyPost,
    data: { postId } satisfies ClassifyPostPayload,
    opts: {
      jobId: classifyJobId(postId),
      attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 50_000 },
      removeOnFail: false,
    },
  }));
}

/** Payload of a backtest job (analysis queue). */
export const BacktestPayload = z.strictObject({ backtestId: z.uuid() });

/** One job per start or resume of a backtest (`run` counts them), so a resume is never deduplicated away. */
export function backtestJob(backtestId: string, run: number) {
  return { name: JOB.backtest, data: { backtestId }, opts: { jobId: `backtest-${backtestId}-${run}`, attempts: 1, removeOnComplete: 100, removeOnFail: 100 } };
}
