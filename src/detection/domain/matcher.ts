import { buildPrefilter, findAll, type LinearRegex, type RegexPrefilter } from './linear-regex';
import { BoundedCache, toOriginalSpan, type NormalisedText, type Token } from './normalise';
import type { CompiledTerm, EntityKind, Rule, TermWord } from './ruleset';
import { arabicVariants, STEMMERS, MIN_STEM_LENGTH } from './stemming';
import type { Entities, LanguageGuess, RuleHit, Span } from './types';

/**
 * Rule matching on a normalised post.
 *
 * - Language gate: a rule runs when its `languages` is `any`, or contains the post language, or the post language is
 *   `und`, or the language confidence is below {@link LOW_LANGUAGE_CONFIDENCE} (a wrong guess must not hide a rule).
 * - `terms`: matched token by token on the normalised text (so word boundaries hold in every script); a term word
 *   matches a token when equal, when one attached Arabic proclitic (و ف ب ل ك ال …) removed from either side makes them
 *   equal, when `word*` is a prefix of the token, or when a `natural` Porter stemmer of one of the rule's languages
 *   (eng, fra, spa, ita, deu) gives both the same stem (Latin words of ≥ 4 letters only).
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

interface TermRef {
  rule: number;
  term: CompiledTerm;
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
  entityRules: readonly number[];
  /** Rule index → indices of other rules carrying one of its `near` tags. */
  nearContext: ReadonlyArray<readonly number[]>;
  /** Token text → the terms that may start at such a token (see {@link termsStartingAt}); cached, pure. */
  starts: BoundedCache<TokenTerms>;
}

/**
 * The terms whose first word matches a token: `indexed` from the term index (in the order the token's keys and each
 * key's list give them, each term once), then `prefixed` (prefix terms whose first word matches, in rule order).
 */
interface TokenTerms {
  indexed: readonly TermRef[];
  prefixed: readonly TermRef[];
  /** The token's own info, for terms that continue over it. */
  info: TokenInfo;
}

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

