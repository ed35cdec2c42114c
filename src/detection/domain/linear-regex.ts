import { RE2JS, RE2Set } from 're2js';
import { requiredLiteralSets } from './regex-anchors';

export { requiredLiterals, requiredLiteralSets, type LiteralOptions } from './regex-anchors';

/**
 * Analysts' regexes run on re2js, a linear-time engine (RE2 semantics): no backtracking, so no pattern can hang a
 * worker, whatever the input.
 *
 * RE2 has no lookarounds. The one idiom rule files need, a character boundary, is kept: a LEADING `(?<!X)` and a
 * TRAILING `(?!X)`, where X is one character atom (a class `[...]`, `\p{...}`, an escape or one literal character),
 * are taken off the pattern and checked on the character just before / after each match. Any other lookaround is
 * refused at load time.
 *
 * Each regex also has an {@link RE2Set} of its own (a lazy DFA), a faster test than a search for whether it matches
 * at all; only regexes that match are run again to find their spans. Before that, each regex's literal anchors
 * ({@link requiredLiterals}) are looked for: a regex none of whose anchors occurs in a post is not tried on it; nor is
 * one whose further required sets ({@link requiredLiteralSets}) are missing.
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
  /** Strings of which every match contains one ({@link requiredLiterals}), or null when none are known. */
  anchors: readonly string[] | null;
  /**
   * Further sets every match holds `count` occurrences of ({@link requiredLiteralSets}): a text with anchors but not
   * these is not tried either.
   */
  also: ReadonlyArray<{ strings: readonly string[]; count: number }>;
  /**
   * The core has no assertion about the text around a position (`^`, `$`, `\b`, `\B`, `\A`, `\z`): whether a match
   * starts at or after position p then depends on the text from p on only, so a test of `text.slice(p)` tells it.
   */
  contextFree: boolean;
}

/** Whether a pattern holds `^`, `$` (outside a class) or `\b`, `\B`, `\A`, `\z`: see {@link LinearRegex.contextFree}. */
function hasEmptyWidthAssertion(core: string): boolean {
  let inClass = false;
  for (let i = 0; i < core.length; i++) {
    const c = core[i];
    if (c === '\\') {
      const e = core[i + 1] ?? '';
      if (!inClass && (e === 'b' || e === 'B' || e === 'A' || e === 'z')) return true;
      i++;
    } else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      if (core[i + 1] === '^') i++;
      if (core[i + 1] === ']') i++;
    } else if (c === '^' || c === '$') return true;
  }
  return false;
}

