import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_ACTION, PUBLIC_ROUTE } from '../../src/auth/access.decorator';
import { defaultPoliciesDir, loadPolicySet } from '../../src/policy/policy-loader';

/**
 * Every HTTP route must name an access-policy action (or be explicitly public): the global guard
 * refuses routes without one, so a missing or misspelt action is an outage or a hole. Read from the
 * decorators' metadata, without starting Nest or a database.
 */

const SRC = join(__dirname, '..', '..', 'src');

interface Route {
  file: string;
  controller: string;
  handler: string;
  method: string;
  path: string;
  action: string | undefined;
  isPublic: boolean;
}

function findControllers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : findControllers(p);
    return e.name.endsWith('.controller.ts') ? [p] : [];
  });
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v ?? '/')]);

function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function routesOf(file: string): Route[] {
  const exported = require(file) as Record<string, unknown>;
  const controllers = Object.values(exported).filter(
    (v): v is abstract new (...args: never[]) => unknown => typeof v === 'function' && Reflect.hasMetadata(PATH_METADATA, v),
  );
  return controllers.flatMap((cls) => {
    const proto = cls.prototype as Record<string, unknown>;
    const classAction = Reflect.getMetadata(ACCESS_ACTION, cls) as string | undefined;
    const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, cls) === true;
    return Object.getOwnPropertyNames(proto)
      .filter((name) => name !== 'constructor' && typeof proto[name] === 'function')
      .map((name) => ({ name, fn: proto[name] as object }))
      .filter(({ fn }) => Reflect.hasMetadata(METHOD_METADATA, fn))
      .flatMap(({ name, fn }) => {
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        return asList(Reflect.getMetadata(PATH_METADATA, cls)).flatMap((prefix) =>
          asList(Reflect.getMetadata(PATH_METADATA, fn)).map((path) => ({
            file: relative(SRC, file),
            controller: cls.name,
            handler: name,
            method,
            path: joinPath(prefix, path),
            action: (Reflect.getMetadata(ACCESS_ACTION, fn) as string | undefined) ?? classAction,
            isPublic: Reflect.getMetadata(PUBLIC_ROUTE, fn) === true || classPublic,
          })),
        );
      });
  });
}

const files = findControllers(SRC);
const routes = files.flatMap(routesOf);
const actions = [...loadPolicySet(defaultPoliciesDir()).access.actions];
const label = (r: Route) => `${r.method} ${r.path} (${r.controller}.${r.handler} in ${r.file})`;

describe('HTTP routes and the access policy', () => {
  it('finds the controllers and their routes', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(new Set(routes.map((r) => r.file)).size).toBe(files.length); // every controller file has a route
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /health', 'POST /v1/ingest/batches', 'GET /v1/flags/:id', 'GET /v1/audit/verify']),
    );
  });

  it('has no two handlers on the same method and path', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('gives every route an access action or an explicit public mark', () => {
    expect(routes.filter((r) => !r.action && !r.isPublic).map(label)).toEqual([]);
  });

  it('names only actions that exist in the Cedar schema', () => {
    expect(routes.filter((r) => r.action && !actions.includes(r.action)).map((r) => `${label(r)}: ${r.action}`)).toEqual([]);
  });

  it('does not mark a route both public and with an action', () => {
    expect(routes.filter((r) => r.action && r.isPublic).map(label)).toEqual([]);
  });

  it('makes only /health public', () => {
    expect(routes.filter((r) => r.isPublic).map((r) => r.path)).toEqual(['/health']);
  });
});
