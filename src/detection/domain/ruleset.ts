import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { yamlValue } from '../../common/yaml-value';
import { compileLinearRegex, type LinearRegex } from './linear-regex';
import { normalise, tokenise } from './normalise';
import { arabicVariants, STEMMERS, stemKeys } from './stemming';

/** One rule file as read from disk: `path` is reported in errors and hashed into the version. */
export interface RuleFile {
  path: string;
  content: string;
}

/**
 * A rule file could not be used. `line` is 1-based, or null when the problem has no single line
 * (e.g. no files at all). The message is `${file}:${line}: ${reason}`, or `${file}: ${reason}` without a line.
 */
export class RulesetError extends Error {
  constructor(
    public readonly file: string,
    public readonly line: number | null,
    public readonly reason: string,
  ) {
    super(`${where(file, line)}: ${reason}`);
    this.name = 'RulesetError';
  }
}

/** `file:line`, or just `file` when there is no line. */
function where(file: string, line: number | null): string {
  return line === null ? file : `${file}:${line}`;
}

/** Kinds of extracted entity a rule can fire on or be near (`patterns.entities`, `near.tags`). */
export const ENTITY_KINDS = ['phone', 'messenger', 'price'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One word of a compiled term: the normalised word, whether it is a prefix (`word*`), and its stem keys. */
export interface TermWord {
  word: string;
  prefix: boolean;
  /** For a prefix word with 3/5 between letters: its Arabizi reading (see compileTerm). */
  alt?: string;
  stems: readonly string[];
  variants: readonly string[];
}

/** A term compiled for matching: its words in order. */
export interface CompiledTerm {
  source: string;
  words: readonly TermWord[];
}

/** A rule ready for matching (see policies/detection/README.md for the file format). */
export interface Rule {
  id: string;
  description: string;
  /** ISO 639-3 codes the rule applies to, or 'any'. */
  languages: readonly string[] | 'any';
  weight: number;
  tags: readonly string[];
  terms: readonly CompiledTerm[];
  /** Regex sources as written, and their compiled form (re2js, linear time, run on the normalised text). */
  regexSources: readonly string[];
  regexes: readonly LinearRegex[];
  entities: readonly EntityKind[];
  near: { tags: readonly string[]; within: number } | null;
  /** Languages whose stemmer is used for the rule's terms; none when the rule says `stem: false` (names, not words). */
  stemLanguages: readonly string[];
  examples: { match: readonly string[]; noMatch: readonly string[] };
  source: { file: string; line: number | null };
}

/** A parsed, validated rule set. `version` is the sha256 (hex) of the canonical content of all files, sorted by path. */
export interface Ruleset {
  version: string;
  rules: readonly Rule[];
}

const ID = /^[a-z0-9][a-z0-9._-]*$/u;
const TAG = /^[a-z0-9_]+$/u;

const RuleSchema = z.strictObject({
  id: z.string().regex(ID, 'lower-case letters, digits, ".", "_" or "-"'),
  description: z.string().min(1),
  languages: z.union([z.literal('any'), z.array(z.string().regex(/^[a-z]{3}$/u, 'an ISO 639-3 code')).min(1)]),
  patterns: z
    .strictObject({
      terms: z.array(z.string().min(1)).min(1).optional(),
      regex: z.array(z.string().min(1)).min(1).optional(),
      entities: z.array(z.enum(ENTITY_KINDS)).min(1).optional(),
    })
    .refine((p) => p.terms !== undefined || p.regex !== undefined || p.entities !== undefined, {
      message: 'patterns needs at least one of terms, regex, entities',
    }),
  near: z.strictObject({ tags: z.array(z.string().regex(TAG)).min(1), within: z.number().int().min(1).max(2000) }).optional(),
  stem: z.boolean().optional(),
  weight: z.number().min(-10).max(10),
  tags: z.array(z.string().regex(TAG, 'lower-case letters, digits or "_"')).min(1),
  examples: z
    .strictObject({ match: z.array(z.string()).optional(), no_match: z.array(z.string()).optional() })
    .optional(),
});
const FileSchema = z.strictObject({ rules: z.array(RuleSchema) });
type RuleInput = z.infer<typeof RuleSchema>;

/** Languages that have a stemmer; rules with `languages: any` stem with all of them. */
const STEM_LANGUAGES = Object.keys(STEMMERS);

/**
 * Compiles a term as written by an analyst: normalised like post text, tokenised; `word*` marks a prefix.
 * A word whose Arabizi digits are only 3/5 between letters ("t5alles", "t3legram") reads as Arabizi in a post that
 * shows Arabizi and as leetspeak elsewhere (see arabizi.ts); such a term word answers to both readings (the Arabizi one
 * is added to its variants, or, for a prefix word, kept as `alt`), so the term matches the same word in any post.
 */
export function compileTerm(term: string, stemLanguages: readonly string[]): CompiledTerm | null {
  const n = normalise(term);
  const tokens = tokenise(n.text);
  if (tokens.length === 0) return null;
  const asArabizi = normalise(term, { arabizi: 'always' });
  const arabiziTokens = asArabizi.text === n.text ? tokens : tokenise(asArabizi.text);
  const words = tokens.map((t, i) => {
    const prefix = n.text[t.end] === '*';
    const variants = arabicVariants(t.text);
    const other = arabiziTokens.length === tokens.length ? arabiziTokens[i]?.text : undefined;
    const alt = other !== undefined && other !== t.text ? other : null;
    if (alt !== null && !prefix) variants.push(alt);
    const word: TermWord = { word: t.text, prefix, stems: prefix ? [] : stemKeys(t.text, stemLanguages), variants };
    return alt !== null && prefix ? { ...word, alt } : word;
  });
  return { source: term, words };
}

/**
 * Applies the Arabic-script letter unification of the normaliser to a regex source (ی ى → ي, ک → ك, ة ۀ → ه,
 * أ إ آ ٱ → ا, tashkeel and tatweel removed, Persian/Arabic-Indic digits → ASCII). Those characters are never regex
 * syntax, so this is safe; nothing else (case, escapes) is touched.
 */
export function unifyArabicLetters(source: string): string {
  return source
    .replace(/[\u064B-\u065F\u0670\u0640]/gu, '')
    .replace(/[\u06CC\u0649]/gu, '\u064A')
    .replace(/\u06A9/gu, '\u0643')
    .replace(/[\u0629\u06C0]/gu, '\u0647')
    .replace(/[\u0622\u0623\u0625\u0671]/gu, '\u0627')
    .replace(/\u0624/gu, '\u0648')
    .replace(/\u0626/gu, '\u064A')
    .replace(/[\u0660-\u0669]/gu, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/gu, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** Canonical form of a file for hashing: BOM removed, CRLF/CR → LF. */
function canonical(content: string): string {
  return content.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n');
}

/**
 * sha256 (hex) over the canonical content of all files sorted by path (code-unit order):
 * for each file `path`, LF, byte length of the content, LF, content, LF.
 */
export function rulesetVersion(files: readonly RuleFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const c = canonical(f.content);
    h.update(`${f.path}\n${Buffer.byteLength(c, 'utf8')}\n${c}\n`);
  }
  return h.digest('hex');
}

/** Line (1-based) of the YAML node or map key at `path`; for a missing key, the line of the nearest existing parent. */
function lineAt(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: readonly PropertyKey[], key?: string): number | null {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as YamlNode | null)?.range?.[0];
  const segments = key === undefined ? path : [...path, key];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) break;
      const k = pair.key as YamlNode;
      // the offending key's own line when it is the last segment, else keep descending
      offset = last ? k.range?.[0] : ((pair.value as YamlNode | null)?.range?.[0] ?? k.range?.[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (item === undefined) break;
      offset = item.range?.[0];
      node = item;
    } else break;
  }
  return offset === undefined ? null : lc.linePos(offset).line;
}

