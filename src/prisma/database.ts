/**
 * Database bootstrap helpers shared by the migration script, the CLI and the tests (plain TS).
 */
import pg from 'pg';
import { maskUrl } from '../config/env';

/** Thrown when PostgreSQL cannot be reached; the message is one line naming the masked URL. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach PostgreSQL at ${maskUrl(url)}: ${oneLine(cause)}`);
  }
}

/** The gist of a driver error on one line (Prisma wraps the driver's message in several lines). */
function oneLine(cause: unknown): string {
  const msg = cause instanceof Error ? cause.message : String(cause);
  const inner = /Message: `([^`]+)`/.exec(msg)?.[1];
  if (inner) return inner;
  return msg.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'unknown error';
}

/** Connects once and runs `SELECT 1`. @throws DatabaseUnreachableError (one line, password masked) */
export async function assertDatabaseReachable(url: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    if ((e as { code?: string }).code === '3D000') {
      throw new DatabaseUnreachableError(url, new Error(`${(e as Error).message}; run \`npm run db:migrate\` to create and migrate it`));
    }
    throw new DatabaseUnreachableError(url, e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database named in `url` when it does not exist, connecting to the server's
 * `postgres` database to do so.
 * @returns true when the database was created
 * @throws DatabaseUnreachableError when the server cannot be reached
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`refusing unusual database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new DatabaseUnreachableError(url, e);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } catch (e) {
    // Two processes may race to create it; the loser sees duplicate_database (42P04).
    if ((e as { code?: string }).code === '42P04') return false;
    throw e;
  } finally {
    await client.end();
  }
}

/**
 * Fails when migrations in `expected` are not all applied, so a process never runs against an
 * older schema. Skipped when the login role may not read `_prisma_migrations`.
 * @throws Error naming how many are pending and the command that applies them
 */
export async function assertMigrated(url: string, expected: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL');
    const applied = new Set(r.rows.map((x) => x.migration_name));
    const pending = expected.filter((m) => !applied.has(m));
    if (pending.length) throw new Error(`database ${maskUrl(url)} lacks ${pending.length} migration(s) (${pending.join(', ')}); run \`npm run db:migrate\``);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42501') return; // no right to read the migrations table: nothing to check here
    if (code === '42P01') throw new Error(`database ${maskUrl(url)} is not migrated; run \`npm run db:migrate\``);
    throw e;
  } finally {
    await client.end();
  }
}

/** Drops a database if it exists (tests only: the name must end in `_test`). */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.endsWith('_test')) throw new Error(`refusing to drop "${name}": not a test database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
