import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { testPrisma } from '../support/harness';

const root = join(__dirname, '..', '..');
const migrate = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'scripts', 'db-migrate.ts'), ...args], { env: process.env, encoding: 'utf8' });

describe('migrations', () => {
  it('produce exactly prisma/schema.prisma (no drift)', () => {
    const r = migrate('--check');
    expect(r.stdout + r.stderr).toMatch(/no drift/);
    expect(r.status).toBe(0);
  });

  it('are recorded in _prisma_migrations and re-running applies nothing', async () => {
    const r = migrate();
    expect(r.stdout).toMatch(/up to date/);
    const prisma = testPrisma();
    const rows = await prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    await prisma.$disconnect();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((x) => x.finished_at !== null)).toBe(true);
  });

  it('make the audit table refuse UPDATE, DELETE and TRUNCATE even to its owner (triggers)', async () => {
    // Inside a transaction that is rolled back, so the probe row never joins the shared chain.
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query(`INSERT INTO audit_event (seq, occurred_at, action, outcome, prev_hash, hash) VALUES (999999999, now(), 'probe', 'success', 'x', 'probe-hash-append-only')`);
      for (const sql of ['UPDATE audit_event SET action = $$changed$$ WHERE seq = 999999999', 'DELETE FROM audit_event WHERE seq = 999999999', 'TRUNCATE audit_event']) {
        await c.query('SAVEPOINT s');
        await expect(c.query(sql)).rejects.toThrow(/append-only/);
        await c.query('ROLLBACK TO SAVEPOINT s');
      }
    } finally {
      await c.query('ROLLBACK');
      await c.end();
    }
  });
});
