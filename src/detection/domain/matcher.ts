import { toOriginalSpan, tokenise, type NormalisedText, type Token } from './normalise';
import type { CompiledTerm, EntityKind, Rule, TermWord } from './ruleset';
import { arabicVariants, STEMMERS } from './stemming';
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
 * - `regex`: run with flags `gu` on the normalised (lower-case) text; `\b` is ASCII-only in JavaScript, so use
 *   `(?<![\p{L}\p{N}])` / `(?![\p{L}\p{N}])` for boundaries in other scripts.
 * - `entities`: one span per extracted phone / messenger contact / price.
 * - `near: {tags, within}`: a match is kept only if a match of ANOTHER rule carrying one of `tags` (or an entity of kind
 *   `phone`, `messenger`, `price` named in `tags`) lies within `within` characters of the original text (gap between
 *   spans). Context is the raw matches of other applicable rules before their own `near` filtering (no recursion).
 * A rule fires at most once per post; its hit lists every kept span.
 */

/** Below this language confidence every rule runs regardless of its `languages`. */
export const LOW_LANGUAGE_CONFIDENCE = 0.25;

/**
 * A tokenised post, indexed for matching: for each token the set of keys it answers to (its Arabic
 * variants, and `lang:stem` for each stemmer language when it is a Latin word of >= 4 letters), and
 * for each key the token positions. Terms then start only where their first word can match, so the
 * cost grows with the post, not with posts x terms.
 */
export interface MatchDoc {
  n: NormalisedText;
  tokens: readonly Token[];
  variants: ReadonlyArray<readonly string[]>;
  keysAt: ReadonlyArray<ReadonlySet<string>>;
  positions: ReadonlyMap<string, readonly number[]>;
}

const STEM_LANGS = Object.entries(STEMMERS);

/** Prepares a normalised post for matching. */
export function prepareDoc(n: NormalisedText): MatchDoc {
  const tokens = tokenise(n.text);
  const variants = tokens.map((t) => arabicVariants(t.text));
  const positions = new Map<string, number[]>();
  const keysAt = tokens.map((t, i) => {
    const keys = new Set<string>(variants[i]);
    if (t.text.length >= 4 && /^[a-z]+$/u.test(t.text)) {
      for (const [lang, fn] of STEM_LANGS) keys.add(`${lang}:${fn(t.text)}`);
    }
    for (const k of keys) {
      const at = positions.get(k);
      if (at) at.push(i);
      else positions.set(k, [i]);
    }
    return keys;
  });
  return { n, tokens, variants, keysAt, positions };
}

function wordMatches(doc: MatchDoc, i: number, w: TermWord): boolean {
  const keys = doc.keysAt[i];
  if (keys === undefined) return false;
  if (w.prefix) return (doc.variants[i] ?? []).some((v) => v.startsWith(w.word));
  return w.variants.some((v) => keys.has(v)) || w.stems.some((k) => keys.has(k));
}

/** Token positions where `w` can match (all positions for a prefix word). */
function candidateStarts(doc: MatchDoc, w: TermWord): Iterable<number> {
  if (w.prefix) return [...doc.tokens.keys()].filter((i) => wordMatches(doc, i, w));
  const at = new Set<number>();
  for (const k of [...w.variants, ...w.stems]) for (const i of doc.positions.get(k) ?? []) at.add(i);
  return [...at].sort((a, b) => a - b);
}

function termSpans(doc: MatchDoc, term: CompiledTerm): Span[] {
  const out: Span[] = [];
  const len = term.words.length;
  const first = term.words[0];
  if (first === undefined) return out;
  for (const i of candidateStarts(doc, first)) {
    if (i + len > doc.tokens.length) continue;
    let ok = true;
    for (let j = 1; j < len && ok; j++) {
      const w = term.words[j];
      ok = w !== undefined && wordMatches(doc, i + j, w);
    }
    if (!ok) continue;
    const a = doc.tokens[i];
    const b = doc.tokens[i + len - 1];
    if (a !== undefined && b !== undefined) out.push(toOriginalSpan(doc.n, a.start, b.end));
  }
  return out;
}

function regexSpans(doc: MatchDoc, re: RegExp): Span[] {
  const out: Span[] = [];
  for (const m of doc.n.text.matchAll(new RegExp(re.source, re.flags))) {
    const start = m.index ?? 0;
    if (m[0].length === 0) continue;
    out.push(toOriginalSpan(doc.n, start, start + m[0].length));
  }
  return out;
}

function entitySpans(entities: Entities, kind: EntityKind): Span[] {
  const list: Span[] = kind === 'phone' ? entities.phones : kind === 'messenger' ? entities.messengers : entities.prices;
  return list.map((e) => ({ start: e.start, end: e.end, text: e.text }));
}

/** True when the rule runs on a post in this language (see the module comment). */
export function ruleApplies(rule: Rule, lang: LanguageGuess): boolean {
  if (rule.languages === 'any' || lang.code === 'und' || lang.confidence < LOW_LANGUAGE_CONFIDENCE) return true;
  return rule.languages.includes(lang.code);
}

function dedupe(spans: Span[]): Span[] {
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

/** Runs every applicable rule and returns the hits, in rule order. */
export function matchRules(rules: readonly Rule[], doc: MatchDoc, entities: Entities, lang: LanguageGuess): RuleHit[] {
  const raw = new Map<string, Span[]>();
  const applicable = rules.filter((r) => ruleApplies(r, lang));
  for (const rule of applicable) {
    const spans: Span[] = [];
    for (const t of rule.terms) spans.push(...termSpans(doc, t));
    for (const re of rule.regexes) spans.push(...regexSpans(doc, re));
    for (const k of rule.entities) spans.push(...entitySpans(entities, k));
    if (spans.length > 0) raw.set(rule.id, dedupe(spans));
  }
  const hits: RuleHit[] = [];
  for (const rule of applicable) {
    let spans = raw.get(rule.id);
    if (spans === undefined) continue;
    const near = rule.near;
    if (near !== null) {
      const context: Span[] = [];
      for (const other of applicable) {
        if (other.id === rule.id || !other.tags.some((t) => near.tags.includes(t))) continue;
        context.push(...(raw.get(other.id) ?? []));
      }
      for (const kind of ['phone', 'messenger', 'price'] as const) {
        if (near.tags.includes(kind)) context.push(...entitySpans(entities, kind));
      }
      spans = spans.filter((s) => context.some((c) => gap(s, c) <= near.within));
      if (spans.length === 0) continue;
    }
    hits.push({ ruleId: rule.id, description: rule.description, weight: rule.weight, tags: [...rule.tags], spans });
  }
  return hits;
}
