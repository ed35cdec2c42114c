/**
 * Access decisions (v1): role-based with purpose limitation, deny by default.
 * Pure function of the policy and the request; no I/O.
 */
import type { AccessPolicy, RoleName } from './policy.schema';

export interface AccessRequest {
  action: string;
  role: RoleName;
  purpose: string | null;
  caseReference: string | null;
}
export interface AccessDecision {
  allow: boolean;
  /** Why: the policy rule that decided, or what was missing. */
  reason: string;
  /** Request headers the caller must add to be allowed, when that is what is missing. */
  missing?: string[];
}

/**
 * Decides one request. Unknown actions, roles not listed for the action, a missing or unaccepted
 * purpose and a missing case reference are all denials.
 */
export function evaluateAccess(policy: AccessPolicy, req: AccessRequest): AccessDecision {
  const rule = Object.hasOwn(policy.actions, req.action) ? policy.actions[req.action] : undefined;
  if (!rule) return { allow: false, reason: `action "${req.action}" is not in the access policy (deny by default)` };
  if (!rule.roles.includes(req.role)) {
    return { allow: false, reason: `role "${req.role}" may not perform ${req.action}` };
  }
  const missing: string[] = [];
  if (rule.requiresPurpose && !req.purpose) missing.push('X-Purpose');
  if (rule.requiresCase && !req.caseReference) missing.push('X-Case-Reference');
  if (missing.length) {
    return { allow: false, reason: `${req.action} requires ${missing.join(' and ')} (purpose limitation)`, missing };
  }
  if (req.purpose && !Object.hasOwn(policy.purposes, req.purpose)) {
    return { allow: false, reason: `unknown purpose "${req.purpose}"; declared purposes: ${Object.keys(policy.purposes).join(', ')}` };
  }
  if (req.purpose && rule.purposes && !rule.purposes.includes(req.purpose)) {
    return { allow: false, reason: `purpose "${req.purpose}" does not cover ${req.action}; accepted: ${rule.purposes.join(', ')}` };
  }
  return { allow: true, reason: `access.yaml actions.${req.action} allows role ${req.role}` };
}
