/**
 * The access policy decision point: Cedar policies (`policies/access/*.cedar`) validated in strict
 * mode against `schema.cedarschema`, evaluated in-process with `@cedar-policy/cedar-wasm`.
 *
 * Fail closed, everywhere:
 * - loading throws on any parse error, validation error or warning, a policy without `@id`, or a
 *   duplicate `@id` (Cedar's `validate()` answers "success" while listing errors, so they are checked);
 * - a decision that reports evaluation errors is a deny, since Cedar skips an erroring policy and a
 *   broken `forbid` would otherwise fail open;
 * - a request that does not match the schema (unknown action, wrong context type) is a deny.
 *
 * Decisions cost about 0.1 ms (policies and schema are pre-parsed once per process).
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

export const NAMESPACE = 'Smugwatch';

export interface PolicySourceFile {
  path: string;
  text: string;
}

/** A policy or schema file that cannot be used; `line` is 1-based where known. */
export class PolicyLoadError extends Error {
  constructor(readonly file: string, readonly line: number | null, readonly reason: string) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
  }
}

export interface AccessPrincipal {
  id: string;
  role: string;
  unit: string;
}
export type AccessResource =
  | { type: 'Service' }
  | { type: 'Batch'; id: string; unit: string }
  | { type: 'Flag'; id: string; unit: string; status: string }
  | { type: 'RevealRequest'; id: string; unit: string; requesterId: string; status: string };
export interface AccessContext {
  purpose?: string;
  caseReference?: string;
}
export interface AccessDecision {
  allow: boolean;
  /** Ids (`@id`) of the policies that determined the decision: the permits for an allow, the forbids for a deny. */
  policyIds: string[];
  /** Why, for people: the determining forbids' `@message`, or the permits' ids, or "no policy permits". */
  reason: string;
  /** Request headers whose absence caused the deny (from the forbids' `@missing`). */
  missing: string[];
  /** Evaluation or request-validation errors (each forces a deny). */
  errors: string[];
}

interface LoadedPolicy {
  id: string;
  text: string;
  file: string;
  line: number;
  annotations: Record<string, string>;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function firstError(errors: { message: string; sourceLocations?: { start: number }[] }[]): { message: string; offset: number | null } {
  const e = errors[0];
  return { message: e?.message ?? 'unknown error', offset: e?.sourceLocations?.[0]?.start ?? null };
}

let instances = 0;

function resourceAttrs(r: AccessResource): Record<string, string> {
  const { type: _t, id: _i, ...attrs } = r as AccessResource & { id?: string };
  return attrs as Record<string, string>;
}

export class CedarPdp {
  private readonly setId: string;
  private readonly schemaName: string;
  private readonly byId: Map<string, LoadedPolicy>;

  private constructor(
    policies: LoadedPolicy[],
    /** Action names declared in the schema (e.g. `flags.read`). */
    readonly actions: ReadonlySet<string>,
  ) {
    this.byId = new Map(policies.map((p) => [p.id, p]));
    instances += 1;
    this.setId = `access-${instances}`;
    this.schemaName = `schema-${instances}`;
  }

  /** Ids of all loaded policies. */
  get policyIds(): string[] {
    return [...this.byId.keys()];
  }

