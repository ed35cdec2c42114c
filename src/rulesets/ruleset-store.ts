/**
 * Ruleset versions and the shadow switch, as plain functions over a Prisma client (used by the API,
 * the worker and the CLI alike).
 *
 * A ruleset version is the SHA-256 of its rule files (see `rulesetVersion` in detection/domain/ruleset.ts).
 * Versions are stored once and never altered: `deployed` versions when a worker starts under files
 * from `policies/detection/`, `proposed` versions when an analyst submits candidate files. At most one
 * version is the **shadow**: workers score every new post with it too and keep that verdict apart
 * (shadow_classification), raising no flag.
 */
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { parseRuleset, RulesetError, type RuleFile, type Ruleset } from '../detection/domain/ruleset';
import { createDetector, type Detector, type Thresholds } from '../detection/domain/pipeline';
import type { LinearModel } from '../detection/domain/model';
import { DomainError } from '../common/errors';
import { checkRuleExamples, describeExampleFailure } from './rule-examples';

type Db = PrismaClient | Prisma.TransactionClient;

/** system_setting key of the shadow switch; value `{ version, setBy, setAt }` or null (no shadow). */
export const SHADOW_SETTING = 'ruleset.shadow';

/** A ruleset version in requests: the SHA-256 (hex) of its files. */
export const RULESET_VERSION = z.string().regex(/^[0-9a-f]{64}$/, 'a ruleset version is 64 lowercase hex characters (SHA-256)');

/**
 * Checks a version given outside a body (a path or query parameter).
 * @returns the version
 * @throws DomainError('RULESET.BAD_VERSION') 400 naming `name`
 */
export function checkVersion(value: unknown, name: string): string {
  if (typeof value === 'string' && RULESET_VERSION.safeParse(value).success) return value;
  throw new DomainError('RULESET.BAD_VERSION', 'invalid', `${name}: "${String(value).slice(0, 80)}" is not a ruleset version (64 lowercase hex characters, a SHA-256)`);
}

/** A rule file name as stored in a version: a plain `*.yaml` name, no folders. */
export const RULE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.yaml$/;

export interface ShadowState {
  version: string;
  setBy: string;
  setAt: string;
}

/**
 * Parses candidate files into a ruleset (the same validation as start-up: zod schema, re2js regexes,
 * inline examples that must and must not match).
 * Unless `checkExamples` is false (stored versions, already checked when proposed), every inline
 * example must hold (see rule-examples.ts).
 * @throws DomainError('RULESET.INVALID', 'invalid') naming the file, line and reason;
 *   DomainError('RULESET.EXAMPLES_FAIL', 'invalid') listing the examples that fail
 */
export function parseCandidateFiles(files: readonly RuleFile[], options: { checkExamples?: boolean } = {}): Ruleset {
  const bad = files.find((f) => !RULE_FILE_NAME.test(f.path));
  if (bad) throw new DomainError('RULESET.INVALID', 'invalid', `files: "${bad.path}" is not a plain *.yaml file name`);
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new DomainError('RULESET.INVALID', 'invalid', `files: "${f.path}" appears twice`);
    seen.add(f.path);
  }
  let ruleset: Ruleset;
  try {
    ruleset = parseRuleset([...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  } catch (e) {
    if (e instanceof RulesetError) throw new DomainError('RULESET.INVALID', 'invalid', e.message, { file: e.file, line: e.line, reason: e.reason });
    throw e;
  }
  if (options.checkExamples !== false) {
    const failures = checkRuleExamples(ruleset);
    if (failures.length) {
      const first = failures[0]!;
      throw new DomainError('RULESET.EXAMPLES_FAIL', 'invalid', `${failures.length} inline example(s) fail: ${failures.slice(0, 5).map(describeExampleFailure).join('; ')}`, {
        file: first.file, line: first.line, failures,
      });
    }
  }
  return ruleset;
}

/**
 * Stores a version unless it is already stored (versions are immutable: the first record of a hash stands).
 * @returns whether this call created the record
 */
export async function recordRulesetVersion(
  db: Db,
  ruleset: { version: string; ruleCount: number },
  files: readonly RuleFile[],
  meta: { origin: 'deployed' | 'proposed'; createdById: string; note?: string | null },
): Promise<boolean> {
  const r = await db.rulesetVersion.createMany({
    data: [{
      version: ruleset.version,
      files: [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ path: f.path, content: f.content })),
      ruleCount: ruleset.ruleCount,
      origin: meta.origin,
      note: meta.note ?? null,
      createdById: meta.createdById,
    }],
    skipDuplicates: true,
  });
  return r.count === 1;
}

/** The stored files of a version, or null when it is not stored. */
export async function rulesetFiles(db: Db, version: string): Promise<RuleFile[] | null> {
  const row = await db.rulesetVersion.findUnique({ where: { version }, select: { files: true } });
  return row ? (row.files as unknown as RuleFile[]) : null;
}

/** The current shadow, or null. */
export async function readShadow(db: Db): Promise<ShadowState | null> {
  const s = await db.systemSetting.findUnique({ where: { key: SHADOW_SETTING } });
  const v = s?.value as Partial<ShadowState> | null | undefined;
  return v && typeof v.version === 'string' ? { version: v.version, setBy: String(v.setBy), setAt: String(v.setAt) } : null;
}

/** Sets (version) or clears (null) the shadow. Callers audit the change in the same transaction. */
export async function writeShadow(db: Db, state: ShadowState | null, by: string): Promise<void> {
  const value = (state ?? null) as unknown as Prisma.InputJsonValue;
  await db.systemSetting.upsert({ where: { key: SHADOW_SETTING }, update: { value, updatedBy: by }, create: { key: SHADOW_SETTING, value, updatedBy: by } });
}

/** A detector built from a stored version, with the live thresholds and model. */
export interface VersionedDetector {
  version: string;
  modelVersion: string;
  detector: Detector;
}

/**
 * Builds and caches detectors for stored ruleset versions (at most `max`, least recently used dropped).
 * The live version is served from the detector the process already has.
 */
export class RulesetDetectors {
  private readonly cache = new Map<string, VersionedDetector>();

  constructor(
    private readonly thresholds: Thresholds,
    private readonly model: LinearModel,
    private readonly live: VersionedDetector | null = null,
    private readonly max = 4,
  ) {}

  /**
   * @returns the detector of `version`, or null when that version is not stored
   * @throws DomainError('RULESET.INVALID') when stored files no longer parse (e.g. after a pipeline change)
   */
  async get(db: Db, version: string): Promise<VersionedDetector | null> {
    if (this.live?.version === version) return this.live;
    const hit = this.cache.get(version);
    if (hit) {
      this.cache.delete(version);
      this.cache.set(version, hit);
      return hit;
    }
    const files = await rulesetFiles(db, version);
    if (!files) return null;
    const ruleset = parseCandidateFiles(files, { checkExamples: false });
    const d: VersionedDetector = { version, modelVersion: this.model.version, detector: createDetector(ruleset, this.thresholds, { model: this.model }) };
    this.cache.set(version, d);
    while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return d;
  }
}
