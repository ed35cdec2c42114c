/**
 * `npm run db:migrate`: creates the database if missing and applies pending migrations.
 * `npm run db:migrate -- --create <name>` writes a new migration from the drift between
 * prisma/migrations and prisma/schema.prisma.
 * `npm run db:migrate -- --check` exits 1 when the migrations and schema.prisma disagree (drift).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv, maskUrl } from '../src/config/env';
import { ensureDatabase } from '../src/prisma/database';
import { MIGRATIONS_DIR, applyMigrations, diffToSchema } from '../src/prisma/schema-engine';

async function main(): Promise<void> {
  const env = loadEnv();
  const createIdx = process.argv.indexOf('--create');
  if (process.argv.includes('--check')) {
    await ensureDatabase(env.DATABASE_URL);
    const drift = await diffToSchema(env.DATABASE_URL, 'migrations');
    if (!drift) return console.log('no drift: the migrations produce exactly schema.prisma');
    console.log(`DRIFT: the migrations differ from schema.prisma; SQL to reconcile:\n${drift}`);
    process.exit(1);
  }
  if (await ensureDatabase(env.DATABASE_URL)) console.log(`created database ${maskUrl(env.DATABASE_URL)}`);
  if (createIdx >= 0) {
    const name = process.argv[createIdx + 1];
    if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: db:migrate -- --create <snake_case_name>');
    const sql = await diffToSchema(env.DATABASE_URL, 'migrations');
    if (!sql) return console.log('schema.prisma and the migrations agree; nothing to create');
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'migration.sql'), `${sql}\n`);
    return console.log(`wrote ${dir}/migration.sql`);
  }
  const applied = await applyMigrations(env.DATABASE_URL);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
}

main().catch((e: unknown) => {
  console.error(`db:migrate failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  process.exit(1);
});