function stemLanguagesOf(languages: readonly string[] | 'any'): string[] {
  return languages === 'any' ? STEM_LANGUAGES : languages.filter((l) => STEMMERS[l] !== undefined);
}

function compileRule(file: string, input: RuleInput, index: number, lineOfPath: (p: readonly PropertyKey[]) => number | null): Rule {
  const base: readonly PropertyKey[] = ['rules', index];
  // `stem: false`: the terms are names (places), matched as written, never stretched onto a word by a stemmer
  const stemLanguages = input.stem === false ? [] : stemLanguagesOf(input.languages);
  const terms: CompiledTerm[] = [];
  (input.patterns.terms ?? []).forEach((t, j) => {
    const c = compileTerm(t, stemLanguages);
    if (c === null) throw new RulesetError(file, lineOfPath([...base, 'patterns', 'terms', j]), `term "${t}" has no letters or digits`);
    terms.push(c);
  });
  const regexes: LinearRegex[] = [];
  (input.patterns.regex ?? []).forEach((src, j) => {
    const line = lineOfPath([...base, 'patterns', 'regex', j]);
    try {
      regexes.push(compileLinearRegex(unifyArabicLetters(src), { normalisedText: true }));
    } catch (e) {
      throw new RulesetError(file, line, `rule ${input.id}: regex /${src}/ rejected: ${(e as Error).message}`);
    }
  });
  return {
    id: input.id,
    description: input.description,
    languages: input.languages,
    weight: input.weight,
    tags: input.tags,
    terms,
    regexSources: input.patterns.regex ?? [],
    regexes,
    entities: input.patterns.entities ?? [],
    near: input.near === undefined ? null : { tags: input.near.tags, within: input.near.within },
    stemLanguages,
    examples: { match: input.examples?.match ?? [], noMatch: input.examples?.no_match ?? [] },
    source: { file, line: lineOfPath(base) },
  };
}

