/**
 * The service's environment, validated once at start by one zod schema. Only this module and the
 * entry points read `process.env`. Defaults work on a developer machine with PostgreSQL and Redis on
 * localhost.
 */
import { z } from 'zod';

const DEFAULT_DATABASE_URL = 'postgresql://root@127.0.0.1:5432/smugwatch';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** PostgreSQL URL; the database is created at migration time if missing. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default(DEFAULT_DATABASE_URL),
  /** Redis URL shared by the API (producer) and every worker (consumers). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default(DEFAULT_REDIS_URL),
  /** Prefix of every BullMQ key, so that several deployments or test runs can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i).default('smugwatch'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Largest accepted request body, in bytes (413 above it). */
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Largest number of posts in one ingest batch. */
  INGEST_MAX_POSTS: z.coerce.number().int().min(1).default(10_000),
  /** Jobs one worker process runs at once; jobs running together are written in one transaction. */
  CLASSIFY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Attempts per classify job before it is kept as failed; backoff is exponential from 1 s. */
  CLASSIFY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Seconds between sweeps that re-enqueue posts with no classification (0 disables). */
  SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Posts younger than this are left to the queue by the sweep, in seconds. */
  SWEEP_MIN_AGE_SECONDS: z.coerce.number().int().min(0).default(30),
  /**
   * Key of the HMAC-SHA-256 that pseudonymises author handles (hex or any string of >= 32 chars).
   * Keep it outside the database. The development default is refused in production.
   */
  PSEUDONYM_KEY: z.string().min(32).default('development-only-pseudonym-key-change-me-0000'),
  /** AES-256-GCM key (64 hex) that seals original author handles; kept outside the database. Required in production. */
  IDENTITY_KEY: z.string().optional(),
  /** Ed25519 private key (PEM) that signs audit checkpoints; kept outside the database. Required in production. */
  AUDIT_SIGNING_KEY_FILE: z.string().optional(),
  /** Seconds between runs of the retention job (0 disables the schedule; `retention:run` still works). */
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(86_400),
  /** Seconds between signed audit checkpoints taken by the workers (0 disables; on demand still works). */
  CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  /** PostgreSQL role the service acts as (set at connect); it cannot alter the audit tables. `none`: the login role as is. */
  DATABASE_ROLE: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('smugwatch_app'),
  /** Folder of the policy files (access, flagging, detection rules). */
  POLICIES_DIR: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** API keys to create at start when missing, `name:role:unit:key;...` (demo and development). */
  BOOTSTRAP_API_KEYS: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export const DEV_PSEUDONYM_KEY = 'development-only-pseudonym-key-change-me-0000';

/**
 * Parses and validates the environment.
 * @throws Error listing every invalid variable, when any is invalid or when production runs on the
 * development pseudonymisation key.
 */
export function loadEnv(source: Record<string, unknown> = process.env): Env {
  // An empty variable (`PORT=` in an env file) means "use the default", not an empty value.
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const r = EnvSchema.safeParse(given);
  if (!r.success) throw new Error(`invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (r.data.NODE_ENV === 'production' && r.data.PSEUDONYM_KEY === DEV_PSEUDONYM_KEY) {
    throw new Error('invalid environment: PSEUDONYM_KEY must be set in production');
  }
  return r.data;
}

/** pg connection options that make the session act as `DATABASE_ROLE` (see the app_role migration). */
export function pgRoleOptions(env: Pick<Env, 'DATABASE_ROLE'>): { options?: string } {
  return env.DATABASE_ROLE === 'none' ? {} : { options: `-c role=${env.DATABASE_ROLE}` };
}

/** A URL with its password replaced by `***`, fit for error messages and logs. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return '<unparseable url>';
  }
}
