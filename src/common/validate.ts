/**
 * Request validation with zod: on failure a DomainError('invalid') → HTTP 400 whose message names
 * every problem and whose `details.issues` lists `{path, message}` (paths like `posts[3].url`).
 */
import type { z } from 'zod';
import { formatPath } from '../ingestion/domain/batch.schema';
import { DomainError } from './errors';

export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: formatPath(i.path) || ((i as { keys?: string[] }).keys ?? []).join(','), message: i.message }));
}

/** Parses `value` or throws DomainError(code, 'invalid') listing the issues. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = issuesOf(r.error);
  throw new DomainError(code, 'invalid', issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '), { issues });
}
