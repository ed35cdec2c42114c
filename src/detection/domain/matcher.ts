import { buildPrefilter, findAll, type LinearRegex, type RegexPrefilter } from './linear-regex';
import { BoundedCache, toOriginalSpan, type NormalisedText, type Token } from './normalise';
import type { CompiledTerm, EntityKind, Rule, TermWord } from './ruleset';
import { isTokenText } from './tokenise';
import { confirmAnchors, infoMatches, longestTokenPiece, termsStartingAt, type TokenTerms } from './token-terms';
import type { Entities, LanguageGuess, RuleHit, Span } from './types';

export { computeTermsStartingAt, hasAsciiDigit, regexCandidates, tokenKeys, type TokenTerms } from './token-terms';

/**
 * Rule matching on a normalised post.
 *
 * - Language gate: a rule runs when its `languages` is `any`, or contains the post language, or the post language is
 *   `und`, or the language confidence is below {@link LOW_LANGUAGE_CONFIDENCE} (a wrong guess must not hide a rule).
 * - `terms`: matched token by token on the normalised text (so word boundaries hold in every script); a term word
 *   matches a token when equal, when one attached Arabic proclitic (و ف ب ل ك ال …) removed from either side makes them
 *   equal, when `word*` is a prefix of the token, or when a `natural` Porter stemmer of one of the rule's languages
 *   (eng, fra, spa, ita, deu) gives both the same stem (Latin words of ≥ 4 letters only); a term word with Arabizi
 *   3/5 between letters also answers to its Arabizi reading (see compileTerm in ruleset.ts).
 * - `regex`: run on re2js (linear time) on the normalised (lower-case) text, see linear-regex.ts.
 * - `entities`: one span per extracted phone / messenger contact / price.
 * - `near: {tags, within}`: a match is kept only if a match of ANOTHER rule carrying one of `tags` (or an entity of kind
 *   `phone`, `messenger`, `price` named in `tags`) lies within `within` characters of the original text (gap between
 *   spans). Context is the raw matches of other applicable rules before their own `near` filtering (no recursion).
 * A rule fires at most once per post; its hit lists every kept span.
 *
 * Speed: everything that depends only on the ruleset is built once ({@link compileMatcher}): an index from each
 * key a term's first word answers to (its Arabic variants and `lang:stem` keys) to the terms starting with it, and
 * one RE2Set over all regexes with their literal anchors (linear-regex.ts). Per post, each token is looked up once in
 * a cache shared across posts (token text → the terms that may start there, already deduplicated, and the token's
 * keys, for terms continuing over it); tokens holding a digit bypass the caches (they are mostly unique). Regexes run
 * only when one of their anchors occurs in the post. The cost grows with the post, not with posts × terms.
 */

/** Below this language confidence every rule runs regardless of its `languages`. */
export const LOW_LANGUAGE_CONFIDENCE = 0.25;

export interface TermRef {
  rule: number;
  term: CompiledTerm;
  /** Per word of the term: the ids ({@link CompiledMatcher.keyIds}) of the keys it answers to; null for a prefix word. */
  wordKeys: ReadonlyArray<readonly number[] | null>;
}

