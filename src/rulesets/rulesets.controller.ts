import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { parseOrThrow } from '../common/validate';
import { requiredText, storedText } from '../common/stored-text';
import { DETECTOR, RULESET_DETECTORS, type LoadedDetector } from '../detection/detector.provider';
import { compareVerdicts, limitChanges } from '../evaluation/domain/compare';
import { isoInstant, parseQuery, queryWindow } from '../common/query';
import { PrismaService } from '../prisma/prisma.service';
import { checkVersion, parseCandidateFiles, RULESET_VERSION, readShadow, recordRulesetVersion, rulesetFiles, writeShadow, type RulesetDetectors } from './ruleset-store';
import { diffRulesets } from './ruleset-diff';
import { liveRuleset, rulesetHistory } from './ruleset-history';
import { shadowVerdictRows } from './verdict-rows';

const ProposeBody = z.strictObject({
  basedOn: RULESET_VERSION.optional(),
  files: z.array(z.strictObject({ path: storedText().min(1).max(100), content: storedText().max(1_000_000).nullable() })).min(1).max(64),
  note: requiredText().min(1).max(500).optional(),
});

const ShadowBody = z.strictObject({ version: RULESET_VERSION });

const ReportQuery = z.strictObject({
  version: RULESET_VERSION.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int().min(0).max(10_000).default(500),
});

/**
 * Ruleset versions and the shadow run (analysts; history readable by auditors and supervisors).
 * Every proposal and every shadow switch is an audit event naming the analyst and the versions.
 */
