import type { ModelOutput } from './model';
import type { RuleHit } from './types';

/**
 * Scoring: a logistic function of summed rule weights, with diminishing returns inside a category and a bonus for
 * combinations of categories. All figures are our own starting values, tuned by hand on data/sample/posts.ndjson;
 * they are part of the pipeline version (change them → bump PIPELINE_VERSION).
 *
 *   category(c)  = the largest positive weight among hits whose FIRST tag is c
 *                  + {@link SCORING}.extraInCategory × (sum of the other positive weights in c)
 *   negative     = sum of all negative weights (each counted in full)
 *   n            = number of distinct {@link SCORING}.coreCategories among the positive categories
 *   synergy      = perExtraCategory × max(0, min(n, maxCategories) − 1), where perExtraCategory is
 *                  synergyWithOffer if an `offer` category hit is present, else synergyWithoutOffer
 *   model        = modelWeight × clamp(model logit, −modelClamp, +modelClamp), or 0 without a model (model.ts)
 *   z            = bias + Σ category(c) + negative + synergy + model
 *   score        = 1 / (1 + e^(−z)), rounded to 4 decimals
 *
 * So: a single offer phrase stays below review, an offer with a price and a contact is flagged, and strong
 * negative context (NGO warning, arrest report, help-seeking) pulls the same vocabulary down.
 */
export const SCORING = {
  bias: -3,
  extraInCategory: 0.5,
  coreCategories: ['offer', 'route', 'transport', 'contact', 'price', 'guarantee', 'documents', 'logistics'] as readonly string[],
  synergyWithOffer: 0.6,
  synergyWithoutOffer: 0.4,
  maxCategories: 5,
  modelWeight: 0.8,
  modelClamp: 4,
} as const;

/** The arithmetic behind a score, JSON-serialisable, for the explanation. */
export interface ScoreBreakdown {
  formula: string;
  bias: number;
  categories: Array<{ category: string; rules: string[]; weights: number[]; contribution: number }>;
  negative: { rules: string[]; weights: number[]; contribution: number };
  synergy: { coreCategories: string[]; offerPresent: boolean; perExtraCategory: number; contribution: number };
  /** The statistical model's share of z; null when no model is loaded. */
  model: { version: string; logit: number; probability: number; weight: number; clamp: number; contribution: number } | null;
  z: number;
  score: number;
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/** Computes the score (0..1) of a set of rule hits and the model's output, with the arithmetic. Pure. */
export function score(hits: readonly RuleHit[], model: ModelOutput | null = null): ScoreBreakdown {
  // positive hits by category (first tag), categories in name order, each strongest first (ties by rule id)
  const positives: RuleHit[] = [];
  const negatives: RuleHit[] = [];
  for (const h of hits) {
    if (h.weight < 0) negatives.push(h);
    else if (h.weight > 0) positives.push(h);
  }
  positives.sort((a, b) => {
    const ca = a.tags[0] ?? 'other';
    const cb = b.tags[0] ?? 'other';
    if (ca !== cb) return ca < cb ? -1 : 1;
    return b.weight - a.weight || (a.ruleId < b.ruleId ? -1 : 1);
  });
  const categories: ScoreBreakdown['categories'] = [];
  let offerPresent = false;
  for (let i = 0; i < positives.length; ) {
    const category = positives[i]?.tags[0] ?? 'other';
    const rules: string[] = [];
    const weights: number[] = [];
    let j = i;
    for (; j < positives.length && (positives[j]?.tags[0] ?? 'other') === category; j++) {
      const h = positives[j] as RuleHit;
      rules.push(h.ruleId);
      weights.push(h.weight);
    }
    // the same sum, in the same order, as top + extra × (w₂ + w₃ + …) over the ranked weights
    let rest = 0;
    for (let k = 1; k < weights.length; k++) rest += weights[k] ?? 0;
    const contribution = round((weights[0] ?? 0) + SCORING.extraInCategory * rest);
    categories.push({ category, rules, weights, contribution });
    if (category === 'offer') offerPresent = true;
    i = j;
  }
  const negContribution = round(negatives.reduce((s, h) => s + h.weight, 0));
  const core = categories.map((c) => c.category).filter((c) => SCORING.coreCategories.includes(c));
  const per = offerPresent ? SCORING.synergyWithOffer : SCORING.synergyWithoutOffer;
  const synergy = round(per * Math.max(0, Math.min(core.length, SCORING.maxCategories) - 1));
  const m =
    model === null
      ? null
      : {
          version: model.modelVersion,
          logit: model.logit,
          probability: model.probability,
          weight: SCORING.modelWeight,
          clamp: SCORING.modelClamp,
          contribution: round(SCORING.modelWeight * Math.max(-SCORING.modelClamp, Math.min(SCORING.modelClamp, model.logit))),
        };
  const z = round(SCORING.bias + categories.reduce((s, c) => s + c.contribution, 0) + negContribution + synergy + (m?.contribution ?? 0));
  return {
    formula: 'score = 1/(1+exp(-z)); z = bias + sum(category contributions) + negative + synergy + model',
    bias: SCORING.bias,
    categories,
    negative: { rules: negatives.map((h) => h.ruleId), weights: negatives.map((h) => h.weight), contribution: negContribution },
    synergy: { coreCategories: core, offerPresent, perExtraCategory: per, contribution: synergy },
    model: m,
    z,
    score: round(1 / (1 + Math.exp(-z))),
  };
}
