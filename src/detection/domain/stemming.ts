/**
 * Stemmers from `natural` (Porter family), loaded by module path: importing the `natural` package root would also load
 * its storage back-ends, which read `.env` and log on import; the stemmer modules themselves are pure.
 */
type StemFn = (token: string) => string;

/* eslint-disable @typescript-eslint/no-require-imports */
const load = (name: string): StemFn => {
  const mod = require(`natural/lib/natural/stemmers/${name}`) as { stem: StemFn };
  return (t: string) => mod.stem(t);
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Languages (ISO 639-3) with a stemmer, and the stemmer used for each. */
export const STEMMERS: Readonly<Record<string, StemFn>> = {
  eng: load('porter_stemmer'),
  fra: load('porter_stemmer_fr'),
  spa: load('porter_stemmer_es'),
  ita: load('porter_stemmer_it'),
  deu: load('porter_stemmer_de'),
};

/** Stemming is applied to Latin-script words of at least this many characters; shorter words must match exactly. */
export const MIN_STEM_LENGTH = 4;

const LATIN_WORD = /^[a-z]+$/u;

/**
 * Stem keys of a normalised word for the given languages, as `lang:stem` strings ([] when the word is not stemmable).
 * Two words "match by stem" when they share a key.
 */
export function stemKeys(word: string, languages: readonly string[]): string[] {
  if (word.length < MIN_STEM_LENGTH || !LATIN_WORD.test(word)) return [];
  const keys: string[] = [];
  for (const lang of languages) {
    const fn = STEMMERS[lang];
    if (fn !== undefined) keys.push(`${lang}:${fn(word)}`);
  }
  return keys;
}

const ARABIC_WORD = /^\p{Script=Arabic}+$/u;
/** Attached Arabic proclitics, longest first: conjunctions و ف, prepositions ب ل ك, the article ال and combinations. */
const ARABIC_PREFIXES = ['وبال', 'وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'و', 'ف', 'ب', 'ل', 'ك'];

/**
 * The word and its variants with one attached Arabic proclitic removed (the rest must keep ≥ 3 letters):
 * "والحرقه" → ["والحرقه", "الحرقه", "حرقه"]. Non-Arabic words → [word].
 */
export function arabicVariants(word: string): string[] {
  if (!ARABIC_WORD.test(word)) return [word];
  const out = [word];
  for (const p of ARABIC_PREFIXES) {
    if (word.startsWith(p) && [...word].length - [...p].length >= 3) out.push(word.slice(p.length));
  }
  return out;
}
