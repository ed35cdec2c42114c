/**
 * What an ingest batch must carry (zod). The provenance covers the whole batch: who collected the
 * posts, how, when and under which legal basis. Each post must show it was public when collected.
 */
import { z } from 'zod';

export const COLLECTION_METHODS = ['manual_capture', 'platform_api', 'platform_export', 'crawler'] as const;

export const ProvenanceSchema = z.strictObject({
  /** Platform the posts come from (telegram, facebook, x, tiktok, instagram, ...). */
  sourcePlatform: z.string().trim().min(1).max(64),
  collectionMethod: z.enum(COLLECTION_METHODS),
  /** Reference of the legal basis for the collection (statute, authorisation or order number). */
  legalBasis: z.string().trim().min(3).max(500),
  /** Who collected the posts (officer or tool account id; not a name). */
  collectedBy: z.string().trim().min(1).max(200),
  collectedAt: z.iso.datetime({ offset: true }),
  caseReference: z.string().trim().min(1).max(200).optional(),
  /** Name and version of the capture tool. */
  toolVersion: z.string().trim().max(200).optional(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const PostSchema = z.object({
  platform: z.string().trim().min(1).max(64),
  platformPostId: z.string().trim().min(1).max(200),
  /** Public URL of the post: proof of where it was seen. */
  url: z.url({ protocol: /^https?$/ }),
  authorHandle: z.string().trim().min(1).max(300),
  text: z.string().min(1).max(100_000).refine((t) => /[\p{L}\p{N}\p{S}]/u.test(t), 'text has no letters, digits or symbols (only spaces or invisible characters)'),
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
