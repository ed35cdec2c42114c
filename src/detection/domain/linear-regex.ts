import { RE2JS, RE2Set } from 're2js';

/**
 * Analysts' regexes run on re2js, a linear-time engine (RE2 semantics): no backtracking, so no pattern can hang a
 * worker, whatever the input.
 *
 * RE2 has no lookarounds. The one idiom rule files need, a character boundary, is kept: a LEADING `(?<!X)` and a
 * TRAILING `(?!X)`, where X is one character atom (a class `[...]`, `\p{...}`, an escape or one literal character),
 * are taken off the pattern and checked on the character just before / after each match. Any other lookaround is
 * refused at load time.
 *
 * All regexes of a ruleset also go into one {@link RE2Set} (a lazy DFA): one pass over a post tells which regexes can
 * match at all, and only those are run again to find their spans.
 */
export interface LinearRegex {
  /** The pattern as written in the rule file. */
  source: string;
  /** The pattern run by re2js (boundaries removed). */
  core: string;
  pattern: RE2JS;
  /** One-character tests for the boundaries, or null. */
  notBefore: RegExp | null;
  notAfter: RegExp | null;
}

const ATOM = String.raw`(\[(?:\\.|[^\]\\])*\]|\\[pP]\{[^}]+\}|\\.|[^()\\[\]])`;
const LEADING = new RegExp(String.raw`^\(\?<!${ATOM}\)`, 'u');
const TRAILING = new RegExp(String.raw`\(\?!${ATOM}\)$`, 'u');
const OTHER_LOOKAROUND = /\(\?<?[=!]/u;

/**
 * Compiles a rule regex for the linear-time engine.
 * @throws Error with a reader-facing reason (unsupported lookaround, RE2 syntax error, matches the empty string)
 */
export function compileLinearRegex(source: string): LinearRegex {
  let core = source;
  let notBefore: RegExp | null = null;
  let notAfter: RegExp | null = null;
  const lead = LEADING.exec(core);
  if (lead?.[1] !== undefined) {
    notBefore = new RegExp(`^${lead[1]}$`, 'u');
    core = core.slice(lead[0].length);
  }
  // a trailing boundary, unless its `)` is escaped
  const trail = TRAILING.exec(core);
  if (trail?.[1] !== undefined && !core.slice(0, trail.index).endsWith('\\')) {
    notAfter = new RegExp(`^${trail[1]}$`, 'u');
    core = core.slice(0, trail.index);
  }
  if (OTHER_LOOKAROUND.test(core.replace(/\\./gu, ''))) {
    throw new Error('lookarounds are not supported by the linear-time engine, except a leading (?<!X) and a trailing (?!X) on one character X');
  }
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(core);
  } catch (e) {
    throw new Error(`invalid regex for the linear-time engine (RE2 syntax): ${(e as Error).message}`);
  }
  if (pattern.test('')) throw new Error('matches the empty string');
  return { source, core, pattern, notBefore, notAfter };
}

function charBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text.slice(i - 1, i);
}

function charAt(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Every non-overlapping match, left to right, as [start, end) code-unit offsets; boundaries checked. */
export function findAll(re: LinearRegex, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const m = re.pattern.matcher(text);
  let from = 0;
  while (from <= text.length && m.find(from)) {
    const s = m.start();
    const e = m.end();
    const okBefore = re.notBefore === null || !re.notBefore.test(charBefore(text, s));
    const okAfter = re.notAfter === null || !re.notAfter.test(charAt(text, e));
    if (e > s && okBefore && okAfter) {
      out.push([s, e]);
      from = e;
    } else from = s + 1;
  }
  return out;
}

/** A prefilter over many regexes: which of them match somewhere in a text (ignoring boundaries). */
export interface RegexPrefilter {
  candidates(text: string): readonly number[];
}

/** Builds one RE2Set over the cores; if the set cannot be built, every regex is a candidate for every text. */
export function buildPrefilter(regexes: readonly LinearRegex[]): RegexPrefilter {
  const all = regexes.map((_, i) => i);
  if (regexes.length === 0) return { candidates: () => [] };
  try {
    const set = new RE2Set();
    for (const r of regexes) set.add(r.core);
    set.compile();
    return { candidates: (text) => set.match(text) };
  } catch {
    return { candidates: () => all };
  }
}
