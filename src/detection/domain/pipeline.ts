import { extractEntities } from './entities';
import { identifyLanguage } from './language';
import { matchRules, prepareDoc } from './matcher';
import { normalise } from './normalise';
import type { Ruleset } from './ruleset';
import { score as scoreHits, SCORING } from './scoring';
import type { Entities, LanguageGuess, RuleHit } from './types';

export type { Entities, RuleHit, Span } from './types';

/** Version of the detection code (normalisation, matching, entity extraction, scoring). Bump on any behaviour change. */
export const PIPELINE_VERSION = 'pipeline-1.0.0';

/** Score cut-offs, both in 0..1 with review ≤ flag: score ≥ flag → 'smuggling_ad'; ≥ review → 'needs_review'; else 'not_smuggling'. */
export interface Thresholds {
  flag: number;
  review: number;
}

/** The classification of one post, fully JSON-serialisable. */
export interface Detection {
  /** 0..1, see scoring.ts for the formula. */
  score: number;
  label: 'smuggling_ad' | 'needs_review' | 'not_smuggling';
  /** ISO 639-3 ('arb', 'pes', 'eng', …) or 'und'; confidence 0..1. */
  language: LanguageGuess;
  hits: RuleHit[];
  entities: Entities;
  /** Per rule hit (id, weight, matched original text), entity summary, score arithmetic, language, thresholds, versions. */
  explanation: Record<string, unknown>;
  rulesetVersion: string;
  pipelineVersion: string;
}

/** Classifies post text. Synchronous, pure and deterministic for a given ruleset and thresholds. */
export interface Detector {
  classify(text: string): Detection;
}

function labelFor(score: number, t: Thresholds): Detection['label'] {
  if (score >= t.flag) return 'smuggling_ad';
  return score >= t.review ? 'needs_review' : 'not_smuggling';
}

/**
 * Builds a detector for a parsed ruleset.
 * Steps per post: normalise (offset-mapped) → identify language (franc@5) → extract phones, messengers, prices →
 * match rules → score (logistic, see scoring.ts) → label by thresholds.
 * @throws RangeError when thresholds are not numbers with 0 ≤ review ≤ flag ≤ 1
 */
export function createDetector(ruleset: Ruleset, thresholds: Thresholds): Detector {
  const { flag, review } = thresholds;
  if (!Number.isFinite(flag) || !Number.isFinite(review) || review < 0 || flag > 1 || review > flag) {
    throw new RangeError(`thresholds must satisfy 0 <= review <= flag <= 1 (got review=${review}, flag=${flag})`);
  }
  const t: Thresholds = { flag, review };
  return {
    classify(text: string): Detection {
      const n = normalise(text);
      const language = identifyLanguage(text);
      const entities = extractEntities(n, language.code);
      const hits = matchRules(ruleset.rules, prepareDoc(n), entities, language);
      const breakdown = scoreHits(hits);
      const label = labelFor(breakdown.score, t);
      const explanation: Record<string, unknown> = {
        pipelineVersion: PIPELINE_VERSION,
        rulesetVersion: ruleset.version,
        language: { ...language },
        thresholds: { ...t },
        label,
        hits: hits.map((h) => ({ ruleId: h.ruleId, weight: h.weight, category: h.tags[0] ?? 'other', tags: h.tags, matched: h.spans.map((s) => s.text) })),
        entities: {
          phones: entities.phones.map((p) => ({ text: p.text, e164: p.e164, country: p.country })),
          messengers: entities.messengers.map((m) => ({ text: m.text, service: m.service, handle: m.handle })),
          prices: entities.prices.map((p) => ({ text: p.text, amount: p.amount, currency: p.currency })),
        },
        scoring: { ...breakdown, constants: { ...SCORING, coreCategories: [...SCORING.coreCategories] } },
      };
      return { score: breakdown.score, label, language, hits, entities, explanation, rulesetVersion: ruleset.version, pipelineVersion: PIPELINE_VERSION };
    },
  };
}
