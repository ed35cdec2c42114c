import type { NextFunction, Response } from 'express';
import type { AuditRepository } from '../audit/audit.repository';
import type { PolicySet } from '../policy/policy-loader';
import { unauthenticatedReason } from './access.guard';
import { AmbiguousKeyError, extractApiKey } from './domain/api-key';
import type { PrincipalRepository } from './principal.repository';
import type { AppRequest } from './request-context';

/** A route whose body may be large: its method, path and access action (recorded with the denial). */
export interface LargeBodyRoute {
  method: string;
  path: string;
  action: string;
}

/**
 * Express middleware, mounted before the body parsers, for the routes that accept large bodies (ingest,
 * candidate rulesets, labelled evaluation sets): refuses a request without a valid API key with the
 * guard's 401 BEFORE the body is read, and audits the denial as the guard would. Without it an oversized
 * anonymous request would get a 413 that no audit event records. Every other request, and every request
 * with a valid key, goes on to the body parser and the guard, which decides everything else.
 */
export function earlyAuthentication(principals: PrincipalRepository, audit: AuditRepository, policies: PolicySet, routes: readonly LargeBodyRoute[]) {
  return async (req: AppRequest, res: Response, next: NextFunction): Promise<void> => {
    const path = req.path.replace(/\/+$/, '');
    const action = routes.find((r) => r.method === req.method && r.path === path)?.action;
    if (!action) return next();
    try {
      let key: string | null;
      try {
        key = extractApiKey(req.headers);
      } catch (e) {
        if (e instanceof AmbiguousKeyError) return next(); // the guard answers and audits it
        throw e;
      }
      if (key && (await principals.findByKey(key))) return next();
      const reason = unauthenticatedReason(key);
      const route = `${req.method} ${path}`;
      await audit.appendAlone([{ action, outcome: 'deny', reason, resourceType: 'route', resourceId: route, requestId: req.requestId ?? null, policyVersion: policies.version }]);
      res.setHeader('Connection', 'close'); // the unread body is not drained
      res.status(401).json({ statusCode: 401, code: 'AUTH.UNAUTHENTICATED', message: reason, requestId: req.requestId ?? null });
    } catch (e) {
      next(e);
    }
  };
}
