import { z } from 'zod';

/** Queue names (lowercase nouns) and job names. */
export const QUEUE = { classify: 'classify', maintenance: 'maintenance' } as const;
export const JOB = { classifyPost: 'classify-post', sweep: 'sweep-unclassified' } as const;

/** Payload of a classify job; job data is untrusted input and is parsed. */
export const ClassifyPostPayload = z.strictObject({ postId: z.uuid() });
export type ClassifyPostPayload = z.infer<typeof ClassifyPostPayload>;

/** Deterministic job id: repeat enqueues of a post (retry, sweep) while its job exists are no-ops. */
export const classifyJobId = (postId: string) => `classify-${postId}`;
