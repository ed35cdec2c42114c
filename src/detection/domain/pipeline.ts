import { extractEntities } from './entities';
import { identifyLanguage, withArabizi } from './language';
import { BoundedCache } from './bounded-cache';
import { compileMatcher, computeTermsStartingAt, hasAsciiDigit, matchRules, type TokenTerms } from './matcher';
import { compileModel, letterTokenIds, scoreTokens, type LinearModel, type ModelOutput } from './model';
import { normalise, tokenise, type NormalisedText, type Token } from './normalise';
import type { Ruleset } from './ruleset';
import { score as scoreHits, SCORING, type ScoreBreakdown } from './scoring';
import type { Entities, LanguageGuess, RuleHit } from './types';

export type { Entities, RuleHit, Span } from './types';

/** Version of the detection code (normalisation, matching, entity extraction, features, scoring). Bump on any behaviour change. */
export const PIPELINE_VERSION = 'pipeline-2.7.0';

/**
 * Score cut-offs, all in 0..1 with review ≤ flag: score ≥ flag → 'smuggling_ad' and `flagged`; ≥ review →
 * 'needs_review'; else 'not_smuggling'. `bands` order the review queue (see {@link bandFor}); by default they split
 * the range above `flag` in three equal parts.
 */
export interface Thresholds {
  flag: number;
  review: number;
  bands?: { high: number; medium: number };
}

/** Queue priority of a detection: `high` ≥ bands.high, `medium` ≥ bands.medium, else `low` (every unflagged post is low). */
export type Band = 'high' | 'medium' | 'low';

/** The classification of one post, fully JSON-serialisable. */
export interface Detection {
  /** 0..1, see scoring.ts for the formula. */
  score: number;
  label: 'smuggling_ad' | 'needs_review' | 'not_smuggling';
  /** score ≥ the flag threshold: the post enters the review queue. */
  flagged: boolean;
  band: Band;
  /** ISO 639-3 ('arb', 'pes', 'eng', …) or 'und'; confidence 0..1. */
  language: LanguageGuess;
  hits: RuleHit[];
  entities: Entities;
  /** The statistical model's view of the post; null when the detector has no model. */
  model: ModelOutput | null;
  /**
   * Per rule hit (id, weight, span and matched original text), entity summary, model contribution and top features,
   * score arithmetic, language, thresholds, versions: enough to reproduce the score.
   */
  explanation: Record<string, unknown>;
  rulesetVersion: string;
  pipelineVersion: string;
  /** SHA-256 of the model artifact, or null without a model. */
  modelVersion: string | null;
}

/** Classifies post text. Synchronous, pure and deterministic for a given ruleset, model and thresholds. */
export interface Detector {
  classify(text: string): Detection;
  /**
   * The same, also returning the normalised analysed text (for cluster keys), so a caller that needs both
   * normalises once.
   */
  classifyWithText(text: string): { detection: Detection; normalised: NormalisedText };
  /**
   * Many posts at once, each giving exactly what {@link classify} gives it. Faster per post than one call each: the
   * posts go through each step together (normalise all, then tokenise all, …), so each step's code and tables stay in
   * the processor's caches instead of being evicted by the other steps between posts. For workers and batch jobs.
   */
  classifyMany(texts: readonly string[]): Detection[];
  /** {@link classifyMany}, each with its normalised analysed text (see {@link classifyWithText}). */
  classifyManyWithText(texts: readonly string[]): Array<{ detection: Detection; normalised: NormalisedText }>;
}

export interface DetectorOptions {
  /** The trained model (model-loader.ts); null or absent = rules only. */
  model?: LinearModel | null;
}

/**
 * Posts longer than this (UTF-16 code units) are analysed on their first part only: smuggling ads are
 * short, and the work per post must stay bounded whatever a post holds (a 100,000-character post of
 * digits or invisible characters must not stall a worker). The explanation says when this happened.
 */
export const MAX_ANALYSED_CHARS = 10_000;

function analysedPart(text: string): string {
  if (text.length <= MAX_ANALYSED_CHARS) return text;
  const end = MAX_ANALYSED_CHARS;
  const c = text.charCodeAt(end - 1);
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? end - 1 : end); // never split a surrogate pair
}

function labelFor(score: number, t: Thresholds): Detection['label'] {
  if (score >= t.flag) return 'smuggling_ad';
  return score >= t.review ? 'needs_review' : 'not_smuggling';
}

/** What rule matching and the model need of one token, looked up once per token (see createDetector). */
interface LexiconEntry {
  terms: TokenTerms;
  /** The model's known feature ids for a letter token; null without a model or for a token holding an ASCII digit. */
  ids: Int32Array | null;
}

