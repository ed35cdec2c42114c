import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { POLICIES, type PolicySet } from '../config/config.module';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/errors';
import type { AccessDecision, AccessResource } from '../policy/domain/cedar-pdp';
import { PrismaService } from '../prisma/prisma.service';
import { AmbiguousKeyError, extractApiKey } from './domain/api-key';
import { ACCESS_ACTION, ACCESS_RESOURCE, PUBLIC_ROUTE, type ResourceRef } from './access.decorator';
import { PrincipalRepository } from './principal.repository';
import { ResourceResolver, UNIT_SCOPED_ROLES, inNeededState, isUuid, notFound, revealStateConflict, standIn } from './resource-resolver';
import type { AppRequest } from './request-context';

/** Purposes and case references are identifiers: printable ASCII, at most 128 characters. */
const DECLARED = /^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$/;

/** A declared header, or null when absent. @throws DomainError (400) when present but malformed */
function declared(req: AppRequest, name: string): string | null {
  const v = req.headers[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  if (!s) return null;
  if (!DECLARED.test(s)) {
    throw new DomainError('AUTH.BAD_HEADER', 'invalid', `${name} must be printable ASCII of 1 to 128 characters`, { header: name });
  }
  return s;
}

/** Why a request with this key (or none) is not authenticated: the message of the 401. */
export function unauthenticatedReason(key: string | null): string {
  return key ? 'unknown or revoked API key' : 'no API key (Authorization: Bearer <key> or X-Api-Key)';
}

/** The 403 for a denied decision: its reason, determining policies and missing headers. */
function forbidden(d: AccessDecision): DomainError {
  return new DomainError('AUTH.FORBIDDEN', 'forbidden', d.reason, { policyIds: d.policyIds, ...(d.missing.length ? { missing: d.missing } : {}) });
}

/**
 * The one global guard: authenticates the API key, asks the Cedar policy whether the principal may
 * perform the route's action on its resource with the declared purpose and case (deny by default;
 * a route with no declared action is refused), and records every decision, allow or deny, with the
 * determining policy ids and the policy-set version, before the handler runs.
 *
 * For a route on one stored object it answers, audited as a deny each time: 400 for a malformed id;
 * 404 for an unknown id, and (for unit-scoped roles) for another unit's object, when the caller
 * could act on such an object of their own unit, else the same 403 as for their own; 409 when the
 * policy refuses only the object's state (a reveal request already decided or read); 403 otherwise.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly principals: PrincipalRepository;
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
    private readonly resources: ResourceResolver,
    @Inject(POLICIES) private readonly policies: PolicySet,
    prisma: PrismaService,
  ) {
    this.principals = new PrincipalRepository(prisma);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AppRequest>();
    const action = this.reflector.getAllAndOverride<string | undefined>(ACCESS_ACTION, targets);
    const ref = this.reflector.getAllAndOverride<ResourceRef | undefined>(ACCESS_RESOURCE, targets);
    const requestId = req.requestId ?? 'none';
    const purpose = declared(req, 'x-purpose');
    const caseReference = declared(req, 'x-case-reference');
    const route = `${req.method} ${req.route?.path ?? req.path}`;
    const base = { purpose, caseReference, requestId, policyVersion: this.policies.version };

    let key: string | null;
    try {
      key = extractApiKey(req.headers);
    } catch (e) {
      if (!(e instanceof AmbiguousKeyError)) throw e;
      await this.audit.appendAlone([{ ...base, action: action ?? 'unknown', outcome: 'deny', reason: e.message, resourceType: 'route', resourceId: route }]);
      throw new DomainError('AUTH.AMBIGUOUS_KEY', 'invalid', e.message);
    }
    const principal = key ? await this.principals.findByKey(key) : null;
    if (!principal) {
      const reason = unauthenticatedReason(key);
      await this.audit.appendAlone([{ ...base, action: action ?? 'unknown', outcome: 'deny', reason, resourceType: 'route', resourceId: route }]);
      throw new DomainError('AUTH.UNAUTHENTICATED', 'unauthenticated', reason);
    }
    const actor = { actorId: principal.id, actorRole: principal.role, unit: principal.unit };
    if (!action) {
      const reason = 'route declares no access action (deny by default)';
      await this.audit.appendAlone([{ ...base, ...actor, action: 'unknown', outcome: 'deny', reason, resourceType: 'route', resourceId: route }]);
      throw new DomainError('AUTH.NO_ACTION', 'forbidden', reason);
    }
    const decide = (r: AccessResource) => this.policies.access.decide(principal, action, r, { ...(purpose ? { purpose } : {}), ...(caseReference ? { caseReference } : {}) });
    const record = (outcome: 'allow' | 'deny', resource: AccessResource, reason: string, policyIds: string[]) => this.audit.appendAlone([{
      ...base, ...actor, action, outcome, reason, policyIds,
      resourceType: resource.type === 'Service' ? 'route' : resource.type.toLowerCase(), resourceId: resource.type === 'Service' ? route : resource.id,
    }]);
    const why = (d: AccessDecision) => `${d.reason}${d.errors.length ? `: ${d.errors.join('; ')}` : ''}`;

    if (!ref) {
      const d = decide({ type: 'Service' });
      await record(d.allow ? 'allow' : 'deny', { type: 'Service' }, why(d), d.policyIds);
      if (!d.allow) throw forbidden(d);
    } else {
      const raw = String(req.params[ref.param] ?? '');
      if (!isUuid(raw)) {
        await record('deny', { type: 'Service' }, `path parameter "${ref.param}" is not a UUID (${raw.slice(0, 64)})`, []);
        throw new DomainError('HTTP.BAD_ID', 'invalid', `path parameter "${ref.param}" must be a UUID`, { param: ref.param });
      }
      const found = await this.resources.resolve(ref, raw);
      // What the caller would get for an object of their own unit in the state the action needs: the
      // answer for an unknown id, and, for unit-scoped roles, for another unit's object (no probing).
      const stand = standIn(ref.type, raw, principal, action);
      const d = decide(found ?? stand);
      let refusal: DomainError | null = null;
      let reason = why(d);
      if (!found) {
        refusal = d.allow ? notFound(ref.type, raw) : forbidden(d);
        reason = d.allow ? 'no such object' : `${reason} (no such object)`;
      } else if (!d.allow && UNIT_SCOPED_ROLES.has(principal.role) && 'unit' in found && found.unit !== principal.unit) {
        const s = decide(stand);
        refusal = s.allow ? notFound(ref.type, raw) : forbidden(s);
        reason = `${reason} (another unit's object: answered as for an unknown id)`;
      } else if (!d.allow) {
        // Denied only because of the object's state (the policy would allow it in the state the action
        // needs): a 409 naming the state, not a 403 about the caller's role.
        const needed = inNeededState(found, action);
        refusal = needed && found.type === 'RevealRequest' && decide(needed).allow ? revealStateConflict(found.status, action) : forbidden(d);
        if (refusal.kind === 'conflict') reason = `${reason} (${refusal.message})`;
      }
      await record(refusal ? 'deny' : 'allow', found ?? stand, reason, refusal && d.allow ? [] : d.policyIds);
      if (refusal) throw refusal;
    }
    req.ctx = { requestId, principal, action, purpose, caseReference };
    return true;
  }
}
