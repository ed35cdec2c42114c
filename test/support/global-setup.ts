/**
 * Creates a database for this test run (name ends in `_test`), migrates it with the project's own
 * migration command, and points the tests at it and at a Redis key prefix of their own. The demo
 * database is never touched.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateSigningKeyFiles } from '../../src/audit/signing-key';
import { ensureDatabase } from '../../src/prisma/database';

export default async function globalSetup(): Promise<void> {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const run = `${Date.now().toString(36)}_${process.pid}`;
  base.pathname = `/smugwatch_${run}_test`;
  const url = base.toString();
  await ensureDatabase(url);
  const root = join(__dirname, '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'scripts', 'db-migrate.ts')], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`test database migration failed:\n${r.stdout}\n${r.stderr}`);
  const keys = generateSigningKeyFiles(mkdtempSync(join(tmpdir(), 'smugwatch-test-keys-')));
  Object.assign(process.env, {
    AUDIT_SIGNING_KEY_FILE: keys.privateFile,
    AUDIT_PUBLIC_KEY_FILE: keys.publicFile,
    CHECKPOINT_INTERVAL_SECONDS: '0',
    RETENTION_INTERVAL_SECONDS: '0',
    IDENTITY_KEY: randomBytes(32).toString('hex'),
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `smugwatch-test-${run}`,
    LOG_LEVEL: 'silent',
    SWEEP_INTERVAL_SECONDS: '0',
    CLASSIFY_ATTEMPTS: '3',
  });
}
