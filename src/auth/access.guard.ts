import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { POLICIES, type PolicySet } from '../config/config.module';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/errors';
import type { AccessResource } from '../policy/domain/cedar-pdp';
import { PrismaService } from '../prisma/prisma.service';
import { AmbiguousKeyError, extractApiKey } from './domain/api-key';
import { ACCESS_ACTION, ACCESS_RESOURCE, PUBLIC_ROUTE, type ResourceRef } from './access.decorator';
import { PrincipalRepository } from './principal.repository';
import { ResourceResolver } from './resource-resolver';
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

/**
 * The one global guard: authenticates the API key, asks the Cedar policy whether the principal may
 * perform the route's action on its resource with the declared purpose and case (deny by default;
 * a route with no declared action is refused), and records every decision, allow or deny, with the
 * determining policy ids and the policy-set version, before the handler runs.
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
      const reason = key ? 'unknown or revoked API key' : 'no API key (Authorization: Bearer <key> or X-Api-Key)';
      await this.audit.appendAlone([{ ...base, action: action ?? 'unknown', outcome: 'deny', reason, resourceType: 'route', resourceId: route }]);
      throw new DomainError('AUTH.UNAUTHENTICATED', 'unauthenticated', reason);
    }
    const actor = { actorId: principal.id, actorRole: principal.role, unit: principal.unit };
    if (!action) {
      const reason = 'route declares no access action (deny by default)';
      await this.audit.appendAlone([{ ...base, ...actor, action: 'unknown', outcome: 'deny', reason, resourceType: 'route', resourceId: route }]);
      throw new DomainError('AUTH.NO_ACTION', 'forbidden', reason);
    }
    let resource: AccessResource = { type: 'Service' };
    let notFound = false;
    if (ref) {
      const id = String(req.params[ref.param] ?? '').slice(0, 64);
      const found = await this.resources.resolve(ref, id);
      // Unknown id: decide as if it belonged to the caller's unit, so a role that may never read such
      // objects gets 403 (not a hint of existence) and one that may gets the handler's 400/404.
      notFound = !found;
      resource = found ?? (ref.type === 'Flag' ? { type: 'Flag', id, unit: principal.unit, status: 'pending' }
        : ref.type === 'RevealRequest' ? { type: 'RevealRequest', id, unit: principal.unit, requesterId: principal.id, status: 'approved' }
          : { type: 'Batch', id, unit: principal.unit });
    }
    const d = this.policies.access.decide(principal, action, resource, { ...(purpose ? { purpose } : {}), ...(caseReference ? { caseReference } : {}) });
    await this.audit.appendAlone([{
      ...base, ...actor, action, outcome: d.allow ? 'allow' : 'deny',
      reason: `${d.reason}${d.errors.length ? `: ${d.errors.join('; ')}` : ''}${notFound ? ' (no such object)' : ''}`,
      policyIds: d.policyIds, resourceType: resource.type === 'Service' ? 'route' : resource.type.toLowerCase(), resourceId: resource.type === 'Service' ? route : resource.id,
    }]);
    if (!d.allow) {
      throw new DomainError('AUTH.FORBIDDEN', 'forbidden', d.reason, { policyIds: d.policyIds, ...(d.missing.length ? { missing: d.missing } : {}) });
    }
    req.ctx = { requestId, principal, action, purpose, caseReference };
    return true;
  }
}
