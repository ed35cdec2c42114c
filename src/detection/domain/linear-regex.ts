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
 * Each regex also has an {@link RE2Set} of its own (a lazy DFA), a faster test than a search for whether it matches
 * at all; only regexes that match are run again to find their spans. Before that, each regex's literal anchors
 * ({@link requiredLiterals}) are looked for: a regex none of whose anchors occurs in a post is not tried on it.
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
  return { source, core, pattern, notBefore, notAfter, anchors: requiredLiterals(core, { spaceOnly: options.normalisedText === true }) };
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
        if (ok[r] !== mark) continue;
        const set = sets[r];
        if (set === null || set === undefined || set.match(text).length > 0) ids.push(r);
      }
      return ids;
    },
  };
}

/**
 * Literal anchors of a regex: strings of which every match of `core` contains at least one, read off the pattern
 * conservatively (null when no such set is found, or the pattern uses anything this reader does not model: flags,
 * `\Q…\E`, numeric escapes, …). The reader walks RE2 syntax by code points: a sequence requires any one of its
 * mandatory items, and a run of mandatory literal characters is one string, which runs on through a group of
 * literal-only alternatives (or a small class of literal characters) as one string per alternative, and through an
 * optional literal or group as two ("t(?:kh|s)a?l" → tkhal, tkhl, tsal, tsl; at most 64 strings; a string holding
 * another of the set is dropped); any other group requires one of each of its alternatives' anchors; an item under `?`, `*` or `{0,…}` requires nothing; classes, `.`, `\s`, `\d`, `\w`, `\p{…}` are
 * non-literal; `^ $ \b \B \A \z` are zero-width. Among a sequence's candidates the one with the longest shortest
 * string wins (fewest false candidates). A regex whose anchors are all absent from a text cannot match it, so its
 * run is skipped.
 */
/** Options of {@link requiredLiterals}. */
export interface LiteralOptions {
  /**
   * The texts searched are normalised (normalise.ts): every white space is a single U+0020 and runs of it are one, so
   * `\s` and `\s+` are read as one literal space.
   */
  spaceOnly?: boolean;
}

/**
 * The characters a class body (between `[` and `]`) matches when it is a plain, non-negated list of literal characters
 * and ranges of at most {@link MAX_CLASS} characters ("[:h.]", "[0-5]", "[ab]"); null for anything else (negation,
 * escapes, POSIX or Unicode classes, larger sets).
 */
function classMembers(body: readonly string[]): string[] | null {
  if (body.length === 0 || body[0] === '^') return null;
  const out: string[] = [];
  for (let k = 0; k < body.length; k++) {
    const ch = body[k] ?? '';
    if (ch === '\\' || ch === '[' || ch === ']') return null;
    if (body[k + 1] === '-' && k + 2 < body.length) {
      const to = body[k + 2] ?? '';
      if (to === '\\' || to === '[' || to === ']') return null;
      const a = ch.codePointAt(0) ?? 0;
      const b = to.codePointAt(0) ?? 0;
      if (b < a || b - a + 1 > MAX_CLASS) return null;
      for (let cp = a; cp <= b; cp++) out.push(String.fromCodePoint(cp));
      k += 2;
    } else out.push(ch);
    if (out.length > MAX_CLASS) return null;
  }
  return [...new Set(out)];
}

/** The largest class read as one-character alternatives. */
const MAX_CLASS = 16;

/** The most strings a run of literals crossed with literal-only groups may stand for (else the run ends there). */
const MAX_ANCHORS = 64;