function parseFile(file: RuleFile): Rule[] {
  const lc = new LineCounter();
  const doc = parseDocument(canonical(file.content), { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err !== undefined) {
    throw new RulesetError(file.path, err.linePos?.[0]?.line ?? null, `YAML ${err.code}: ${err.message.split('\n')[0] ?? ''}`);
  }
  const value = yamlValue(doc, lc); // an alias bomb or an unset anchor throws in toJS(): report it like a syntax error
  if (!value.ok) throw new RulesetError(file.path, value.line, value.reason);
  const parsed = FileSchema.safeParse(value.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue === undefined) throw new RulesetError(file.path, null, 'invalid rule file');
    const badKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const line = lineAt(doc, lc, issue.path, badKey);
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new RulesetError(file.path, line, `${where}: ${issue.message}`);
  }
  return parsed.data.rules.map((r, i) => compileRule(file.path, r, i, (p) => lineAt(doc, lc, p)));
}

/**
 * Parses and validates rule files (YAML, schema in policies/detection/README.md) into a {@link Ruleset}.
 * @throws RulesetError on: no files or no rules (fail closed); YAML syntax error (line from the yaml parser); an alias
 *   bomb or an alias without its anchor (line of the alias); schema
 *   error such as an unknown or missing key or a wrong type (line of the offending key); duplicate rule id across files
 *   (line of the second one); a regex that re2js cannot compile, that matches the empty string, or that uses a
 *   lookaround other than a leading/trailing one-character boundary.
 */
export function parseRuleset(files: readonly RuleFile[]): Ruleset {
  if (files.length === 0) throw new RulesetError('<ruleset>', null, 'no rule files (refusing to run without rules)');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const rules: Rule[] = [];
  const seen = new Map<string, Rule>();
  for (const f of sorted) {
    for (const r of parseFile(f)) {
      const prior = seen.get(r.id);
      if (prior !== undefined) {
        throw new RulesetError(f.path, r.source.line, `duplicate rule id "${r.id}" (first defined in ${where(prior.source.file, prior.source.line)})`);
      }
      seen.set(r.id, r);
      rules.push(r);
    }
  }
  if (rules.length === 0) throw new RulesetError(sorted[0]?.path ?? '<ruleset>', null, 'rule files contain no rules');
  // `near.tags` must name something that can occur, or the rule can never fire
  const known = new Set<string>([...ENTITY_KINDS, ...rules.flatMap((r) => r.tags)]);
  for (const r of rules) {
    const unknown = (r.near?.tags ?? []).filter((t) => !known.has(t));
    if (unknown.length) {
      throw new RulesetError(r.source.file, r.source.line, `rule "${r.id}": near.tags ${unknown.map((t) => `"${t}"`).join(', ')} is neither an entity kind (${ENTITY_KINDS.join(', ')}) nor a tag of any rule, so the rule could never fire`);
    }
  }
  return { version: rulesetVersion(files), rules };
}
