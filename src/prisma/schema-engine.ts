/**
 * Migrations with Prisma's WebAssembly schema engine (`@prisma/schema-engine-wasm`), driven through
 * `@prisma/adapter-pg`. The native engine that `prisma migrate` downloads is not available on our
 * machines; the WebAssembly build applies the same `prisma/migrations/<stamp>_<name>/migration.sql`
 * layout and writes the standard `_prisma_migrations` table.
 *
 * Plain TypeScript (no Nest): used by `npm run db:migrate`, the test set-up and the CLI.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const SCHEMA_PATH = join(PROJECT_ROOT, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'prisma', 'migrations');

const NO_FILTER = { externalTables: [] as string[], externalEnums: [] as string[] };

interface WasmEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}
interface WasmModule {
  __wbg_set_wasm(exports: unknown): void;
  SchemaEngine: { ['new'](options: unknown, log: (msg: string) => void, adapter: object): Promise<WasmEngine> };
}

let wasmModule: Promise<WasmModule> | undefined;

/** Loads and instantiates the WebAssembly engine once per process. */
function loadWasm(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const pkgDir = resolve(require.resolve('@prisma/schema-engine-wasm'), '..');
    // The package's ES module glue; `new Function` keeps a real dynamic import under CommonJS output.
    const dynamicImport = new Function('s', 'return import(s)') as (s: string) => Promise<WasmModule>;
    const bg = await dynamicImport(join(pkgDir, 'schema_engine_bg.js'));
    const bytes = readFileSync(join(pkgDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as unknown as Record<string, never> });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bg;
  })();
  return wasmModule;
}

/** The migration folders in Prisma's layout, read from disk, in name order. */
export function readMigrationsList(dir: string = MIGRATIONS_DIR) {
  const dirs = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const lockPath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = join(dir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * A pg client that reports PostgreSQL's internal one-byte `"char"` columns (e.g. `pg_class.relkind`,
 * read when the engine describes a database) as text: the driver adapter has no mapping for them and
 * would fail every diff against a live database.
 */
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const fix = (res: pg.QueryResult | undefined) => {
      for (const f of res?.fields ?? []) if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
      return res;
    };
    const last = args.length - 1;
    const cb = args[last];
    if (typeof cb === 'function') {
      args[last] = (err: unknown, res: pg.QueryResult) => (cb as (e: unknown, r: unknown) => void)(err, fix(res));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(fix) : result) as never;
  }
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>> & {
  underlyingDriver(): pg.Pool | pg.PoolClient;
  onError(e: unknown): never;
};

/**
 * Sends a migration script to PostgreSQL as one simple-protocol query, as the native engine does.
 * The driver adapter splits scripts on every `;`, which breaks function bodies (triggers).
 */
function wholeScripts<T extends PgAdapter>(adapter: T): T {
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (e) {
      adapter.onError(e);
    }
  };
  return adapter;
}

/**
 * The adapter factory used for migrations. Its shadow database is made here: the stock factory
 * spreads `database` over a config whose `connectionString` wins, so its "shadow" database would be
 * the main one, which the engine then resets.
 */
class MigrationPg extends PrismaPg {
  constructor(private readonly url: string) {
    super({ connectionString: url, Client: CharAsTextClient } as ConstructorParameters<typeof PrismaPg>[0]);
  }
  override async connect() {
    return wholeScripts((await super.connect()) as PgAdapter);
  }
  override async connectToShadowDb() {
    const name = `prisma_shadow_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const shadowUrl = new URL(this.url);
    shadowUrl.pathname = `/${name}`;
    const adapter = wholeScripts((await new MigrationPg(shadowUrl.toString()).connect()) as PgAdapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const dropper = new pg.Client({ connectionString: this.url });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    };
    return adapter;
  }
}

async function withEngine<T>(databaseUrl: string, fn: (engine: WasmEngine, schema: string) => Promise<T>): Promise<T> {
  const bg = await loadWasm();
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  const factory = bindMigrationAwareSqlAdapterFactory(
    new MigrationPg(databaseUrl),
  );
  const engine = await bg.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => undefined, factory);
  try {
    return await fn(engine, schema);
  } finally {
    engine.free();
  }
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`.
 * @returns the names of the migrations applied by this call (empty when up to date)
 * @throws when a migration fails or an applied migration was edited (checksum mismatch)
 */
export function applyMigrations(databaseUrl: string): Promise<string[]> {
  return withEngine(databaseUrl, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrationsList(), filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/**
 * SQL that would bring the database described by `from` to `schema.prisma`.
 * `from: 'migrations'` replays the migration folders in a temporary shadow database that the engine
 * creates and drops; `'empty'` diffs from nothing. An empty string means no drift.
 */
export function diffToSchema(databaseUrl: string, from: 'empty' | 'migrations'): Promise<string> {
  return withEngine(databaseUrl, async (engine, schema) => {
    const source = from === 'empty' ? { tag: 'empty' } : { tag: 'migrations', ...readMigrationsList() };
    const out = await engine.diff({
      from: source,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      filters: NO_FILTER,
    });
    const sql = (out.stdout ?? '').trim();
    return /^-- This is an empty migration\.?$/.test(sql) ? '' : sql;
  });
}