/** Entries kept in a detector's token lexicon (cleared when full, see BoundedCache). */
const LEXICON_SIZE = 100_000;

/** The band of a score (see {@link Band}). */
export function bandFor(score: number, t: Required<Thresholds>): Band {
  if (score < t.flag) return 'low';
  if (score >= t.bands.high) return 'high';
  return score >= t.bands.medium ? 'medium' : 'low';
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** `{ ...m, contribution }`, written out (see the explanation in createDetector). */
function modelExplanation(m: ModelOutput, contribution: number): ModelOutput & { contribution: number } {
  return {
    modelVersion: m.modelVersion,
    margin: m.margin,
    logit: m.logit,
    probability: m.probability,
    topFeatures: m.topFeatures,
    knownFeatures: m.knownFeatures,
    contribution,
  };
}

/** `{ ...b, constants }`, written out (see the explanation in createDetector). */
function scoringExplanation<C>(b: ScoreBreakdown, constants: C): ScoreBreakdown & { constants: C } {
  return {
    formula: b.formula,
    bias: b.bias,
    categories: b.categories,
    negative: b.negative,
    synergy: b.synergy,
    model: b.model,
    z: b.z,
    score: b.score,
    constants,
  };
}

/**
 * Builds a detector for a parsed ruleset and, optionally, a trained model.
 * Steps per post: normalise (offset-mapped) → tokenise → identify language (Sorani by its letters, else franc@5's
 * method; Latin-script Arabic reported as `arb`, see withArabizi) →
 * extract phones, messengers, prices → look each token up once in the detector's token lexicon (the terms that may start
 * there and the model's feature ids of the token, cached across posts) → match rules (index built here, once) → model
 * features and logit (the model's feature index built here, once: see compileModel) → score (logistic, see scoring.ts) → label, band.
 * @throws RangeError when thresholds are not numbers with 0 ≤ review ≤ flag ≤ medium ≤ high ≤ 1
 */
export function createDetector(ruleset: Ruleset, thresholds: Thresholds, options: DetectorOptions = {}): Detector {
  const { flag, review } = thresholds;
  const bands = thresholds.bands ?? { high: round3(flag + (2 * (1 - flag)) / 3), medium: round3(flag + (1 - flag) / 3) };
  const ok = [review, flag, bands.medium, bands.high].every((x) => Number.isFinite(x));
  if (!ok || review < 0 || review > flag || flag > bands.medium || bands.medium > bands.high || bands.high > 1) {
    throw new RangeError(
      `thresholds must satisfy 0 <= review <= flag <= bands.medium <= bands.high <= 1 (got review=${review}, flag=${flag}, medium=${bands.medium}, high=${bands.high})`,
    );
  }
  const t: Required<Thresholds> = { flag, review, bands: { ...bands } };
  const matcher = compileMatcher(ruleset.rules);
  const model = options.model ?? null;
  const compiledModel = model === null ? null : compileModel(model);
  const constants = { ...SCORING, coreCategories: [...SCORING.coreCategories] };
  // Token text → what matching and the model need of it: one cache lookup per token instead of one per stage. Tokens
  // holding an ASCII digit (numbers, prices, phone pieces: mostly unique) are computed each time and not kept.
  const lexicon = new BoundedCache<LexiconEntry>(LEXICON_SIZE);
  const lexiconEntry = (w: string): LexiconEntry => ({
    terms: computeTermsStartingAt(matcher, w),
    ids: compiledModel === null ? null : letterTokenIds(compiledModel, w),
  });
  const lookUp = (tokens: readonly Token[]): { terms: TokenTerms[]; ids: Array<Int32Array | null> } => {
    const terms = new Array<TokenTerms>(tokens.length);
    const ids = new Array<Int32Array | null>(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const w = (tokens[i] as Token).text;
      if (hasAsciiDigit(w)) {
        terms[i] = computeTermsStartingAt(matcher, w);
        ids[i] = null;
        continue;
      }
      const e = lexicon.get(w, lexiconEntry);
      terms[i] = e.terms;
      ids[i] = e.ids;
    }
    return { terms, ids };
  };
  // The steps, each over every post of a batch in turn (see Detector.classifyMany); `assemble` is the last one.
  const runMany = (fullTexts: readonly string[]): Array<{ detection: Detection; normalised: NormalisedText }> => {
    const count = fullTexts.length;
    const texts = new Array<string>(count);
    const ns = new Array<NormalisedText>(count);
    const toks = new Array<Token[]>(count);
    const langs = new Array<LanguageGuess>(count);
    const ents = new Array<Entities>(count);
    const looked = new Array<{ terms: TokenTerms[]; ids: Array<Int32Array | null> }>(count);
    const hitsOf = new Array<RuleHit[]>(count);
    const models = new Array<ModelOutput | null>(count);
    for (let i = 0; i < count; i++) texts[i] = analysedPart(fullTexts[i] as string);
    for (let i = 0; i < count; i++) ns[i] = normalise(texts[i] as string);
    for (let i = 0; i < count; i++) toks[i] = tokenise((ns[i] as NormalisedText).text);
    // Arabizi (Latin-script Arabic) is reported as Arabic when the words show it (see withArabizi)
    for (let i = 0; i < count; i++) langs[i] = withArabizi(identifyLanguage(texts[i] as string), toks[i] as Token[]);
    for (let i = 0; i < count; i++) ents[i] = extractEntities(ns[i] as NormalisedText, (langs[i] as LanguageGuess).code);
    for (let i = 0; i < count; i++) looked[i] = lookUp(toks[i] as Token[]);
    for (let i = 0; i < count; i++) {
      hitsOf[i] = matchRules(matcher, ns[i] as NormalisedText, toks[i] as Token[], ents[i] as Entities, langs[i] as LanguageGuess, looked[i]?.terms);
    }
    for (let i = 0; i < count; i++) {
      models[i] = compiledModel === null ? null : scoreTokens(compiledModel, toks[i] as Token[], ents[i] as Entities, looked[i]?.ids, (ns[i] as NormalisedText).text);
    }
    const out = new Array<{ detection: Detection; normalised: NormalisedText }>(count);
    for (let i = 0; i < count; i++) {
      out[i] = assemble(fullTexts[i] as string, texts[i] as string, ns[i] as NormalisedText, langs[i] as LanguageGuess, ents[i] as Entities, hitsOf[i] as RuleHit[], models[i] ?? null);
    }
    return out;
  };
  const assemble = (
    fullText: string,
    text: string,
    n: NormalisedText,
    language: LanguageGuess,
    entities: Entities,
    hits: RuleHit[],
    modelOut: ModelOutput | null,
  ): { detection: Detection; normalised: NormalisedText } => {
    const breakdown = scoreHits(hits, modelOut);
    const label = labelFor(breakdown.score, t);
    const flagged = breakdown.score >= t.flag;
    const band = bandFor(breakdown.score, t);
    const explanation: Record<string, unknown> = {
      pipelineVersion: PIPELINE_VERSION,
      analysedChars: text.length,
      truncated: text.length < fullText.length,
      rulesetVersion: ruleset.version,
      modelVersion: model?.version ?? null,
      language: { ...language },
      thresholds: { flag: t.flag, review: t.review, bands: { ...t.bands } },
      label,
      flagged,
      band,
      hits: hits.map((h) => ({
        ruleId: h.ruleId,
        weight: h.weight,
        category: h.tags[0] ?? 'other',
        tags: h.tags,
        spans: h.spans.map((s) => ({ start: s.start, end: s.end })),
        matched: h.spans.map((s) => s.text),
      })),
      entities: {
        phones: entities.phones.map((p) => ({ text: p.text, e164: p.e164, country: p.country })),
        messengers: entities.messengers.map((m) => ({ text: m.text, service: m.service, handle: m.handle })),
        prices: entities.prices.map((p) => ({ text: p.text, amount: p.amount, currency: p.currency })),
      },
      // field by field, in the order of ModelOutput and ScoreBreakdown (the types make tsc require every field);
      // the same JSON as a spread, which cost a measurable share of a post's time
      model: modelOut === null ? null : modelExplanation(modelOut, breakdown.model?.contribution ?? 0),
      scoring: scoringExplanation(breakdown, constants),
    };
    const detection: Detection = {
      score: breakdown.score,
      label,
      flagged,
      band,
      language,
      hits,
      entities,
      model: modelOut,
      explanation,
      rulesetVersion: ruleset.version,
      pipelineVersion: PIPELINE_VERSION,
      modelVersion: model?.version ?? null,
    };
    return { detection, normalised: n };
  };
  const run = (text: string): { detection: Detection; normalised: NormalisedText } => runMany([text])[0] as { detection: Detection; normalised: NormalisedText };
  return {
    classify: (text) => run(text).detection,
    classifyWithText: run,
    classifyMany: (texts) => runMany(texts).map((r) => r.detection),
    classifyManyWithText: runMany,
  };
}