export function requiredLiterals(core: string, options: LiteralOptions = {}): string[] | null {
  const cps = [...core];
  let i = 0;
  const bail = (): never => {
    throw new Error('unmodelled');
  };
  /** best: the sequence's anchors; exact: the strings it matches when it is literals only (else null). */
  type Seq = { best: string[] | null; exact: string[] | null };
  const score = (set: readonly string[]): number => Math.min(...set.map((x) => x.length));
  const better = (a: string[] | null, b: string[] | null): string[] | null => {
    if (a === null) return b;
    if (b === null) return a;
    return score(b) > score(a) ? b : a;
  };
  // quantifier after an atom: whether the atom stays mandatory, whether a literal run may continue past it (once
  // exactly), and whether it is optional once (`?`, `{0,1}`: the run may go on through it as two alternatives)
  const quantifier = (): { mandatory: boolean; single: boolean; optional?: boolean } => {
    const q = cps[i];
    if (q === '?' || q === '*') {
      i++;
      if (cps[i] === '?') i++;
      return { mandatory: false, single: false, optional: q === '?' };
    }
    if (q === '+') {
      i++;
      if (cps[i] === '?') i++;
      return { mandatory: true, single: false };
    }
    if (q === '{') {
      const close = cps.indexOf('}', i);
      const body = cps.slice(i + 1, close).join('');
      const m = /^(\d+)(,\d*)?$/u.exec(body);
      if (close < 0 || m === null) bail();
      i = close + 1;
      if (cps[i] === '?') i++;
      const min = Number(m?.[1]);
      const upToOne = m?.[2] === undefined || m[2] === ',1';
      return { mandatory: min >= 1, single: min === 1 && upToOne, optional: min === 0 && upToOne && m?.[2] !== undefined };
    }
    return { mandatory: true, single: true };
  };
  const parseAlternation = (): { set: string[] | null; exact: string[] | null } => {
    const seqs: Seq[] = [parseSequence()];
    while (cps[i] === '|') {
      i++;
      seqs.push(parseSequence());
    }
    const exact = seqs.every((q) => q.exact !== null) ? [...new Set(seqs.flatMap((q) => q.exact ?? []))] : null;
    if (seqs.some((q) => q.best === null)) return { set: null, exact };
    return { set: [...new Set(seqs.flatMap((q) => q.best ?? []))], exact };
  };
  const parseSequence = (): Seq => {
    let best: string[] | null = null;
    // the strings the current run of mandatory literals (and literal-only groups) can be; [''] when none
    let run: string[] = [''];
    let pure = true;
    // the run goes on through alternatives: each run string × each alternative ('' for an optional atom), while the
    // strings stay few; false when they would not
    const extend = (alts: readonly string[]): boolean => {
      if (run.length * alts.length > MAX_ANCHORS) return false;
      run = [...new Set(run.flatMap((r) => alts.map((x) => r + x)))];
      return true;
    };
    const endRun = (): void => {
      // an anchor set must have no empty string (a match could then hold none of them); a string holding another of
      // the set adds nothing ("maximum" beside "max")
      if (run.every((r) => r !== '')) best = better(best, run.filter((r) => !run.some((o) => o !== r && r.includes(o))));
      run = [''];
      pure = false;
    };
    while (i < cps.length && cps[i] !== '|' && cps[i] !== ')') {
      const c = cps[i] ?? '';
      if (c === '(') {
        i++;
        if (cps[i] === '?') {
          if (cps[i + 1] === ':') i += 2;
          else if (cps[i + 1] === 'P' && cps[i + 2] === '<') {
            const close = cps.indexOf('>', i);
            if (close < 0) bail();
            i = close + 1;
          } else bail(); // flags and other group kinds
        }
        const inner = parseAlternation();
        if (cps[i] !== ')') bail();
        i++;
        const q = quantifier();
        // a group of literal alternatives, once: the run goes on through it (each run string × each alternative)
        const exact = inner.exact;
        if (exact !== null && ((q.mandatory && q.single) || q.optional === true) && extend(q.optional === true ? [...exact, ''] : exact)) {
          continue;
        }
        endRun();
        if (q.mandatory && inner.set !== null) best = better(best, inner.set);
        continue;
      }
      if (c === '^' || c === '$') {
        i++;
        continue;
      }
      let literal: string | null = null;
      if (c === '\\') {
        const e = cps[i + 1] ?? '';
        i += 2;
        if ('bBAz'.includes(e) && e !== '') {
          pure = false;
          continue; // zero-width
        }
        if (e === 'p' || e === 'P') {
          if (cps[i] === '{') {
            const close = cps.indexOf('}', i);
            if (close < 0) bail();
            i = close + 1;
          } else i++;
        } else if (e === 's' && options.spaceOnly === true) {
          literal = ' '; // in normalised text every white space is one space, and runs of them are one
        } else if (/^[sSdDwW]$/u.test(e)) {
          // a class escape: non-literal
        } else if (/^[\p{P}\p{S}]$/u.test(e) && e.length === 1 && e.charCodeAt(0) < 128) {
          literal = e;
        } else bail();
      } else if (c === '[') {
        let j = i + 1;
        if (cps[j] === '^') j++;
        if (cps[j] === ']') j++;
        while (j < cps.length && cps[j] !== ']') {
          if (cps[j] === '\\') j++;
          else if (cps[j] === '[' && cps[j + 1] === ':') {
            const close = cps.indexOf(']', j + 2);
            if (close < 0) bail();
            j = close;
          }
          j++;
        }
        if (j >= cps.length) bail();
        const members = classMembers(cps.slice(i + 1, j));
        i = j + 1;
        // a small class of literal characters ("[:h.]", "[0-5]") is a group of one-character alternatives
        if (members !== null) {
          const q = quantifier();
          if (((q.mandatory && q.single) || q.optional === true) && extend(q.optional === true ? [...members, ''] : members)) {
            continue;
          }
          endRun();
          if (q.mandatory) best = better(best, members);
          continue;
        }
      } else if (c === '.') {
        i++;
      } else if ('*+?{'.includes(c)) {
        bail();
      } else {
        literal = c;
        i++;
      }
      const q = quantifier();
      if (literal !== null && q.mandatory) {
        const l = literal;
        run = run.map((r) => r + l);
        // "\s+" in normalised text is one space: the run goes on past it
        if (!q.single && !(l === ' ' && options.spaceOnly === true)) endRun();
      } else if (literal !== null && q.optional === true && extend([literal, ''])) {
        // an optional literal: the run goes on as two alternatives
      } else {
        endRun();
      }
    }
    const exact = pure ? run : null;
    endRun();
    return { best, exact };
  };
  try {
    const { set } = parseAlternation();
    if (i !== cps.length) return null;
    return set === null || set.some((s) => s === '') ? null : set;
  } catch {
    return null;
  }
}
