import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { POLICIES, type PolicySet } from '../config/config.module';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/errors';
import { PrismaService } from '../prisma/prisma.service';
import { evaluateAccess } from '../policy/domain/evaluate';
import { extractApiKey } from './domain/api-key';
import { ACCESS_ACTION, PUBLIC_ROUTE } from './access.decorator';
import { PrincipalRepository } from './principal.repository';
import type { AppRequest } from './request-context';

function header(req: AppRequest, name: string): string | null {
  const v = req.headers[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s.slice(0, 200) : null;
}

/**
 * The one global guard: authenticates the API key, decides the route's action under the access
 * policy (deny by default; a route with no declared action is refused), and records every decision,
 * allow or deny, in the audit log before the handler runs.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly principals: PrincipalRepository;
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
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
    const requestId = req.requestId ?? 'none';
    const resource = { resourceType: 'route', resourceId: `${req.method} ${req.route?.path ?? req.path}` };
    const purpose = header(req, 'x-purpose');
    const caseReference = header(req, 'x-case-reference');
    const base = { ...resource, purpose, caseReference, requestId, policyVersion: this.policies.version };

    const key = extractApiKey(req.headers);
    const principal = key ? await this.principals.findByKey(key) : null;
    if (!principal) {
      const reason = key ? 'unknown or revoked API key' : 'no API key (Authorization: Bearer <key> or X-Api-Key)';
      await this.audit.appendAlone([{ ...base, action: action ?? 'unknown', outcome: 'deny', reason }]);
      throw new DomainError('AUTH.UNAUTHENTICATED', 'unauthenticated', reason);
    }
    const actor = { actorId: principal.id, actorRole: principal.role, unit: principal.unit };
    if (!action) {
      const reason = 'route declares no access action (deny by default)';
      await this.audit.appendAlone([{ ...base, ...actor, action: 'unknown', outcome: 'deny', reason }]);
      throw new DomainError('AUTH.NO_ACTION', 'forbidden', reason);
    }
    const decision = evaluateAccess(this.policies.access, { action, role: principal.role, purpose, caseReference });
    await this.audit.appendAlone([{ ...base, ...actor, action, outcome: decision.allow ? 'allow' : 'deny', reason: decision.reason }]);
    if (!decision.allow) {
      throw new DomainError('AUTH.FORBIDDEN', 'forbidden', decision.reason, decision.missing ? { missing: decision.missing } : undefined);
    }
    req.ctx = { requestId, principal, action, purpose, caseReference };
    return true;
  }
}
