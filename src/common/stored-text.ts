/**
 * Request text that will be stored. PostgreSQL `text` and `jsonb` cannot hold the NUL character, and a
 * lone UTF-16 surrogate would be silently stored as U+FFFD, so both are refused at validation time with
 * the field's path (as ingest does, src/ingestion/domain/storable.ts), never left to fail in the database.
 */
import { z } from 'zod';
import { hasVisibleCharacter } from '../ingestion/domain/batch.schema';
import { storableProblem } from '../ingestion/domain/storable';

/**
 * A zod string schema that refuses the NUL character and lone surrogates. The issue message reads
 * e.g. `contains the NUL character at offset 12`; `parseOrThrow` prefixes the field path
 * (`rationale: contains the NUL character at offset 12`). Chain `.trim()`, `.min()`, `.max()` as usual.
 */
export function storedText(): z.ZodString {
  return z.string().superRefine((s, ctx) => {
    const p = storableProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p.reason, input: s });
  });
}

/** Issue message of {@link requiredText} for text with nothing visible in it. */
export const INVISIBLE_ONLY_MESSAGE = 'has only spaces or invisible characters';

/**
 * {@link storedText}, trimmed, for text a person must write (a rationale, a recipient, a legal basis): it
 * must hold a visible character, by the test ingest applies to handles and names
 * (`hasVisibleCharacter`, src/ingestion/domain/batch.schema.ts). Whitespace, format characters (U+200B,
 * U+2060, U+FEFF...), controls and the Hangul fillers alone are refused as
 * `rationale: has only spaces or invisible characters`. The empty string is left to `.min()`, so that it
 * gets one message, not two. Chain `.min()`, `.max()` as usual.
 */
export function requiredText(): z.ZodString {
  return storedText().trim().refine((s) => s === '' || hasVisibleCharacter(s), INVISIBLE_ONLY_MESSAGE);
}

/** PostgreSQL SQLSTATEs meaning "this character cannot be stored": 22021 (invalid byte, e.g. NUL in text), 22P05 (\u0000 in jsonb). */
export const UNSTORABLE_TEXT_SQLSTATES: ReadonlySet<string> = new Set(['22021', '22P05']);

/**
 * The PostgreSQL SQLSTATE carried by `err` if it is one of {@link UNSTORABLE_TEXT_SQLSTATES}, else null.
 * Looks through a Prisma error (`meta.driverAdapterError.cause.originalCode`), a `pg` error (`code`)
 * and `cause` chains, to a bounded depth.
 */
export function unstorableTextSqlState(err: unknown): string | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 16) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ['originalCode', 'code'] as const) {
      if (typeof o[k] === 'string' && UNSTORABLE_TEXT_SQLSTATES.has(o[k])) return o[k];
    }
    const meta = o.meta as Record<string, unknown> | undefined;
    queue.push(o.cause, meta?.driverAdapterError, meta);
  }
  return null;
}
