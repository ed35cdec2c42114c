import { SetMetadata } from '@nestjs/common';

export const ACCESS_ACTION = 'access:action';
export const ACCESS_RESOURCE = 'access:resource';
export const PUBLIC_ROUTE = 'access:public';

/** A route's resource when it is one stored object: its entity type and the route parameter holding its id. */
export interface ResourceRef {
  type: 'Batch' | 'Flag' | 'RevealRequest';
  param: string;
}

/**
 * Names the Cedar action a route performs (and, for one stored object, where its id is). The global
 * guard refuses routes without one.
 */
export const Access = (action: string, resource?: ResourceRef) => (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
  SetMetadata(ACCESS_ACTION, action)(target, key!, descriptor!);
  if (resource) SetMetadata(ACCESS_RESOURCE, resource)(target, key!, descriptor!);
};

/** Marks a route that needs no key (liveness/readiness probes only). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
