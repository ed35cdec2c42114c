/**
 * What an ingest batch must carry (zod). The provenance covers the whole batch: who collected the
 * posts, how, when and under which legal basis. Each post must show it was public when collected.
 */
import { z } from 'zod';

// Letters that render as nothing (Hangul fillers, the Braille blank): a "name" of them alone is blank.
const BLANK_LETTERS = /[\u115F\u1160\u3164\uFFA0\u2800]/gu;

/**
 * True when `s` has at least one visible character: a letter, digit, symbol or punctuation mark
 * that is not a blank filler. Spaces, zero-width and other format characters (`\p{Cf}`) do not count.
 */
export function hasVisibleCharacter(s: string, classes: RegExp = /[\p{L}\p{N}\p{S}\p{P}]/u): boolean {
  return classes.test(s.replace(BLANK_LETTERS, ''));
}

/** A required name or reference: trimmed, `min`..`max` long, and not only spaces or invisible characters. */
const visible = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine((s) => s === '' || hasVisibleCharacter(s), 'has only spaces or invisible characters');

export const COLLECTION_METHODS = ['manual_capture', 'platform_api', 'platform_export', 'crawler'] as const;

export const ProvenanceSchema = z.strictObject({
  /** Platform the posts come from (telegram, facebook, x, tiktok, instagram, ...). */
  sourcePlatform: visible(1, 64),
  collectionMethod: z.enum(COLLECTION_METHODS),
  /** Reference of the legal basis for the collection (statute, authorisation or order number). */
  legalBasis: visible(3, 500),
  /** Who collected the posts (officer or tool account id; not a name). */
  collectedBy: visible(1, 200),
  collectedAt: z.iso.datetime({ offset: true }),
  caseReference: visible(1, 200).optional(),
  /** Name and version of the capture tool. */
  toolVersion: z.string().trim().max(200).optional(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * One post. Strict, like the envelope and the provenance: a key not listed here is refused with its
 * path (`posts[3].lang`); the platform's own record, with whatever keys it has, goes in `raw`.
 */
export const PostSchema = z.strictObject({
  platform: visible(1, 64),
  platformPostId: visible(1, 200),
  /** Public URL of the post: proof of where it was seen. */
  url: z.url({ protocol: /^https?$/ }),
  /** The author's handle as the platform shows it; not only spaces or invisible characters (a zero-width space alone is refused). */
  authorHandle: visible(1, 300),
  text: z.string().min(1).max(100_000).refine((t) => hasVisibleCharacter(t, /[\p{L}\p{N}\p{S}]/u), 'text has no letters, digits or symbols (only spaces or invisible characters)'),
  postedAt: z.iso.datetime({ offset: true }).optional(),
  /** Audience of the post when collected; only public posts may be ingested. */
  visibility: z.literal('public', { error: 'only posts visible to the public may be ingested (visibility must be "public")' }),
  /** The platform's own record, kept unaltered as evidence; defaults to the post object itself. */
  raw: z.record(z.string(), z.unknown()).optional(),
});
export type IngestPost = z.infer<typeof PostSchema>;

export const BatchEnvelopeSchema = z.strictObject({
  provenance: ProvenanceSchema,
  posts: z.array(z.unknown()).min(1, 'a batch needs at least one post'),
});

/** Formats a zod issue path as `posts[3].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

export interface FieldIssue {
  /** Field path, e.g. `posts[3].url` or `provenance.collectedAt`. */
  path: string;
  message: string;
}

/**
 * Every issue of a zod error as field paths under `base`. An unknown key is reported at its own path
 * (`posts[3].lang: unknown field`) rather than at the object holding it.
 */
export function fieldIssues(error: z.ZodError, base: readonly PropertyKey[] = []): FieldIssue[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: formatPath([...base, ...i.path, k]), message: 'unknown field (only the documented fields are taken; put the platform record in raw)' }))
      : [{ path: formatPath([...base, ...i.path]), message: i.message }],
  );
}
