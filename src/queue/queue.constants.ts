import { z } from 'zod';

/** Queue names (lowercase nouns) and job names. */
export const QUEUE = { classify: 'classify', maintenance: 'maintenance' } as const;
export const JOB = { classifyPost: 'classify-post', sweep: 'sweep-unclassified', checkpoint: 'audit-checkpoint', retention: 'retention' } as const;

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