/** A ruleset prepared for matching; build once per ruleset with {@link compileMatcher}. */
export interface CompiledMatcher {
  rules: readonly Rule[];
  index: ReadonlyMap<string, readonly TermRef[]>;
  prefixTerms: readonly TermRef[];
  /** First UTF-16 unit of every prefix term's first word; null when one of them is empty (then every token is tried). */
  prefixStarts: ReadonlySet<number> | null;
  regexes: ReadonlyArray<{ rule: number; regex: LinearRegex }>;
  prefilter: RegexPrefilter;
  /**
   * Anchors read off the post's tokens instead of a scan of its text, per regex index (null when the prefilter scans
   * for them). Every anchor of such a regex holds some token text (letters, digits, marks, `_`); its longest run of it,
   * the anchor's `piece`, lies inside one token of any text the anchor occurs in. So a token entry lists the regexes
   * with a piece inside the token ({@link TokenTerms.regexes}), and a regex so listed has an anchor in the post when
   * `exact` (every anchor is whole-token text: anchor = piece) or when one of its anchors is in the text (`includes`).
   */
  tokenAnchors: ReadonlyArray<{ anchors: readonly string[]; pieces: readonly string[]; exact: boolean } | null>;
  /**
   * First UTF-16 unit of a piece of {@link tokenAnchors} → the (regex index, piece) pairs whose piece starts with it, in
   * regex order: a token's regexes are found by looking its units up here instead of testing every piece.
   */
  anchorPiecesByUnit: ReadonlyMap<number, ReadonlyArray<{ regex: number; piece: string }>>;
  /** Scratch: 1 per regex whose token anchor occurs in the post being matched (synchronous use only). */
  anchorPresent: Uint8Array;
  entityRules: readonly number[];
  /** Rule index → indices of other rules carrying one of its `near` tags. */
  nearContext: ReadonlyArray<readonly number[]>;
  /** Token text → the terms that may start at such a token (see {@link termsStartingAt}); cached, pure. */
  starts: BoundedCache<TokenTerms>;
  /** Language code ('' = every rule) → 1 per rule that runs on posts in it (see {@link ruleApplies}); filled lazily. */
  applies: Map<string, Uint8Array>;
  /** Every key (variant or `lang:stem`) some non-prefix term word answers to → a small integer id. */
  keyIds: ReadonlyMap<string, number>;
}

/** Builds the term index and regex prefilter of a ruleset. */
export function compileMatcher(rules: readonly Rule[]): CompiledMatcher {
  const keyIds = new Map<string, number>();
  const idsOf = (w: TermWord): readonly number[] | null => {
    if (w.prefix) return null;
    const ids: number[] = [];
    for (const k of new Set([...w.variants, ...w.stems])) {
      let id = keyIds.get(k);
      if (id === undefined) {
        id = keyIds.size;
        keyIds.set(k, id);
      }
      ids.push(id);
    }
    return ids;
  };
  const index = new Map<string, TermRef[]>();
  const prefixTerms: TermRef[] = [];
  const regexes: Array<{ rule: number; regex: LinearRegex }> = [];
  const entityRules: number[] = [];
  rules.forEach((rule, r) => {
    for (const term of rule.terms) {
      const first = term.words[0];
      if (first === undefined) continue;
      const ref: TermRef = { rule: r, term, wordKeys: term.words.map(idsOf) };
      if (first.prefix) {
        prefixTerms.push(ref);
        continue;
      }
      for (const k of new Set([...first.variants, ...first.stems])) {
        const list = index.get(k);
        if (list) list.push(ref);
        else index.set(k, [ref]);
      }
    }
    for (const regex of rule.regexes) regexes.push({ rule: r, regex });
    if (rule.entities.length > 0) entityRules.push(r);
  });
  const nearContext = rules.map((rule, r) => {
    const near = rule.near;
    if (near === null) return [];
    return rules.flatMap((other, o) => (o !== r && other.tags.some((t) => near.tags.includes(t)) ? [o] : []));
  });
  const tokenAnchors = regexes.map(({ regex }) => {
    const anchors = regex.anchors;
    if (anchors === null) return null;
    const pieces = anchors.map(longestTokenPiece);
    if (pieces.some((p) => p === '')) return null;
    return { anchors, pieces, exact: anchors.every(isTokenText) };
  });
  const prefixStarts = prefixTerms.every((p) => (p.term.words[0]?.word.length ?? 0) > 0)
    ? new Set(prefixTerms.flatMap((p) => [p.term.words[0]?.word.charCodeAt(0) ?? -1, p.term.words[0]?.alt?.charCodeAt(0) ?? -1]))
    : null;
  const cm: CompiledMatcher = {
    rules,
    index,
    prefixTerms,
    prefixStarts,
    regexes,
    prefilter: buildPrefilter(
      regexes.map((x) => x.regex),
      tokenAnchors.map((a) => a !== null),
    ),
    tokenAnchors,
    anchorPiecesByUnit: piecesByFirstUnit(tokenAnchors),
    anchorPresent: new Uint8Array(regexes.length),
    entityRules,
    nearContext,
    starts: new BoundedCache<TokenTerms>(100_000),
    applies: new Map(),
    keyIds,
  };
  return cm;
}

