/**
 * Checks that a parsed JSON value can be stored and hashed as it is: PostgreSQL `text` and `jsonb`
 * refuse the NUL character and lone UTF-16 surrogates; numbers must be finite (JSON `1e400` parses
 * to Infinity); nesting is bounded so that hashing cannot exhaust the stack. Iterative, linear.
 */
export const MAX_JSON_DEPTH = 64;

export interface StorableProblem {
  /** Path of the offending value, e.g. `raw.entities[3].text`. */
  path: string;
  reason: string;
}

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(s: string): string | null {
  const m = BAD_TEXT.exec(s);
  if (!m) return null;
  return m[0] === '\u0000' ? `contains the NUL character at offset ${m.index}` : `contains a lone UTF-16 surrogate at offset ${m.index}`;
}

/** The first problem found in `value`, or null when it can be stored. `base` prefixes reported paths. */
export function storableProblem(value: unknown, base = ''): StorableProblem | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: base, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) return { path: path || '(value)', reason: p };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path: path || '(value)', reason: 'number out of range (not finite)' };
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return { path: path || '(value)', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` };
      if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
      else {
        for (const [k, x] of Object.entries(v)) {
          const kp = textProblem(k);
          if (kp) return { path: `${path}.${k.replace(/[\u0000\uD800-\uDFFF]/g, '?')}`, reason: `key ${kp}` };
          stack.push({ v: x, path: path ? `${path}.${k}` : k, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}