@Controller('v1/rulesets')
export class RulesetsController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(DETECTOR) private readonly loaded: LoadedDetector,
    @Inject(RULESET_DETECTORS) private readonly detectors: RulesetDetectors,
  ) {}

  /** Versions (newest first), which one is live, the shadow, and the history of changes from the audit log. */
  @Get()
  @Access('rulesets.read')
  async list() {
    const [versions, live, shadow, history] = await Promise.all([
      this.prisma.rulesetVersion.findMany({ orderBy: { createdAt: 'desc' }, select: { version: true, origin: true, ruleCount: true, note: true, createdById: true, createdAt: true }, take: 500 }),
      liveRuleset(this.prisma, this.loaded.rulesetVersion),
      readShadow(this.prisma),
      rulesetHistory(this.prisma, 200),
    ]);
    return {
      live,
      shadow,
      versions: versions.map((v) => ({ ...v, live: v.version === live.version, shadow: v.version === shadow?.version })),
      history,
    };
  }

  @Get('shadow')
  @Access('rulesets.read')
  async shadow() {
    return { shadow: await readShadow(this.prisma) };
  }

  /**
   * What changed from `against` (default: the live version) to `:version`: files with a unified diff each,
   * and rules added, removed and changed with the fields that changed.
   */
  @Get(':version/diff')
  @Access('rulesets.read')
  async diff(@Param('version') version: string, @Query('against') against: string | undefined) {
    checkVersion(version, 'version (path)');
    const base = against === undefined ? this.loaded.rulesetVersion : checkVersion(against, 'against');
    const load = async (v: string, name: string) => {
      const files = await rulesetFiles(this.prisma, v);
      if (!files) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `${name}: ruleset version ${v} is not stored`);
      return { version: v, files, ruleset: parseCandidateFiles(files, { checkExamples: false }) };
    };
    return diffRulesets(await load(base, 'against'), await load(version, 'version'));
  }

  /** One version with its files. Rule files hold no personal data. */
  @Get(':version')
  @Access('rulesets.read')
  async one(@Param('version') version: string) {
    checkVersion(version, 'version (path)');
    const v = await this.prisma.rulesetVersion.findUnique({ where: { version } });
    if (!v) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `ruleset version ${version} is not stored`);
    return v;
  }

  /**
   * Proposes a candidate: the whole set of files, or changes to a stored version (`basedOn`; a file with
   * `content: null` is removed). The files are validated as at start-up, inline examples included.
   * 201 with the version (200 when that exact version was already stored).
   */
  @Post()
  @Access('rulesets.propose')
  async propose(@Body() body: unknown, @Req() req: AppRequest, @Res({ passthrough: true }) res: Response) {
    const b = parseOrThrow(ProposeBody, body, 'RULESET.INVALID');
    const seen = new Map<string, number>();
    for (const [i, f] of b.files.entries()) {
      const j = seen.get(f.path);
      if (j !== undefined) throw new DomainError('RULESET.INVALID', 'invalid', `files[${i}].path: "${f.path}" is already given at files[${j}]`);
      seen.set(f.path, i);
    }
    const files = new Map<string, string>();
    if (b.basedOn) {
      const base = await rulesetFiles(this.prisma, b.basedOn);
      if (!base) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `basedOn: ruleset version ${b.basedOn} is not stored`);
      for (const f of base) files.set(f.path, f.content);
    }
    for (const [i, f] of b.files.entries()) {
      if (f.content === null) {
        if (!b.basedOn) throw new DomainError('RULESET.INVALID', 'invalid', `files[${i}].content: null (remove a file) needs basedOn`);
        if (!files.delete(f.path)) throw new DomainError('RULESET.INVALID', 'invalid', `files[${i}].path: "${f.path}" is not in version ${b.basedOn}`);
      } else files.set(f.path, f.content);
    }
    const list = [...files].map(([path, content]) => ({ path, content }));
    if (!list.length) throw new DomainError('RULESET.INVALID', 'invalid', 'files: a ruleset needs at least one file');
    const ruleset = parseCandidateFiles(list);
    const ctx = req.ctx!;
    const created = await this.prisma.$transaction(async (tx) => {
      const isNew = await recordRulesetVersion(tx, { version: ruleset.version, ruleCount: ruleset.rules.length }, list, { origin: 'proposed', createdById: ctx.principal.id, note: b.note ?? null });
      await this.audit.append(tx, [{
        ...auditActor(ctx), action: 'ruleset.propose', outcome: 'success', resourceType: 'ruleset', resourceId: ruleset.version, rulesetVersion: ruleset.version,
        details: { basedOn: b.basedOn ?? null, changedFiles: b.files.map((f) => f.path), ruleCount: ruleset.rules.length, alreadyStored: !isNew, liveVersion: this.loaded.rulesetVersion },
      }]);
      return isNew;
    });
    res.status(created ? 201 : 200);
    return { version: ruleset.version, ruleCount: ruleset.rules.length, files: list.map((f) => f.path), created, live: ruleset.version === this.loaded.rulesetVersion };
  }

  /** Makes a stored version the shadow: workers score new posts with it too, apart, raising no flag. */
  @Put('shadow')
  @Access('rulesets.shadow')
  async startShadow(@Body() body: unknown, @Req() req: AppRequest) {
    const { version } = parseOrThrow(ShadowBody, body, 'RULESET.INVALID');
    if (version === this.loaded.rulesetVersion) throw new DomainError('RULESET.ALREADY_LIVE', 'invalid', `version: ${version} is the live ruleset; a shadow run compares a candidate with it`);
    const exists = await this.detectors.get(this.prisma, version); // also proves the stored files still parse
    if (!exists) throw new DomainError('RULESET.NOT_FOUND', 'not_found', `ruleset version ${version} is not stored; propose it first`);
    return this.switchShadow({ version, setBy: req.ctx!.principal.id, setAt: new Date().toISOString() }, req);
  }

  /** Stops the shadow run (results so far are kept for the report). */
  @Delete('shadow')
  @Access('rulesets.shadow')
  async stopShadow(@Req() req: AppRequest) {
    return this.switchShadow(null, req);
  }

  private async switchShadow(state: Awaited<ReturnType<typeof readShadow>>, req: AppRequest) {
    const ctx = req.ctx!;
    const previous = await this.prisma.$transaction(async (tx) => {
      const prev = await readShadow(tx);
      await writeShadow(tx, state, ctx.principal.id);
      await this.audit.append(tx, [{
        ...auditActor(ctx), action: 'ruleset.shadow', outcome: 'success', resourceType: 'ruleset', resourceId: state?.version ?? prev?.version ?? null,
        rulesetVersion: state?.version ?? prev?.version ?? null, modelVersion: this.loaded.modelVersion,
        details: { state: state ? 'started' : 'stopped', previousShadow: prev?.version ?? null, liveVersion: this.loaded.rulesetVersion },
      }]);
      return prev;
    });
    return { shadow: state, previousShadow: previous?.version ?? null, live: this.loaded.rulesetVersion };
  }

  /**
   * Shadow against live on the same posts: agreement, the posts where they differ (with the rules that
   * changed), and, on posts reviewers have decided, precision and recall of each. Defaults: the current
   * shadow, all time. `limit` caps the listed changes (counts cover all).
   */
  @Get('shadow/report')
  @Access('rulesets.report')
  async report(@Query() query: Record<string, unknown>, @Req() req: AppRequest) {
    const q = parseQuery(ReportQuery, query, 'REPORT.BAD_QUERY');
    const version = q.version ?? (await readShadow(this.prisma))?.version;
    if (!version) throw new DomainError('RULESET.NO_SHADOW', 'invalid', 'version: no shadow is running; name the version to report on');
    if (!(await this.prisma.rulesetVersion.findUnique({ where: { version }, select: { version: true } }))) {
      throw new DomainError('RULESET.NOT_FOUND', 'not_found', `version: ruleset version ${version} is not stored`);
    }
    const w = queryWindow(q.from, q.to, 'REPORT.BAD_QUERY');
    const from = w.from ?? new Date(0);
    const to = w.to ?? new Date(Date.now() + 1000);
    const { rows, withoutLive } = await shadowVerdictRows(this.prisma, version, from, to);
    const report = compareVerdicts(rows, { a: { label: 'live', rulesetVersion: this.loaded.rulesetVersion, modelVersion: this.loaded.modelVersion }, b: { label: 'shadow', rulesetVersion: version, modelVersion: this.loaded.modelVersion } });
    await this.audit.appendAlone([{
      ...auditActor(req.ctx!), action: 'comparison', outcome: 'success', resourceType: 'ruleset', resourceId: version, rulesetVersion: version, modelVersion: this.loaded.modelVersion,
      details: { kind: 'shadow', liveVersion: this.loaded.rulesetVersion, from: from.toISOString(), to: to.toISOString(), posts: report.rows, changed: report.changes.length, labelled: report.labelled },
    }]);
    return { ...limitChanges(report, q.limit), window: { from: from.toISOString(), to: to.toISOString() }, postsWithoutLive: withoutLive };
  }
}
