import type { Request } from 'express';
import type { Principal } from './principal.repository';

/** What the guard attaches to a request it lets through. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  action: string;
  purpose: string | null;
  caseReference: string | null;
}

export type AppRequest = Request & { ctx?: RequestContext; requestId?: string };

/** Audit fields common to every event recorded for this request. */
export function auditActor(ctx: RequestContext) {
  return {
    actorId: ctx.principal.id,
    actorRole: ctx.principal.role,
    unit: ctx.principal.unit,
    purpose: ctx.purpose,
    caseReference: ctx.caseReference,
    requestId: ctx.requestId,
  };
}
