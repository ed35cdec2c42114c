/**
 * Query-string validation shared by the report and audit endpoints: a bad query is a 400 whose
 * `details.parameters` names each bad parameter and whose message says why, parameter by parameter.
 */
import { z } from 'zod';
import { DomainError } from './errors';
import { issuesOf } from './validate';

/** An instant in a query: an ISO 8601 date (`2026-11-01`, midnight UTC) or a date-time with an offset. */
export const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'expected an ISO 8601 date (2026-11-01) or date-time with offset (2026-11-01T00:00:00Z)',
});

/** The 400 `code` error naming `parameters` in `details.parameters` (and any extra details). */
export function badQuery(code: string, parameters: string[], message: string, extra: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, 'invalid', message, { parameters, ...extra });
}

/**
 * Parses a query object with `schema`.
 * @throws DomainError(code, 'invalid') with `details.parameters` (the bad parameter names, unknown
 *   ones included), `details.issues` (`{path, message}`) and a message like
 *   `from: expected an ISO 8601 date…; unknown parameter(s): form`
 */
export function parseQuery<S extends z.ZodType>(schema: S, input: unknown, code: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const names = r.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [String(i.path[0] ?? '(query)')]));
  const message = r.error.issues
    .map((i) => (i.code === 'unrecognized_keys' ? `unknown parameter(s): ${i.keys.join(', ')}` : `${i.path.join('.') || '(query)'}: ${i.message}`))
    .join('; ');
  throw badQuery(code, [...new Set(names)], message, { issues: issuesOf(r.error) });
}

/**
 * The window `[from, to)` as dates; either end may be missing.
 * @throws DomainError(code, 'invalid') naming `from` when both are given and from is not before to
 */
export function queryWindow(from: string | undefined, to: string | undefined, code: string): { from?: Date; to?: Date } {
  const f = from === undefined ? undefined : new Date(from);
  const t = to === undefined ? undefined : new Date(to);
  if (f && t && !(f < t)) throw badQuery(code, ['from'], `from: from must be before to (got from ${f.toISOString()}, to ${t.toISOString()})`);
  return { from: f, to: t };
}
