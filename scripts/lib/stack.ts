/**
 * Starts and stops the service for the demo and the benchmark: a database made afresh for the run,
 * a Redis key prefix of its own, the API and worker processes from `dist/`, and API keys.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrincipalRepository } from '../../src/auth/principal.repository';
import { PrismaClient } from '../../src/generated/prisma/client';
import { ensureDatabase } from '../../src/prisma/database';
import { applyMigrations } from '../../src/prisma/schema-engine';
import { deleteKeysWithPrefix } from '../../src/queue/redis';
import type { RoleName } from '../../src/policy/domain/policy.schema';

export const ROOT = join(__dirname, '..', '..');

export interface Stack {
  env: NodeJS.ProcessEnv;
  baseUrl: string;
  prisma: PrismaClient;
  api: ChildProcess;
  workers: ChildProcess[];
  key(role: RoleName, name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Drops and re-creates `dbName` on the server of `baseUrl` (a database owned by the demo or benchmark only). */
async function freshDatabase(baseUrl: string, dbName: string): Promise<string> {
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await c.end();
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  await ensureDatabase(url.toString());
  return url.toString();
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms\n${err}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      const m = pattern.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? m[0]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}: ${err.trim()}`));
    });
  });
}

/**
 * Builds must be current (`npm run build`). Starts one API and `workers` worker processes.
 * @param dbName database to drop and re-create for this run
 */
export async function startStack(opts: { dbName: string; prefix: string; workers: number; extraEnv?: NodeJS.ProcessEnv }): Promise<Stack> {
  if (!readFileSync(join(ROOT, 'dist', 'main.js'), 'utf8')) throw new Error('dist/main.js missing: run npm run build');
  const baseDb = process.env.DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const databaseUrl = await freshDatabase(baseDb, opts.dbName);
  await applyMigrations(databaseUrl);
  await deleteKeysWithPrefix(redisUrl, opts.prefix);
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: opts.prefix, PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', NODE_ENV: 'development', ...opts.extraEnv,
  };
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await prisma.$disconnect();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const api = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(api);
    const port = await waitForLine(api, /"api listening","port":(\d+)/, 'API');
    const workers: ChildProcess[] = [];
    for (let i = 0; i < opts.workers; i++) {
      // WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the workers.
      const nodeArgs = (process.env.WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
      const w = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'worker.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(w);
      workers.push(w);
    }
    await Promise.all(workers.map((w, i) => waitForLine(w, /"worker ready"/, `worker ${i + 1}`)));
    const principals = new PrincipalRepository(prisma);
    return {
      env, baseUrl: `http://127.0.0.1:${port}`, prisma, api, workers, stop,
      key: async (role, name) => (await principals.createKey(name, role, 'demo-unit')).key,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Peak resident set size (VmHWM) of a live process, in MiB (Linux /proc). */
export function peakRssMiB(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