function hasAsciiDigit(word: string): boolean {
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

function wordMatches(token: string, w: TermWord): boolean {
  return infoMatches(infoOf(token), w);
}

function infoMatches(info: TokenInfo, w: TermWord): boolean {
  if (w.prefix) {
    for (const v of info.variants) if (v.startsWith(w.word)) return true;
    return false;
  }
  for (const k of info.keys) if (w.variants.includes(k) || w.stems.includes(k)) return true;
  return false;
}

/** Builds the term index and regex prefilter of a ruleset. */
export function compileMatcher(rules: readonly Rule[]): CompiledMatcher {
  const index = new Map<string, TermRef[]>();
  const prefixTerms: TermRef[] = [];
  const regexes: Array<{ rule: number; regex: LinearRegex }> = [];
  const entityRules: number[] = [];
  rules.forEach((rule, r) => {
    for (const term of rule.terms) {
      const first = term.words[0];
      if (first === undefined) continue;
      const ref = { rule: r, term };
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
  const prefixStarts = prefixTerms.every((p) => (p.term.words[0]?.word.length ?? 0) > 0)
    ? new Set(prefixTerms.map((p) => p.term.words[0]?.word.charCodeAt(0) ?? -1))
    : null;
  const cm: CompiledMatcher = {
    rules,
    index,
    prefixTerms,
    prefixStarts,
    regexes,
    prefilter: buildPrefilter(regexes.map((x) => x.regex)),
    entityRules,
    nearContext,
    starts: new BoundedCache<TokenTerms>(100_000),
  };
  return cm;
}

function computeTermsStartingAt(cm: CompiledMatcher, token: string): TokenTerms {
  const info = infoOf(token);
  const indexed: TermRef[] = [];
  const seen = new Set<TermRef>();
  for (const key of info.keys) {
    for (const ref of cm.index.get(key) ?? []) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      indexed.push(ref);
    }
  }
  const prefixed: TermRef[] = [];
  const starts = cm.prefixStarts;
  if (cm.prefixTerms.length > 0 && (starts === null || info.variants.some((v) => starts.has(v.charCodeAt(0))))) {
    for (const ref of cm.prefixTerms) {
      const first = ref.term.words[0];
      if (first !== undefined && wordMatches(token, first)) prefixed.push(ref);
    }
  }
  return { indexed, prefixed, info };
}

/** The terms that may start at a token with this text (first word matched; the rest is checked per post). */
function termsStartingAt(cm: CompiledMatcher, token: string): TokenTerms {
  if (hasAsciiDigit(token)) return computeTermsStartingAt(cm, token);
  return cm.starts.get(token, (t) => computeTermsStartingAt(cm, t));
}

/** True when the rule runs on a post in this language (see the module comment). */
export function ruleApplies(rule: Rule, lang: LanguageGuess): boolean {
  if (rule.languages === 'any' || lang.code === 'und' || lang.confidence < LOW_LANGUAGE_CONFIDENCE) return true;
  return rule.languages.includes(lang.code);
}

/** Index of the last token of `term` if it matches from token i on, else -1; `infoAt(k)` is token k's info. */
function termEnd(tokens: readonly Token[], i: number, term: CompiledTerm, infoAt: (k: number) => TokenInfo): number {
  const len = term.words.length;
  if (i + len > tokens.length) return -1;
  for (let j = 1; j < len; j++) {
    const w = term.words[j];
    if (w === undefined || tokens[i + j] === undefined || !infoMatches(infoAt(i + j), w)) return -1;
  }
  return i + len - 1;
}

function entitySpans(entities: Entities, kind: EntityKind): Span[] {
  const list: Span[] = kind === 'phone' ? entities.phones : kind === 'messenger' ? entities.messengers : entities.prices;
  return list.map((e) => ({ start: e.start, end: e.end, text: e.text }));
}

function dedupe(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  const seen = new Set<string>();
  return spans
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .filter((s) => {
      const k = `${s.start}:${s.end}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

const gap = (a: Span, b: Span): number => Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));

/** Runs every applicable rule on a tokenised, normalised post and returns the hits, in rule order. */
export function matchRules(cm: CompiledMatcher, n: NormalisedText, tokens: readonly Token[], entities: Entities, lang: LanguageGuess): RuleHit[] {
  const { rules } = cm;
  const applies = rules.map((r) => ruleApplies(r, lang));
  const raw: Array<Span[] | undefined> = new Array<Span[] | undefined>(rules.length);
  const add = (r: number, span: Span): void => {
    const list = raw[r];
    if (list) list.push(span);
    else raw[r] = [span];
  };
  // one cache lookup per token gives the terms starting there and the token's info, for terms continuing over it
  const starts = tokens.map((t) => termsStartingAt(cm, t.text));
  const infoAt = (k: number): TokenInfo => starts[k]?.info ?? infoOf(tokens[k]?.text ?? '');
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const at = starts[i];
    if (tok === undefined || at === undefined) continue;
    const { indexed, prefixed } = at;
    for (const ref of indexed) {
      if (!applies[ref.rule]) continue;
      const last = termEnd(tokens, i, ref.term, infoAt);
      const b = tokens[last];
      if (last >= 0 && b !== undefined) add(ref.rule, toOriginalSpan(n, tok.start, b.end));
    }
    for (const ref of prefixed) {
      if (!applies[ref.rule]) continue;
      const last = termEnd(tokens, i, ref.term, infoAt);
      const b = tokens[last];
      if (last >= 0 && b !== undefined) add(ref.rule, toOriginalSpan(n, tok.start, b.end));
    }
  }
  for (const id of cm.prefilter.candidates(n.text)) {
    const x = cm.regexes[id];
    if (x === undefined || !applies[x.rule]) continue;
    for (const [s, e] of findAll(x.regex, n.text)) add(x.rule, toOriginalSpan(n, s, e));
  }
  for (const r of cm.entityRules) {
    if (!applies[r]) continue;
    for (const k of rules[r]?.entities ?? []) for (const s of entitySpans(entities, k)) add(r, s);
  }
  const hits: RuleHit[] = [];
  rules.forEach((rule, r) => {
    const found = raw[r];
    if (found === undefined) return;
    let spans = dedupe(found);
    const near = rule.near;
    if (near !== null) {
      const context: Span[] = [];
      for (const o of cm.nearContext[r] ?? []) if (applies[o]) context.push(...(raw[o] ?? []));
      for (const kind of ['phone', 'messenger', 'price'] as const) {
        if (near.tags.includes(kind)) context.push(...entitySpans(entities, kind));
      }
      spans = spans.filter((s) => context.some((c) => gap(s, c) <= near.within));
      if (spans.length === 0) return;
    }
    hits.push({ ruleId: rule.id, description: rule.description, weight: rule.weight, tags: [...rule.tags], spans });
  });
  return hits;
}