  /**
   * Parses and validates the schema and policies, and pre-parses them for fast decisions.
   * @throws PolicyLoadError naming the file, line and reason of the first problem
   */
  static load(schemaFile: PolicySourceFile, policyFiles: readonly PolicySourceFile[]): CedarPdp {
    const schemaJson = cedar.schemaToJson(schemaFile.text);
    if (schemaJson.type === 'failure') {
      const e = firstError(schemaJson.errors);
      throw new PolicyLoadError(schemaFile.path, e.offset === null ? null : lineAt(schemaFile.text, e.offset), e.message);
    }
    if (schemaJson.warnings.length) throw new PolicyLoadError(schemaFile.path, null, `schema warning: ${schemaJson.warnings[0]!.message}`);
    const ns = schemaJson.json[NAMESPACE];
    if (!ns) throw new PolicyLoadError(schemaFile.path, null, `schema must declare namespace ${NAMESPACE}`);
    const actions = new Set(Object.keys(ns.actions ?? {}));

    const policies: LoadedPolicy[] = [];
    for (const f of policyFiles) {
      const parts = cedar.policySetTextToParts(f.text);
      if (parts.type === 'failure') {
        const e = firstError(parts.errors);
        throw new PolicyLoadError(f.path, e.offset === null ? null : lineAt(f.text, e.offset), e.message);
      }
      if (parts.policy_templates.length) throw new PolicyLoadError(f.path, null, 'policy templates are not used here; write static policies');
      let from = 0;
      for (const text of parts.policies) {
        const json = cedar.policyToJson(text);
        const at = f.text.indexOf(text.split('\n')[0]!, from);
        const line = lineAt(f.text, Math.max(0, at));
        from = at >= 0 ? at + 1 : from;
        if (json.type === 'failure') throw new PolicyLoadError(f.path, line, firstError(json.errors).message);
        const annotations = (json.json.annotations ?? {}) as Record<string, string>;
        const id = annotations.id;
        if (!id) throw new PolicyLoadError(f.path, line, 'every policy needs an @id("...") annotation');
        const dup = policies.find((p) => p.id === id);
        if (dup) throw new PolicyLoadError(f.path, line, `duplicate @id "${id}" (also ${dup.file}:${dup.line})`);
        policies.push({ id, text, file: f.path, line, annotations });
      }
    }
    if (!policies.length) throw new PolicyLoadError(policyFiles[0]?.path ?? '(none)', null, 'no access policies (refusing to run with none)');

    const staticPolicies = Object.fromEntries(policies.map((p) => [p.id, p.text]));
    const v = cedar.validate({ schema: schemaFile.text, policies: { staticPolicies }, validationSettings: { mode: 'strict' } });
    if (v.type === 'failure') throw new PolicyLoadError(schemaFile.path, null, firstError(v.errors).message);
    const problems = [...v.validationErrors, ...v.validationWarnings];
    if (problems.length) {
      const p = problems[0]!;
      const pol = policies.find((x) => x.id === p.policyId);
      const off = p.error.sourceLocations?.[0]?.start;
      const line = pol ? pol.line + (off !== undefined ? lineAt(pol.text, off) - 1 : 0) : null;
      throw new PolicyLoadError(pol?.file ?? schemaFile.path, line, `policy "${p.policyId}": ${p.error.message}${p.error.help ? ` (${p.error.help})` : ''}`);
    }
    if (v.otherWarnings.length) throw new PolicyLoadError(schemaFile.path, null, `validation warning: ${v.otherWarnings[0]!.message}`);

    const pdp = new CedarPdp(policies, actions);
    const a = cedar.preparsePolicySet(pdp.setId, { staticPolicies });
    const b = cedar.preparseSchema(pdp.schemaName, schemaFile.text);
    if (a.type === 'failure' || b.type === 'failure') throw new PolicyLoadError(schemaFile.path, null, 'pre-parsing the policy set failed');
    return pdp;
  }

  /** Decides one request. Never throws; anything unexpected is a deny with the error listed. */
  decide(principal: AccessPrincipal, action: string, resource: AccessResource, context: AccessContext): AccessDecision {
    const deny = (reason: string, errors: string[]): AccessDecision => ({ allow: false, policyIds: [], reason, missing: [], errors });
    if (!this.actions.has(action)) return deny(`action "${action}" is not in the access schema (deny by default)`, []);
    const T = (t: string) => `${NAMESPACE}::${t}`;
    const user = { type: T('User'), id: principal.id };
    const roleUid = { type: T('Role'), id: principal.role };
    const resUid = resource.type === 'Service' ? { type: T('Service'), id: 'smugwatch' } : { type: T(resource.type), id: resource.id };
    const entities: cedar.EntityJson[] = [
      { uid: user, attrs: { id: principal.id, role: principal.role, unit: principal.unit }, parents: [roleUid] },
      { uid: roleUid, attrs: {}, parents: [] },
      { uid: resUid, attrs: resourceAttrs(resource), parents: [] },
    ];
    const ctx: Record<string, string> = {};
    if (context.purpose) ctx.purpose = context.purpose;
    if (context.caseReference) ctx.caseReference = context.caseReference;
    let answer: cedar.AuthorizationAnswer;
    try {
      answer = cedar.statefulIsAuthorized({
        principal: user, action: { type: T('Action'), id: action }, resource: resUid, context: ctx, entities,
        preparsedPolicySetId: this.setId, preparsedSchemaName: this.schemaName, validateRequest: true,
      });
    } catch (e) {
      return deny('policy evaluation failed', [(e as Error).message]);
    }
    if (answer.type === 'failure') return deny('request does not match the access schema', answer.errors.map((e) => e.message));
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
    const ids = [...diagnostics.reason];
    if (errors.length) return { allow: false, policyIds: ids, reason: 'policy evaluation error (fail closed)', missing: [], errors };
    if (decision === 'allow') return { allow: true, policyIds: ids, reason: `permitted by ${ids.join(', ')}`, missing: [], errors: [] };
    const forbids = ids.map((id) => this.byId.get(id)).filter((p): p is LoadedPolicy => p !== undefined);
    const missing = [...new Set(forbids.map((p) => p.annotations.missing).filter((m): m is string => Boolean(m)))];
    const reason = forbids.length
      ? forbids.map((p) => p.annotations.message ?? `forbidden by ${p.id}`).join('; ')
      : `no policy permits role "${principal.role}" to perform ${action} on this resource`;
    return { allow: false, policyIds: ids, reason, missing, errors: [] };
  }
}
