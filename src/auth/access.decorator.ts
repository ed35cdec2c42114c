import { SetMetadata } from '@nestjs/common';

export const ACCESS_ACTION = 'access:action';
export const PUBLIC_ROUTE = 'access:public';

/** Names the access-policy action a route performs; the global guard refuses routes without one. */
export const Access = (action: string) => SetMetadata(ACCESS_ACTION, action);

/** Marks a route that needs no key (liveness/readiness probes only). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
