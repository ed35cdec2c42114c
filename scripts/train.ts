/**
 * Trains the detection model: `npm run train [-- --data data/train --out models/detection-model.json]`.
 *
 * 1. Reads every labelled post in data/train/*.ndjson (`text`, `label` = smuggling_ad | not_smuggling).
 * 2. Turns each post into the binary features the detector uses (src/detection/domain/model.ts), on the same
 *    normalised text, tokens and entities as at run time; keeps features seen in at least MIN_DOCS posts.
 * 3. Fits `natural`'s BayesClassifier (presence-only naive Bayes, smoothing 1) and exports it as one weight per feature
 *    (log-likelihood ratio) plus a bias (log prior ratio): exactly natural's log-odds, as a sparse linear model.
 * 4. Fits a Platt calibration (logit = a × margin + b) on 5-fold out-of-fold margins, so the model's logit is not the
 *    over-confident naive Bayes sum.
 * 5. Writes the artifact (sorted keys, rounded weights: the same data gives the same bytes) and prints its SHA-256,
 *    which is the model version recorded on every classification.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { extractEntities } from '../src/detection/domain/entities';
import { identifyLanguage } from '../src/detection/domain/language';
import { extractFeatures, MODEL_FORMAT } from '../src/detection/domain/model';
import { normalise, tokenise } from '../src/detection/domain/normalise';

interface NaturalBayes {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  features: Record<string, number>;
  classifier: { classFeatures: Record<string, Record<number, number>>; classTotals: Record<string, number>; totalExamples: number; smoothing: number };
}
// Loaded by module path: the `natural` package root also loads storage back-ends we do not need.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new () => NaturalBayes;

const AD = 'smuggling_ad';
const NOT = 'not_smuggling';
const MIN_DOCS = 2;
const FOLDS = 5;

interface Example {
  id: string;
  lang: string;
  label: typeof AD | typeof NOT;
  features: string[];
}

export function readLabelled(dir: string): Array<{ id: string; text: string; label: string; lang: string; kind: string; file: string; line: number }> {
  const out: Array<{ id: string; text: string; label: string; lang: string; kind: string; file: string; line: number }> = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ndjson')).sort()) {
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .forEach((l, i) => {
        if (l.trim() === '') return;
        const o = JSON.parse(l) as Record<string, unknown>;
        if (typeof o.text !== 'string' || (o.label !== AD && o.label !== NOT)) throw new Error(`${f}:${i + 1}: needs "text" and "label" (${AD} | ${NOT})`);
        out.push({ id: String(o.id ?? `${f}:${i + 1}`), text: o.text, label: o.label, lang: String(o.lang ?? 'und'), kind: String(o.kind ?? ''), file: f, line: i + 1 });
      });
  }
  return out;
}

function featuresOf(text: string): string[] {
  const n = normalise(text);
  return extractFeatures(tokenise(n.text), extractEntities(n, identifyLanguage(text).code), n.text);
}

/** Fits natural's BayesClassifier and returns it as bias + weights over `vocab`. */
function fitBayes(examples: readonly Example[], vocab: ReadonlySet<string>): { bias: number; weights: Map<string, number> } {
  const nb = new BayesClassifier();
  for (const e of examples) {
    const kept = e.features.filter((f) => vocab.has(f));
    // natural ignores empty documents; a marker feature keeps every post counted in the priors
    nb.addDocument(kept.length > 0 ? kept : ['x:empty'], e.label);
  }
  nb.train();
  const { classFeatures, classTotals, totalExamples, smoothing } = nb.classifier;
  const names = Object.keys(nb.features);
  const tAd = classTotals[AD] ?? 1;
  const tNot = classTotals[NOT] ?? 1;
  const weights = new Map<string, number>();
  names.forEach((name, i) => {
    const cAd = classFeatures[AD]?.[i] || smoothing;
    const cNot = classFeatures[NOT]?.[i] || smoothing;
    weights.set(name, Math.log(cAd / tAd) - Math.log(cNot / tNot));
  });
  return { bias: Math.log(tAd / totalExamples) - Math.log(tNot / totalExamples), weights };
}

const marginOf = (m: { bias: number; weights: Map<string, number> }, features: readonly string[]): number =>
  features.reduce((s, f) => s + (m.weights.get(f) ?? 0), m.bias);

