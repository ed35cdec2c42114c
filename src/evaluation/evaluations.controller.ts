import { createHash } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { parseOrThrow } from '../common/validate';
import { storedText } from '../common/stored-text';
import { DETECTOR, RULESET_DETECTORS, type LoadedDetector } from '../detection/detector.provider';
import { PrismaService } from '../prisma/prisma.service';
import { compareVerdicts, limitChanges, verdictOf, type CompareRow } from './domain/compare';
import { RULESET_VERSION, type RulesetDetectors } from '../rulesets/ruleset-store';
import { DuplicateIds, hasText, LANG_CODE, LANG_CODE_MESSAGE } from './domain/dataset';
import { EvaluationAccumulator } from './domain/evaluate';
import { checkFailUnder, parseFailUnder } from './domain/fail-under';

/** Largest labelled set one request may carry (posts). */
export const MAX_EVALUATION_POSTS = 20_000;

const Body_ = z.strictObject({
  posts: z.array(z.strictObject({
    id: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
    text: z.string().max(100_000).refine(hasText, 'text is empty (nothing to classify)'),
    label: z.enum(['smuggling_ad', 'not_smuggling']),
    lang: z.string().regex(LANG_CODE, LANG_CODE_MESSAGE).optional(),
    kind: z.string().max(64).optional(),
  })).min(1).max(MAX_EVALUATION_POSTS).superRefine((posts, ctx) => {
    // a duplicate would be counted twice; `1` and `"1"` are the same id
    const ids = new DuplicateIds<number>();
    posts.forEach((p, i) => {
      const first = ids.firstSeen(p.id, i);
      if (first !== null) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id ${JSON.stringify(p.id)} (first at posts[${first}].id)`, input: p.id });
    });
  }),
  rulesetVersion: RULESET_VERSION.optional(),
  /** Also score the set with this version and compare verdicts (a = compareWith, b = rulesetVersion). */
  compareWith: RULESET_VERSION.optional(),
  prevalences: z.array(z.number()).min(1).max(10).optional(),
  failUnder: storedText().max(500).optional(),
});

/** Posts classified between two yields to the event loop (classifyMany runs them step by step). */
const EVALUATION_CHUNK = 250;

/**
 * Evaluations over the API (analysts): a labelled set in the body, scored by the live ruleset or a stored
 * version, with the live model and thresholds. The report is the same as `cli evaluate --json`. The posts
 * are not stored; the audit event records the dataset's SHA-256, its size, the versions and the figures.
 * With `compareWith`, the same set is also scored by that version and the verdicts compared (metric deltas and
 * every post whose verdict changes, with the rules that changed it), audited as a comparison.
 */
@Controller('v1/evaluations')
export class EvaluationsController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(DETECTOR) private readonly loaded: LoadedDetector,
    @Inject(RULESET_DETECTORS) private readonly detectors: RulesetDetectors,
  ) {}

  @Post()
  @HttpCode(200)
  @Access('evaluations.run')
  async run(@Body() body: unknown, @Req() req: AppRequest) {
    const b = parseOrThrow(Body_, body, 'EVALUATION.INVALID');
    const gate = b.failUnder === undefined ? null : parseFailUnder(b.failUnder);
    const version = b.rulesetVersion ?? this.loaded.rulesetVersion;
    const d = await this.detectors.get(this.prisma, version);
    if (!d) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `rulesetVersion: ${version} is not stored; propose it first`);
    const base = b.compareWith === undefined ? null : await this.detectors.get(this.prisma, b.compareWith);
    if (b.compareWith !== undefined && !base) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `compareWith: ${b.compareWith} is not stored; propose it first`);
    const acc = new EvaluationAccumulator({ prevalences: b.prevalences });
    const rows: CompareRow[] = [];
    for (let from = 0; from < b.posts.length; from += EVALUATION_CHUNK) {
      const chunk = b.posts.slice(from, from + EVALUATION_CHUNK);
      const texts = chunk.map((p) => p.text);
      const dets = d.detector.classifyMany(texts);
      const baseDets = base ? base.detector.classifyMany(texts) : null;
      chunk.forEach((p, k) => {
        const det = dets[k]!;
        acc.add(p, det);
        if (baseDets) rows.push({ id: p.id, lang: p.lang ?? det.language.code, kind: p.kind ?? null, label: p.label, a: verdictOf(baseDets[k]!), b: verdictOf(det) });
      });
      await yieldToLoop(); // keep the API answering other requests during a large set
    }
    const report = acc.report();
    const comparison = base
      ? limitChanges(compareVerdicts(rows, { a: { label: 'compareWith', rulesetVersion: base.version, modelVersion: base.modelVersion }, b: { label: 'evaluated', rulesetVersion: version, modelVersion: d.modelVersion } }), 500)
      : null;
    const failures = gate ? checkFailUnder(report, gate) : [];
    const datasetSha256 = createHash('sha256').update(JSON.stringify(b.posts)).digest('hex');
    await this.audit.appendAlone([{
      ...auditActor(req.ctx!), action: 'evaluation', outcome: 'success', resourceType: 'ruleset', resourceId: version, rulesetVersion: version, modelVersion: d.modelVersion,
      details: {
        datasetSha256, posts: report.posts, live: version === this.loaded.rulesetVersion,
        precision: report.overall.precision, recall: report.overall.recall, f1: report.overall.f1, fpr: report.overall.fpr,
        fprRatio: report.fairness.maxRatio ?? null, failUnder: b.failUnder ?? null, failed: failures.map((f) => f.name),
      },
    }, ...(comparison ? [{
      ...auditActor(req.ctx!), action: 'comparison', outcome: 'success' as const, resourceType: 'ruleset', resourceId: version, rulesetVersion: version, modelVersion: d.modelVersion,
      details: { kind: 'dataset', datasetSha256, against: comparison.a.rulesetVersion, posts: comparison.rows, changed: comparison.changesTotal, f1Delta: comparison.labelledMetrics.delta.f1 },
    }] : [])]);
    return { ...report, datasetSha256, failUnder: gate ? { spec: b.failUnder, passed: failures.length === 0, failures } : null, comparison };
  }
}