const ATOM = String.raw`(\[(?:\\.|[^\]\\])*\]|\\[pP]\{[^}]+\}|\\.|[^()\\[\]])`;
const LEADING = new RegExp(String.raw`^\(\?<!${ATOM}\)`, 'u');
const TRAILING = new RegExp(String.raw`\(\?!${ATOM}\)$`, 'u');
const OTHER_LOOKAROUND = /\(\?<?[=!]/u;

/**
 * Compiles a rule regex for the linear-time engine. With `normalisedText` (rule regexes, which run on normalised text
 * only) its anchors read `\s` as the single space white space becomes there (see {@link LiteralOptions}).
 * @throws Error with a reader-facing reason (unsupported lookaround, RE2 syntax error, matches the empty string)
 */
export function compileLinearRegex(source: string, options: { normalisedText?: boolean } = {}): LinearRegex {
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
  const { anchors, also } = requiredLiteralSets(core, { spaceOnly: options.normalisedText === true });
  return { source, core, pattern, notBefore, notAfter, anchors, also, contextFree: !hasEmptyWidthAssertion(core) };
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
  while (from <= text.length) {
    // after the first search, a test of the rest (a DFA: no positions) says whether another search can succeed; a
    // failing search costs far more (re2js runs its backtracker from every position left)
    if (from > 0 && re.contextFree && !re.pattern.test(text.slice(from))) break;
    if (!m.find(from)) break;
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

/** Whether `text` holds `count` occurrences of the strings of each of `also` (see {@link LinearRegex.also}). */
export function holdsAlso(text: string, also: LinearRegex['also']): boolean {
  for (let k = 0; k < also.length; k++) {
    const { strings, count } = also[k] as LinearRegex['also'][number];
    let found = 0;
    for (let x = 0; x < strings.length && found < count; x++) {
      const s = strings[x] as string;
      for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) if (++found >= count) break;
    }
    if (found < count) return false;
  }
  return true;
}

/** A prefilter over many regexes: which of them match somewhere in a text (ignoring boundaries). */
export interface RegexPrefilter {
  /**
   * Indices of the regexes that match somewhere in `text`. `external[i] === 1` says that an anchor of regex i occurs
   * in the text, for the regexes the caller looks for itself (see {@link buildPrefilter}); required when there are any.
   */
  candidates(text: string, external?: ArrayLike<number>): readonly number[];
}

/**
 * Builds an RE2Set per core; a regex whose set cannot be built is a candidate whenever its anchors are present.
 * Regexes whose anchors are absent from the text are never candidates, and their sets are not run. The
 * anchors of all regexes are looked for in one pass over the text, indexed by their first two code units, except those of
 * the regexes marked in `externallyAnchored`, whose presence the caller finds out otherwise (the matcher reads it off
 * the post's tokens) and passes to `candidates`.
 */
export function buildPrefilter(regexes: readonly LinearRegex[], externallyAnchored: readonly boolean[] = []): RegexPrefilter {
  if (regexes.length === 0) return { candidates: () => [] };
  // anchors indexed by their first code unit, then by their second (one-unit anchors apart); per first code unit the
  // second code units are a short list scanned in order (faster than a Map for the few each has)
  type Entry = { anchor: string; regex: number };
  type Slot = { single: number[]; next: number[]; lists: Entry[][] };
  const byFirst = new Array<Slot | undefined>(0x10000);
  const unanchored: boolean[] = regexes.map((r) => r.anchors === null);
  const external: boolean[] = regexes.map((r, i) => r.anchors !== null && externallyAnchored[i] === true);
  const anchoredCount = regexes.filter((r, i) => r.anchors !== null && !external[i]).length;
  regexes.forEach((r, regex) => {
    if (external[regex]) return;
    for (const anchor of r.anchors ?? []) {
      const c = anchor.charCodeAt(0);
      let slot = byFirst[c];
      if (slot === undefined) {
        slot = { single: [], next: [], lists: [] };
        byFirst[c] = slot;
      }
      if (anchor.length === 1) slot.single.push(regex);
      else {
        const d = anchor.charCodeAt(1);
        const at = slot.next.indexOf(d);
        if (at >= 0) slot.lists[at]?.push({ anchor, regex });
        else {
          slot.next.push(d);
          slot.lists.push([{ anchor, regex }]);
        }
      }
    }
  });
  // one set per regex, not one over all of them: a set over the ruleset's two dozen regexes outgrows its DFA cache
  // and took 6 to 10 times as long per post as the sets of the few regexes whose anchors a post holds
  const sets: Array<RE2Set | null> = regexes.map((r) => {
    try {
      const set = new RE2Set();
      set.add(r.core);
      set.compile();
      return set;
    } catch {
      return null; // then the regex is a candidate whenever its anchors are present
    }
  });
  // scratch: ok[regex] === stamp when the regex's anchors occur in the text being filtered (synchronous use only)
  const ok = new Uint32Array(regexes.length);
  let stamp = 0;
  const anyUnanchored = unanchored.includes(true);
  return {
    candidates: (text, extern) => {
      if (++stamp === 0xffffffff) {
        ok.fill(0);
        stamp = 1;
      }
      const mark = stamp;
      let any = anyUnanchored;
      for (let r = 0; r < unanchored.length; r++) {
        if (unanchored[r]) ok[r] = mark;
        else if (external[r] && extern?.[r] === 1) {
          ok[r] = mark;
          any = true;
        }
      }
      let left = anchoredCount;
      for (let i = 0; i < text.length && left > 0; i++) {
        const slot = byFirst[text.charCodeAt(i)];
        if (slot === undefined) continue;
        const single = slot.single;
        for (let x = 0; x < single.length; x++) {
          const regex = single[x] as number;
          if (ok[regex] !== mark) {
            ok[regex] = mark;
            any = true;
            left--;
          }
        }
        const at = slot.next.indexOf(text.charCodeAt(i + 1));
        if (at < 0) continue;
        const list = slot.lists[at] as Entry[];
        for (let x = 0; x < list.length; x++) {
          const { anchor, regex } = list[x] as Entry;
          if (ok[regex] !== mark && text.startsWith(anchor, i)) {
            ok[regex] = mark;
            any = true;
            left--;
          }
        }
      }
      if (!any) return [];
      const ids: number[] = [];
      for (let r = 0; r < regexes.length; r++) {
        if (ok[r] !== mark || !holdsAlso(text, (regexes[r] as LinearRegex).also)) continue;
        const set = sets[r];
        if (set === null || set === undefined || set.match(text).length > 0) ids.push(r);
      }
      return ids;
    },
  };
}