/** Platt scaling: a, b minimising the log loss of sigmoid(a·margin + b) (Newton's method, small ridge). */
function platt(margins: readonly number[], labels: readonly number[]): { a: number; b: number } {
  let a = 0.1;
  let b = 0;
  for (let it = 0; it < 100; it++) {
    let ga = 0.01 * a;
    let gb = 0;
    let haa = 0.01;
    let hab = 0;
    let hbb = 1e-6;
    margins.forEach((m, i) => {
      const p = 1 / (1 + Math.exp(-(a * m + b)));
      const d = p - (labels[i] ?? 0);
      const w = p * (1 - p);
      ga += d * m;
      gb += d;
      haa += w * m * m;
      hab += w * m;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
  const root = join(__dirname, '..');
  const dataDir = values.data ?? join(root, 'data/train');
  const outFile = values.out ?? join(root, 'models/detection-model.json');
  const posts = readLabelled(dataDir);
  const examples: Example[] = posts.map((p) => ({ id: p.id, lang: p.lang, label: p.label as Example['label'], features: featuresOf(p.text) }));

  const df = new Map<string, number>();
  for (const e of examples) for (const f of e.features) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = new Set([...df].filter(([, c]) => c >= MIN_DOCS).map(([f]) => f));

  // out-of-fold margins for the calibration; folds by position, so the split is fixed for fixed data
  const margins: number[] = new Array<number>(examples.length).fill(0);
  for (let k = 0; k < FOLDS; k++) {
    const train = examples.filter((_, i) => i % FOLDS !== k);
    const m = fitBayes(train, vocab);
    examples.forEach((e, i) => {
      if (i % FOLDS === k) margins[i] = marginOf(m, e.features);
    });
  }
  const calibration = platt(margins, examples.map((e) => (e.label === AD ? 1 : 0)));
  const model = fitBayes(examples, vocab);

  const weights: Record<string, number> = {};
  for (const name of [...model.weights.keys()].sort()) {
    const w = round(model.weights.get(name) ?? 0);
    if (name !== 'x:empty' && w !== 0) weights[name] = w;
  }
  const languages: Record<string, number> = {};
  for (const e of examples) languages[e.lang] = (languages[e.lang] ?? 0) + 1;
  const dataHash = createHash('sha256');
  for (const p of posts) dataHash.update(`${p.file}\n${p.id}\n${p.label}\n${p.text}\n`);
  const artifact = {
    format: MODEL_FORMAT,
    trainer: 'natural BayesClassifier (presence-only naive Bayes, smoothing 1) exported as log-likelihood ratios; Platt calibration on 5-fold out-of-fold margins',
    bias: round(model.bias),
    calibration: { a: round(calibration.a, 6), b: round(calibration.b, 6) },
    trainedOn: {
      posts: examples.length,
      positives: examples.filter((e) => e.label === AD).length,
      languages: Object.fromEntries(Object.entries(languages).sort()),
      minDocsPerFeature: MIN_DOCS,
      features: Object.keys(weights).length,
      dataSha256: dataHash.digest('hex'),
    },
    weights,
  };
  const bytes = Buffer.from(`${JSON.stringify(artifact)}\n`, 'utf8');
  writeFileSync(outFile, bytes);
  const oof = margins.map((m) => 1 / (1 + Math.exp(-(calibration.a * m + calibration.b))));
  const correct = oof.filter((p, i) => (p >= 0.5) === (examples[i]?.label === AD)).length;
  console.log(`trained on ${examples.length} posts (${artifact.trainedOn.positives} ads) in ${Object.keys(languages).length} languages`);
  console.log(`features kept  ${artifact.trainedOn.features} (seen in >= ${MIN_DOCS} posts)`);
  console.log(`calibration    a=${artifact.calibration.a} b=${artifact.calibration.b}; out-of-fold accuracy ${((100 * correct) / examples.length).toFixed(1)}%`);
  console.log(`wrote ${outFile} (${(bytes.length / 1024).toFixed(0)} KiB)`);
  console.log(`model version  ${createHash('sha256').update(bytes).digest('hex')}`);
}

if (require.main === module) main();