/** See {@link CompiledMatcher.anchorPiecesByUnit}. */
function piecesByFirstUnit(tokenAnchors: CompiledMatcher['tokenAnchors']): Map<number, Array<{ regex: number; piece: string }>> {
  const out = new Map<number, Array<{ regex: number; piece: string }>>();
  tokenAnchors.forEach((a, regex) => {
    for (const piece of new Set(a?.pieces ?? [])) {
      const unit = piece.charCodeAt(0);
      const list = out.get(unit);
      if (list) list.push({ regex, piece });
      else out.set(unit, [{ regex, piece }]);
    }
  });
  return out;
}

/** True when the rule runs on a post in this language (see the module comment). */
export function ruleApplies(rule: Rule, lang: LanguageGuess): boolean {
  if (rule.languages === 'any' || lang.code === 'und' || lang.confidence < LOW_LANGUAGE_CONFIDENCE) return true;
  return rule.languages.includes(lang.code);
}

/** Whether two short lists of ids share one. */
function intersects(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (b.includes(a[i] as number)) return true;
  return false;
}

/**
 * Index of the last token of the term if it matches from token i on, else -1; `starts[k]` is token k's entry. A word
 * matches a token when they share a key (by id; the same as {@link infoMatches}), a prefix word by its variants.
 */
function termEnd(tokens: readonly Token[], starts: readonly TokenTerms[], i: number, ref: TermRef): number {
  const words = ref.term.words;
  const len = words.length;
  if (len === 1) return i;
  if (i + len > tokens.length) return -1;
  for (let j = 1; j < len; j++) {
    const at = starts[i + j];
    if (at === undefined) return -1;
    const keys = ref.wordKeys[j];
    if (keys === null || keys === undefined) {
      const w = words[j];
      if (w === undefined || !infoMatches(at.info, w)) return -1;
    } else if (at.keyIds.length === 0 || !intersects(at.keyIds, keys)) return -1;
  }
  return i + len - 1;
}

function entitySpans(entities: Entities, kind: EntityKind): Span[] {
  const list: Span[] = kind === 'phone' ? entities.phones : kind === 'messenger' ? entities.messengers : entities.prices;
  if (list.length === 0) return NO_SPANS;
  const out = new Array<Span>(list.length);
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as Span;
    out[i] = { start: e.start, end: e.end, text: e.text };
  }
  return out;
}
/** Never written to: entitySpans of an empty list, skipped by every caller. */
const NO_SPANS: Span[] = [];

/** Sorts spans by (start, end) and drops repeats of the same range (spans of one range have the same text). */
function dedupe(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  let w = 1;
  for (let r = 1; r < spans.length; r++) {
    const s = spans[r] as Span;
    const prev = spans[w - 1] as Span;
    if (s.start === prev.start && s.end === prev.end) continue;
    spans[w++] = s;
  }
  spans.length = w;
  return spans;
}

const gap = (a: Span, b: Span): number => Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));

/** Whether a span lies within `within` characters of any span of `list`. */
function nearAny(s: Span, list: readonly Span[], within: number): boolean {
  for (let i = 0; i < list.length; i++) if (gap(s, list[i] as Span) <= within) return true;
  return false;
}

/** Per language code (or '' for "every rule runs"): which rules apply, cached on the compiled matcher. */
function appliesFor(cm: CompiledMatcher, lang: LanguageGuess): Uint8Array {
  const all = lang.code === 'und' || lang.confidence < LOW_LANGUAGE_CONFIDENCE;
  const key = all ? '' : lang.code;
  let a = cm.applies.get(key);
  if (a === undefined) {
    a = Uint8Array.from(cm.rules, (r) => (ruleApplies(r, lang) ? 1 : 0));
    cm.applies.set(key, a);
  }
  return a;
}

