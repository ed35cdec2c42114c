/**
 * Worker entry point (`node dist/worker.js`): BullMQ consumers, no HTTP. Run as many as needed, on
 * any machine that reaches the same Redis and PostgreSQL.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadEnv } from './config/env';
import { preflight } from './common/preflight';
import { startupFailure } from './common/startup';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  await preflight(env, { rules: true });
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  process.stdout.write(`${JSON.stringify({ msg: 'worker ready', concurrency: env.CLASSIFY_CONCURRENCY, pid: process.pid })}\n`);
}

bootstrap().catch(startupFailure('worker'));
