import type { Token } from './normalise';
import type { Entities } from './types';

/**
 * The statistical part of detection: a sparse linear model over features of the normalised post.
 *
 * Training (scripts/train.ts) fits a `natural` BayesClassifier on these features and exports it as one weight per
 * feature (the log-likelihood ratio of the feature's presence between ads and non-ads), a bias (the log prior ratio)
 * and a Platt calibration fitted on out-of-fold margins. Scoring here needs no `natural` at run time:
 *
 *   margin = bias + Σ weight(f) for each distinct feature f of the post that the model knows
 *   logit  = calibration.a × margin + calibration.b
 *   p      = 1 / (1 + e^(−logit))
 *
 * Features (binary, each counted once per post):
 *  - `w:<token>` for each token of letters; digit-bearing tokens become `d:<n>` with n = number of digits (capped at 9);
 *  - `c:<trigram>` for each character trigram of a letter token of ≥ 4 characters, padded with `^` and `$`
 *    (robust to inflection, Arabic clitics and spelling variants);
 *  - `e:phone`, `e:price`, `e:messenger`, `e:dm` when such an entity was extracted.
 */

/** On-disk format identifier; the loader refuses any other. */
export const MODEL_FORMAT = 'smugwatch-linear/1';

/** A trained model as loaded: `version` is the SHA-256 (hex) of the artifact file. */
export interface LinearModel {
  version: string;
  format: typeof MODEL_FORMAT;
  bias: number;
  calibration: { a: number; b: number };
  weights: ReadonlyMap<string, number>;
  /** Free-form training facts (corpus hash, counts) carried into explanations. */
  trainedOn: Record<string, unknown>;
}

/** Minimum length of a letter token for its character trigrams to be features. */
export const MIN_NGRAM_TOKEN = 4;

const HAS_DIGIT = /\d/u;
const DIGIT = /\d/gu;

/** Distinct feature names of a tokenised post and its entities (see the module comment). Order is first occurrence. */
export function extractFeatures(tokens: readonly Token[], entities: Entities): string[] {
  const seen = new Set<string>();
  for (const t of tokens) {
    const w = t.text;
    if (HAS_DIGIT.test(w)) {
      seen.add(`d:${Math.min(9, w.match(DIGIT)?.length ?? 0)}`);
      continue;
    }
    seen.add(`w:${w}`);
    if (w.length >= MIN_NGRAM_TOKEN) {
      const padded = `^${w}$`;
      for (let i = 0; i + 3 <= padded.length; i++) seen.add(`c:${padded.slice(i, i + 3)}`);
    }
  }
  if (entities.phones.length > 0) seen.add('e:phone');
  if (entities.prices.length > 0) seen.add('e:price');
  if (entities.messengers.some((m) => m.service !== 'dm')) seen.add('e:messenger');
  if (entities.messengers.some((m) => m.service === 'dm')) seen.add('e:dm');
  return [...seen];
}

/** The model's view of one post, JSON-serialisable, for the explanation. */
export interface ModelOutput {
  modelVersion: string;
  margin: number;
  logit: number;
  probability: number;
  /** The known features with the largest absolute weights (up to 8), strongest first; ties by name. */
  topFeatures: Array<{ feature: string; weight: number }>;
  knownFeatures: number;
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/** Scores a post's features with a linear model. Pure and deterministic (features are summed in sorted order). */
export function scoreModel(model: LinearModel, features: readonly string[]): ModelOutput {
  const known: Array<{ feature: string; weight: number }> = [];
  for (const f of features) {
    const w = model.weights.get(f);
    if (w !== undefined) known.push({ feature: f, weight: w });
  }
  known.sort((x, y) => (x.feature < y.feature ? -1 : x.feature > y.feature ? 1 : 0));
  let margin = model.bias;
  for (const k of known) margin += k.weight;
  const logit = model.calibration.a * margin + model.calibration.b;
  const top = [...known].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight) || (x.feature < y.feature ? -1 : 1)).slice(0, 8);
  return {
    modelVersion: model.version,
    margin: round(margin),
    logit: round(logit),
    probability: round(1 / (1 + Math.exp(-logit))),
    topFeatures: top,
    knownFeatures: known.length,
  };
}
