import { BoundedCache } from './bounded-cache';
import type { Token } from './normalise';
import { isContactName } from './tokenise';
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
 * Tokens that name a contact (a handle after `@`, a link's path: see isContactName) give no `w:`, `c:` or `d:` feature:
 * the contact counts through its entity feature, not through the letters its owner chose.
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

/** `text` when it can hold a contact name (it has an '@' or a '/': see isContactName), else undefined: most posts skip the check. */
function withContactNames(text: string | undefined): string | undefined {
  return text !== undefined && (text.includes('@') || text.includes('/')) ? text : undefined;
}

/** Minimum length of a letter token for its character trigrams to be features. */
export const MIN_NGRAM_TOKEN = 4;

const HAS_DIGIT = /\d/u;
const DIGIT = /\d/gu;

/**
 * Distinct feature names of a tokenised post and its entities (see the module comment). Order is first occurrence.
 * With the normalised `text` the tokens come from, contact names (handles, link paths: see isContactName) give no
 * token features; the model is trained and run that way.
 */
export function extractFeatures(tokens: readonly Token[], entities: Entities, text?: string): string[] {
  const seen = new Set<string>();
  const contactText = withContactNames(text);
  for (const t of tokens) {
    if (contactText !== undefined && isContactName(contactText, t.start)) continue;
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

/**
 * A model prepared for scoring posts without building feature strings: {@link compileModel} gives each known feature an
 * id equal to its rank in name order (JavaScript string order, as {@link scoreModel} sorts), so summing weights in id
 * order is summing them in name order (the same floating-point result), and it indexes the known words, trigrams,
 * digit shapes and entity features by what the post holds. Build once per model.
 */
export interface CompiledModel {
  model: LinearModel;
  names: readonly string[];
  weights: Float64Array;
  /** token text → id of `w:<token>` */
  words: ReadonlyMap<string, number>;
  /** three UTF-16 code units → id of `c:<trigram>` */
  trigrams: TrigramTable;
  /** digit count 0..9 → id of `d:<n>`, or -1 */
  digits: Int32Array;
  /** ids of e:phone, e:price, e:messenger, e:dm, or -1 */
  entity: { phone: number; price: number; messenger: number; dm: number };
  /** Scratch: per feature id, the number of the last post that counted it (dedupe without a Set per post). */
  seen: Uint32Array;
  stamp: number;
  /** Scratch: the known feature ids of the post being scored, and a second buffer for sorting them. */
  known: Int32Array;
  sortScratch: Int32Array;
  /** Bits of the largest feature id, rounded up to a multiple of 8 (radix passes × 8). */
  radixBits: number;
  /** Letter token text → ids of its known `w:` and `c:` features (cached, pure). */
  tokenIds: BoundedCache<Int32Array>;
}

const CARET = 0x5e;
const DOLLAR = 0x24;

/**
 * An open-addressing hash table from three UTF-16 code units to a feature id (-1 when absent): trigram lookups
 * without allocating a string per trigram. Capacity is a power of two at least twice the entries, so probes stay short.
 */
export class TrigramTable {
  private readonly keysHi: Int32Array;
  private readonly keysLo: Int32Array;
  private readonly ids: Int32Array;
  private readonly mask: number;
  constructor(entries: number) {
    let cap = 16;
    while (cap < entries * 2) cap *= 2;
    this.mask = cap - 1;
    this.keysHi = new Int32Array(cap).fill(-1);
    this.keysLo = new Int32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
  }
  private slot(a: number, b: number, c: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35)) >>> 0;
  }
  set(a: number, b: number, c: number, id: number): void {
    const lo = (b << 16) | c;
    let i = this.slot(a, b, c) & this.mask;
    while (this.keysHi[i] !== -1 && !(this.keysHi[i] === a && this.keysLo[i] === lo)) i = (i + 1) & this.mask;
    this.keysHi[i] = a;
    this.keysLo[i] = lo;
    this.ids[i] = id;
  }
  /** The id of the trigram (a, b, c), or -1. */
  get(a: number, b: number, c: number): number {
    const lo = (b << 16) | c;
    let i = this.slot(a, b, c) & this.mask;
    for (;;) {
      const hi = this.keysHi[i] ?? -1;
      if (hi === -1) return -1;
      if (hi === a && this.keysLo[i] === lo) return this.ids[i] ?? -1;
      i = (i + 1) & this.mask;
    }
  }
}

/** Bits needed for ids below `n`, rounded up to a multiple of 8 (at least 8). */
function radixBitsFor(n: number): number {
  let bits = 8;
  while (n - 1 >= 2 ** bits) bits += 8;
  return bits;
}

/** Prepares a model for {@link scoreTokens}. Pure; O(number of weights · log). */
export function compileModel(model: LinearModel): CompiledModel {
  const names = [...model.weights.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const weights = new Float64Array(names.length);
  const words = new Map<string, number>();
  const trigramNames: Array<[string, number]> = [];
  const digits = new Int32Array(10).fill(-1);
  const entity = { phone: -1, price: -1, messenger: -1, dm: -1 };
  names.forEach((name, id) => {
    weights[id] = model.weights.get(name) ?? 0;
    const body = name.slice(2);
    if (name.startsWith('w:')) words.set(body, id);
    else if (name.startsWith('c:') && body.length === 3) trigramNames.push([body, id]);
    else if (name.startsWith('d:') && /^[0-9]$/u.test(body)) digits[Number(body)] = id;
    else if (name === 'e:phone') entity.phone = id;
    else if (name === 'e:price') entity.price = id;
    else if (name === 'e:messenger') entity.messenger = id;
    else if (name === 'e:dm') entity.dm = id;
  });
  const trigrams = new TrigramTable(trigramNames.length);
  for (const [t, id] of trigramNames) trigrams.set(t.charCodeAt(0), t.charCodeAt(1), t.charCodeAt(2), id);
  return { model, names, weights, words, trigrams, digits, entity, seen: new Uint32Array(names.length), stamp: 0, known: new Int32Array(names.length), sortScratch: new Int32Array(names.length), radixBits: radixBitsFor(names.length), tokenIds: new BoundedCache<Int32Array>(100_000) };
}

/**
 * Ids of the known features of a letter token (no ASCII digit): `w:<token>`, then its trigrams (see the module
 * comment), repeats kept. Uncached: for a caller with its own per-token cache, who passes them to {@link scoreTokens}.
 */
export function letterTokenIds(cm: CompiledModel, w: string): Int32Array {
  const out: number[] = [];
  const push = (id: number | undefined): void => {
    if (id !== undefined && id >= 0) out.push(id);
  };
  push(cm.words.get(w));
  const len = w.length;
  if (len >= MIN_NGRAM_TOKEN) {
    // trigrams of `^${w}$`, read as code units without building strings
    const tt = cm.trigrams;
    let a = w.charCodeAt(0);
    let b = w.charCodeAt(1);
    push(tt.get(CARET, a, b));
    for (let i = 2; i < len; i++) {
      const c = w.charCodeAt(i);
      push(tt.get(a, b, c));
      a = b;
      b = c;
    }
    push(tt.get(a, b, DOLLAR));
  }
  return Int32Array.from(out);
}

/**
 * Scores a tokenised post and its entities with a compiled model: the same result as
 * `scoreModel(model, extractFeatures(tokens, entities, text))`, computed from the known features only (an unknown
 * feature weighs nothing). `tokenIds[t]`, when given and not null, is {@link letterTokenIds} of letter token t (else it is
 * looked up in the model's cache). Not re-entrant per compiled model (synchronous use only).
 */
export function scoreTokens(cm: CompiledModel, tokens: readonly Token[], entities: Entities, tokenIds?: ReadonlyArray<Int32Array | null>, text?: string): ModelOutput {
  if (++cm.stamp === 0xffffffff) {
    cm.seen.fill(0);
    cm.stamp = 1;
  }
  const stamp = cm.stamp;
  const seen = cm.seen;
  const buf = cm.known;
  let count = 0;
  const contactText = withContactNames(text);
  for (let t = 0; t < tokens.length; t++) {
    if (contactText !== undefined && isContactName(contactText, (tokens[t] as Token).start)) continue;
    const given = tokenIds?.[t];
    if (given !== undefined && given !== null) {
      // a letter token, its ids looked up by the caller
      for (let i = 0; i < given.length; i++) {
        const id = given[i] ?? -1;
        if (seen[id] !== stamp) {
          seen[id] = stamp;
          buf[count++] = id;
        }
      }
      continue;
    }
    const w = tokens[t]?.text ?? '';
    let digitCount = 0;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (c >= 48 && c <= 57) digitCount++;
    }
    if (digitCount > 0) {
      const id = cm.digits[Math.min(9, digitCount)] ?? -1;
      if (id >= 0 && seen[id] !== stamp) {
        seen[id] = stamp;
        buf[count++] = id;
      }
      continue;
    }
    const ids = cm.tokenIds.get(w, (x) => letterTokenIds(cm, x));
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? -1;
      if (seen[id] !== stamp) {
        seen[id] = stamp;
        buf[count++] = id;
      }
    }
  }
  let messenger = false;
  let dm = false;
  for (const m of entities.messengers) {
    if (m.service === 'dm') dm = true;
    else messenger = true;
  }
  const { entity } = cm;
  count = addKnown(seen, stamp, buf, count, entities.phones.length > 0 ? entity.phone : -1);
  count = addKnown(seen, stamp, buf, count, entities.prices.length > 0 ? entity.price : -1);
  count = addKnown(seen, stamp, buf, count, messenger ? entity.messenger : -1);
  count = addKnown(seen, stamp, buf, count, dm ? entity.dm : -1);
  sortIds(cm, count); // numeric order = name order
  const known = cm.known;
  const { model, weights, names } = cm;
  let margin = model.bias;
  for (let i = 0; i < count; i++) margin += weights[known[i] ?? 0] ?? 0;
  const logit = model.calibration.a * margin + model.calibration.b;
  // the 8 largest |weight|, ties by name (= id order): insertion into a short sorted list
  const top = TOP;
  const topAbs = TOP_ABS;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const id = known[i] ?? 0;
    const a = Math.abs(weights[id] ?? 0);
    let k = size;
    while (k > 0 && (topAbs[k - 1] ?? 0) < a) k--;
    if (k >= TOP_FEATURES) continue;
    for (let j = Math.min(size, TOP_FEATURES - 1); j > k; j--) {
      top[j] = top[j - 1] ?? 0;
      topAbs[j] = topAbs[j - 1] ?? 0;
    }
    top[k] = id;
    topAbs[k] = a;
    if (size < TOP_FEATURES) size++;
  }
  const topFeatures: Array<{ feature: string; weight: number }> = [];
  for (let i = 0; i < size; i++) {
    const id = top[i] ?? 0;
    topFeatures.push({ feature: names[id] ?? '', weight: weights[id] ?? 0 });
  }
  return {
    modelVersion: model.version,
    margin: round(margin),
    logit: round(logit),
    probability: round(1 / (1 + Math.exp(-logit))),
    topFeatures,
    knownFeatures: count,
  };
}