/**
 * Runs every applicable rule on a tokenised, normalised post and returns the hits, in rule order. `tokenTerms[i]`, when
 * given, is what {@link computeTermsStartingAt} gives for token i (else it is looked up in the matcher's cache).
 */
export function matchRules(
  cm: CompiledMatcher,
  n: NormalisedText,
  tokens: readonly Token[],
  entities: Entities,
  lang: LanguageGuess,
  tokenTerms?: readonly TokenTerms[],
): RuleHit[] {
  const { rules } = cm;
  const applies = appliesFor(cm, lang);
  const raw: Array<Span[] | undefined> = new Array<Span[] | undefined>(rules.length);
  // one cache lookup per token gives the terms starting there and the token's info, for terms continuing over it
  let starts: readonly TokenTerms[];
  if (tokenTerms !== undefined && tokenTerms.length === tokens.length) starts = tokenTerms;
  else {
    const own = new Array<TokenTerms>(tokens.length);
    for (let i = 0; i < tokens.length; i++) own[i] = tokenTerms?.[i] ?? termsStartingAt(cm, (tokens[i] as Token).text);
    starts = own;
  }
  const present = cm.anchorPresent;
  present.fill(0);
  for (let i = 0; i < tokens.length; i++) {
    const regexes = (starts[i] as TokenTerms).regexes;
    for (let x = 0; x < regexes.length; x++) present[regexes[x] as number] = 1;
  }
  confirmAnchors(cm, n.text, present);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    const at = starts[i] as TokenTerms;
    for (let pass = 0; pass < 2; pass++) {
      const refs = pass === 0 ? at.indexed : at.prefixed;
      for (let x = 0; x < refs.length; x++) {
        const ref = refs[x] as TermRef;
        if (applies[ref.rule] === 0) continue;
        const last = termEnd(tokens, starts, i, ref);
        if (last < 0) continue;
        const span = toOriginalSpan(n, tok.start, (tokens[last] as Token).end);
        const list = raw[ref.rule];
        if (list) list.push(span);
        else raw[ref.rule] = [span];
      }
    }
  }
  const ids = cm.prefilter.candidates(n.text, present);
  for (let c = 0; c < ids.length; c++) {
    const x = cm.regexes[ids[c] as number];
    if (x === undefined || applies[x.rule] === 0) continue;
    for (const [s, e] of findAll(x.regex, n.text)) {
      const span = toOriginalSpan(n, s, e);
      const list = raw[x.rule];
      if (list) list.push(span);
      else raw[x.rule] = [span];
    }
  }
  for (const r of cm.entityRules) {
    if (applies[r] === 0) continue;
    for (const k of rules[r]?.entities ?? []) {
      const spans = entitySpans(entities, k);
      if (spans.length === 0) continue;
      const list = raw[r];
      if (list) list.push(...spans);
      else raw[r] = spans;
    }
  }
  const hits: RuleHit[] = [];
  for (let r = 0; r < rules.length; r++) {
    const found = raw[r];
    if (found === undefined) continue;
    const rule = rules[r] as Rule;
    let spans = dedupe(found);
    const near = rule.near;
    if (near !== null) {
      const context: Span[] = [];
      for (const o of cm.nearContext[r] ?? []) {
        const other = raw[o];
        if (applies[o] === 1 && other !== undefined) for (const sp of other) context.push(sp);
      }
      for (const kind of ENTITY_KINDS) {
        if (near.tags.includes(kind)) for (const sp of entitySpans(entities, kind)) context.push(sp);
      }
      spans = spans.filter((sp) => nearAny(sp, context, near.within));
      if (spans.length === 0) continue;
    }
    hits.push({ ruleId: rule.id, description: rule.description, weight: rule.weight, tags: rule.tags.slice(), spans });
  }
  return hits;
}

const ENTITY_KINDS = ['phone', 'messenger', 'price'] as const;
