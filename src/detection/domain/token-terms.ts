/**
 * What rule matching needs of one token, per compiled matcher: the terms that may start at it, its keys for terms
 * continuing over it (as integer ids), and the regexes with an anchor piece inside it. Cached across posts by token
 * text (the matcher's cache, or the pipeline's token lexicon); see matcher.ts for how matching uses them.
 */
import { BoundedCache } from './bounded-cache';
import type { CompiledMatcher, TermRef } from './matcher';
import type { Token } from './normalise';
import type { TermWord } from './ruleset';
import { arabicVariants, STEMMERS, MIN_STEM_LENGTH } from './stemming';
import { tokenise } from './tokenise';

/**
 * The terms whose first word matches a token: `indexed` from the term index (in the order the token's keys and each
 * key's list give them, each term once), then `prefixed` (prefix terms whose first word matches, in rule order).
 */
export interface TokenTerms {
  indexed: readonly TermRef[];
  prefixed: readonly TermRef[];
  /** The token's own info, for terms that continue over it. */
  info: TokenInfo;
  /** Regexes (indices into `regexes`) with a token anchor inside this token. */
  regexes: readonly number[];
  /** Ids of the token's keys that some term word answers to (the others can match no word): for terms continuing over it. */
  keyIds: readonly number[];
}

/** One shared empty list for the many tokens that start no term, hold no anchor or match no word. */
const NONE: readonly never[] = Object.freeze([]);

const STEM_LANGS = Object.entries(STEMMERS);
const LATIN_WORD = /^[a-z]+$/u;

/** What a token answers to: its Arabic variants, and those plus `lang:stem` keys for every stemmer language. */
interface TokenInfo {
  variants: readonly string[];
  keys: readonly string[];
}

/** Token info by token text (cached, pure). */
const TOKEN_INFO = new BoundedCache<TokenInfo>(200_000);
function computeInfo(word: string): TokenInfo {
  const variants = arabicVariants(word);
  const keys = [...variants];
  if (word.length >= MIN_STEM_LENGTH && LATIN_WORD.test(word)) {
    for (const [lang, fn] of STEM_LANGS) keys.push(`${lang}:${fn(word)}`);
  }
  return { variants, keys };
}

/** All keys a token answers to: its Arabic variants and `lang:stem` for every stemmer language (cached, pure). */
export function tokenKeys(word: string): readonly string[] {
  return infoOf(word).keys;
}

/** Whether a token holds an ASCII digit (then it is neither an Arabic-script word nor a Latin word: a number, a price, a phone piece). */
export function hasAsciiDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * The token's info. A token with an ASCII digit is neither an Arabic-script word nor a Latin word, so its info is
 * itself alone: computed directly, and kept out of the caches (numbers, prices and phone pieces are mostly unique).
 */
function infoOf(token: string): TokenInfo {
  if (hasAsciiDigit(token)) {
    const self = [token];
    return { variants: self, keys: self };
  }
  return TOKEN_INFO.get(token, computeInfo);
}

export function infoMatches(info: TokenInfo, w: TermWord): boolean {
  if (w.prefix) {
    for (const v of info.variants) if (v.startsWith(w.word) || (w.alt !== undefined && v.startsWith(w.alt))) return true;
    return false;
  }
  for (const k of info.keys) if (w.variants.includes(k) || w.stems.includes(k)) return true;
  return false;
}


/**
 * What matching needs of one token (see {@link TokenTerms}), computed without the matcher's cache: for a caller that
 * keeps its own per-token cache (the pipeline's token lexicon) and passes the results to {@link matchRules}.
 */
export function computeTermsStartingAt(cm: CompiledMatcher, token: string): TokenTerms {
  const info = infoOf(token);
  const keys = info.keys;
  // the lists of the token's keys, run together with each term once; a set only when a second list comes
  let indexed: TermRef[] | null = null;
  let seen: Set<TermRef> | null = null;
  for (let k = 0; k < keys.length; k++) {
    const list = cm.index.get(keys[k] as string);
    if (list === undefined) continue;
    if (indexed === null) {
      indexed = list.slice();
      continue;
    }
    seen ??= new Set(indexed);
    for (let x = 0; x < list.length; x++) {
      const ref = list[x] as TermRef;
      if (seen.has(ref)) continue;
      seen.add(ref);
      indexed.push(ref);
    }
  }
  let prefixed: TermRef[] | null = null;
  const starts = cm.prefixStarts;
  if (cm.prefixTerms.length > 0 && (starts === null || info.variants.some((v) => starts.has(v.charCodeAt(0))))) {
    for (const ref of cm.prefixTerms) {
      const first = ref.term.words[0];
      if (first !== undefined && infoMatches(info, first)) (prefixed ??= []).push(ref);
    }
  }
  // an anchor piece inside the token starts at one of its units: look the units up (most tokens, numbers above all,
  // start none)
  let regexes: number[] | null = null;
  const byUnit = cm.anchorPiecesByUnit;
  for (let c = 0; c < token.length; c++) {
    const list = byUnit.get(token.charCodeAt(c));
    if (list === undefined) continue;
    for (let x = 0; x < list.length; x++) {
      const { regex, piece } = list[x] as { regex: number; piece: string };
      if (token.startsWith(piece, c) && (regexes === null || !regexes.includes(regex))) (regexes ??= []).push(regex);
    }
  }
  if (regexes !== null && regexes.length > 1) regexes.sort((a, b) => a - b);
  let keyIds: number[] | null = null;
  for (let k = 0; k < keys.length; k++) {
    const id = cm.keyIds.get(keys[k] as string);
    if (id !== undefined && (keyIds === null || !keyIds.includes(id))) (keyIds ??= []).push(id);
  }
  return {
    indexed: indexed ?? NONE,
    prefixed: prefixed ?? NONE,
    info,
    regexes: regexes ?? NONE,
    keyIds: keyIds ?? NONE,
  };
}

/** The terms that may start at a token with this text (first word matched; the rest is checked per post). */
export function termsStartingAt(cm: CompiledMatcher, token: string): TokenTerms {
  if (hasAsciiDigit(token)) return computeTermsStartingAt(cm, token);
  return cm.starts.get(token, (t) => computeTermsStartingAt(cm, t));
}

/**
 * The regexes (indices into `cm.regexes`) that match somewhere in a normalised text, given its tokens: token anchors
 * read off the tokens' cached entries, the other anchors and the RE2Set on the text (what matchRules does inline).
 */
export function regexCandidates(cm: CompiledMatcher, text: string, tokens: readonly Token[]): readonly number[] {
  const present = cm.anchorPresent;
  present.fill(0);
  for (const t of tokens) for (const r of termsStartingAt(cm, t.text).regexes) present[r] = 1;
  confirmAnchors(cm, text, present);
  return cm.prefilter.candidates(text, present);
}

/**
 * Keeps `present[r]` = 1 only where regex r has an anchor in the text: kept as is for an `exact` regex (its piece
 * inside a token is its anchor), checked with `includes` for the others.
 */
export function confirmAnchors(cm: CompiledMatcher, text: string, present: Uint8Array): void {
  for (let r = 0; r < present.length; r++) {
    if (present[r] === 0) continue;
    const a = cm.tokenAnchors[r];
    if (a !== null && a !== undefined && !a.exact && !a.anchors.some((x) => text.includes(x))) present[r] = 0;
  }
}

/** The longest run of token characters (letters, digits, marks, `_`) in a string; '' when it has none. */
export function longestTokenPiece(s: string): string {
  let best = '';
  for (const t of tokenise(s)) if (t.text.length > best.length) best = t.text;
  return best;
}