/** Appends feature `id` to `buf[0..count)` unless it is −1 or already there this post (`seen[id] === stamp`); returns the new count. */
function addKnown(seen: Uint32Array, stamp: number, buf: Int32Array, count: number, id: number): number {
  if (id < 0 || seen[id] === stamp) return count;
  seen[id] = stamp;
  buf[count] = id;
  return count + 1;
}

/**
 * Sorts the first `count` ids of `cm.known` in place, ascending: an LSD radix sort, 8 bits per
 * pass over as many passes as the largest id needs (ids are below the number of features). For the ~100 ids of a
 * post it takes a fraction of the time of TypedArray.prototype.sort.
 */
function sortIds(cm: CompiledModel, count: number): void {
  let src = cm.known;
  let dst = cm.sortScratch;
  const counts = RADIX_COUNTS;
  for (let shift = 0; shift < cm.radixBits; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < count; i++) {
      const b = ((src[i] ?? 0) >>> shift) & 255;
      counts[b] = (counts[b] ?? 0) + 1;
    }
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[b] ?? 0;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < count; i++) {
      const v = src[i] ?? 0;
      const b = (v >>> shift) & 255;
      dst[counts[b] ?? 0] = v;
      counts[b] = (counts[b] ?? 0) + 1;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== cm.known) for (let i = 0; i < count; i++) cm.known[i] = src[i] ?? 0;
}

const RADIX_COUNTS = new Int32Array(256);

/** How many top features an explanation lists; scratch of scoreTokens' selection. */
const TOP_FEATURES = 8;
const TOP = new Int32Array(TOP_FEATURES);
const TOP_ABS = new Float64Array(TOP_FEATURES);

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
