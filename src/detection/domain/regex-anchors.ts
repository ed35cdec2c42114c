/**
 * Literal anchors of analysts' regexes: strings every match holds one of, read off the pattern, so that a regex is only
 * tried on a post holding one (linear-regex.ts, matcher.ts).
 */

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
  return readLiterals(core, options, { also: [] });
}

function readLiterals(core: string, options: LiteralOptions, out: { also: string[][] }): string[] | null {
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
  const parseAlternation = (collect: string[][] | null = null): { set: string[] | null; exact: string[] | null } => {
    const seqs: Seq[] = [parseSequence(collect)];
    while (cps[i] === '|') {
      i++;
      seqs.push(parseSequence(null));
    }
    // several alternatives: what the first one requires is not required of every match
    if (seqs.length > 1 && collect !== null) collect.length = 0;
    const exact = seqs.every((q) => q.exact !== null) ? [...new Set(seqs.flatMap((q) => q.exact ?? []))] : null;
    if (seqs.some((q) => q.best === null)) return { set: null, exact };
    return { set: [...new Set(seqs.flatMap((q) => q.best ?? []))], exact };
  };
  // `collect` gathers every anchor set the sequence requires (each of them, not only the best)
  const parseSequence = (collect: string[][] | null): Seq => {
    let best: string[] | null = null;
    const need = (set: string[]): void => {
      collect?.push(set);
      best = better(best, set);
    };
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
      if (run.every((r) => r !== '')) need(run.filter((r) => !run.some((o) => o !== r && r.includes(o))));
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
        if (q.mandatory && inner.set !== null) need(inner.set);
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
          if (q.mandatory) need(members);
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
    const collected: string[][] = [];
    const { set } = parseAlternation(collected);
    if (i !== cps.length) return null;
    if (set === null || set.some((x) => x === '')) return null;
    out.also = collected;
    return set;
  } catch {
    return null;
  }
}

/**
 * Further anchor sets of a regex: each entry's strings are such that every match contains `count` occurrences of them
 * at distinct positions (the same set required `count` times in a row, as in "two clock times"). Read off the top-level
 * sequence of the pattern: every set a mandatory item of it requires (not only the best one, which
 * {@link requiredLiterals} returns), grouped when equal; sets whose shortest string has fewer than
 * {@link MIN_ALSO_LENGTH} code units are left out (nearly every text holds them). Empty when the pattern has several
 * top-level alternatives or no anchors. Within a set no string contains another, so two occurrences at one position
 * are the same string: counting positions is counting occurrences.
 */
export function requiredLiteralSets(core: string, options: LiteralOptions = {}): { anchors: string[] | null; also: Array<{ strings: string[]; count: number }> } {
  const out: { also: string[][] } = { also: [] };
  const anchors = readLiterals(core, options, out);
  if (anchors === null) return { anchors, also: [] };
  const groups = new Map<string, { strings: string[]; count: number }>();
  for (const set of out.also) {
    const strings = [...new Set(set)].filter((x, _, all) => !all.some((o) => o !== x && x.includes(o))).sort();
    if (strings.length === 0 || Math.min(...strings.map((x) => x.length)) < MIN_ALSO_LENGTH) continue;
    const key = JSON.stringify(strings);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { strings, count: 1 });
  }
  const primary = JSON.stringify([...anchors].sort());
  // the anchors themselves only add something when required more than once
  return { anchors, also: [...groups].filter(([k, g]) => k !== primary || g.count > 1).map(([, g]) => g) };
}

/** See {@link requiredLiteralSets}. */
const MIN_ALSO_LENGTH = 2;
