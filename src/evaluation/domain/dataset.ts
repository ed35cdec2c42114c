/**
 * Rules a labelled post must follow before it is counted, shared by the `evaluate` / `compare` commands and
 * `POST /v1/evaluations`: a non-empty text, a `lang` shaped like an ISO 639-3 code, and an id not seen before
 * in the set (a duplicate would be counted twice and skew every figure).
 */
import { hasVisibleCharacter } from '../../ingestion/domain/batch.schema';

/** ISO 639-3 code shape: three lower-case letters (`und` for an undetermined language fits it). */
export const LANG_CODE = /^[a-z]{3}$/;

/** Message for a `lang` that is not shaped like an ISO 639-3 code. */
export const LANG_CODE_MESSAGE = 'lang must be an ISO 639-3 code: three lower-case letters (eng, arb, pes; und when undetermined)';

/** A field of a labelled post that breaks a rule, and why. */
export interface DatasetPostProblem {
  field: 'text' | 'lang';
  reason: string;
}

/**
 * True when `text` holds a visible character: white space, format characters (U+200B...) and blank
 * fillers alone are nothing to classify. The test ingest applies to names and handles.
 */
export function hasText(text: string): boolean {
  return hasVisibleCharacter(text);
}

/**
 * The first problem of one labelled post's text and `lang` (null or absent `lang` is fine: the detected
 * language is used), or null when there is none.
 */
export function datasetPostProblem(p: { text: string; lang?: unknown }): DatasetPostProblem | null {
  if (!hasText(p.text)) return { field: 'text', reason: 'text is empty (nothing to classify)' };
  if (p.lang !== undefined && p.lang !== null && (typeof p.lang !== 'string' || !LANG_CODE.test(p.lang))) {
    return { field: 'lang', reason: `${LANG_CODE_MESSAGE}, got ${JSON.stringify(p.lang).slice(0, 40)}` };
  }
  return null;
}

/**
 * Remembers the ids of a labelled set and where each was first seen (`W`: a line number, an index…).
 * Memory grows with the number of distinct ids.
 */
export class DuplicateIds<W> {
  private readonly seen = new Map<string, W>();

  /** Where `id` was seen before, or null the first time (it is then remembered at `where`). */
  firstSeen(id: string, where: W): W | null {
    const prior = this.seen.get(id);
    if (prior !== undefined) return prior;
    this.seen.set(id, where);
    return null;
  }
}
