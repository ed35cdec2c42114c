/**
 * HTTP API entry point. `node dist/main.js` (or `npm run start`).
 * Checks PostgreSQL and Redis first so that an unreachable one is one line, not a stack trace.
 */
import 'reflect-metadata';
import { loadEnv } from './config/env';
import { preflight } from './common/preflight';
import { createApp } from './app.factory';
import { startupFailure } from './common/startup';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  await preflight(env, { rules: true }); // the API refuses to run beside broken rules too
  const app = await createApp();
  await app.listen(env.PORT, env.HOST);
  const addr = app.getHttpServer().address();
  process.stdout.write(`${JSON.stringify({ msg: 'api listening', port: typeof addr === 'object' && addr ? addr.port : env.PORT })}\n`);
}

bootstrap().catch(startupFailure('api'));
