/**
 * Builds the HTTP application (used by main.ts and the e2e tests): body parsers with size limits,
 * request ids, JSON errors for bodies that are too large or unreadable, metrics of every request.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ENV, POLICIES, type Env, type PolicySet } from './config/config.module';
import { AuditRepository } from './audit/audit.repository';
import { earlyAuthentication } from './auth/early-authentication';
import { PrincipalRepository } from './auth/principal.repository';
import { PrismaService } from './prisma/prisma.service';
import { MetricsService } from './metrics/metrics.service';

type ReqWithId = Request & { requestId?: string };

export async function createApp(options: { logger?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true, abortOnError: false });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  const env = app.get<Env>(ENV);
  const metrics = app.get(MetricsService);
  app.disable('x-powered-by');
  app.use((req: ReqWithId, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    req.requestId = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: (req as { route?: { path?: string } }).route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  // No body is read for a request without a valid key: it gets the guard's 401, audited, before any 413.
  app.use(earlyAuthentication(new PrincipalRepository(app.get(PrismaService)), app.get(AuditRepository), app.get<PolicySet>(POLICIES), [
    { method: 'POST', path: '/v1/ingest/batches', action: 'ingest.submit' },
    { method: 'POST', path: '/v1/rulesets', action: 'rulesets.propose' },
    { method: 'POST', path: '/v1/evaluations', action: 'evaluations.run' },
  ]));
  // Ingest bodies are read raw so that bad UTF-8 and JSON errors can be reported with their position.
  app.use('/v1/ingest', express.raw({ type: () => true, limit: env.INGEST_MAX_BODY_BYTES }));
  // candidate rule files and labelled evaluation sets are larger than ordinary requests
  app.use(['/v1/rulesets', '/v1/evaluations'], express.json({ limit: env.INGEST_MAX_BODY_BYTES }));
  app.use(express.json({ limit: '1mb' }));
  app.use((err: { type?: string; status?: number; message?: string; limit?: number }, req: ReqWithId, res: Response, next: NextFunction) => {
    if (!err) return next();
    const status = err.type === 'entity.too.large' ? 413 : (err.status ?? 400);
    const message = status === 413 ? `request body is larger than the limit of ${err.limit ?? env.INGEST_MAX_BODY_BYTES} bytes` : `unreadable body: ${err.message}`;
    res.status(status).json({ statusCode: status, code: status === 413 ? 'BODY.TOO_LARGE' : 'BODY.UNREADABLE', message, requestId: req.requestId ?? null });
  });
  // Errors of Node's HTTP parser (headers over the size limit, a malformed request line) never reach Express:
  // answer them in the same JSON shape instead of Node's empty body.
  app.getHttpServer().on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      statusCode: status,
      code: status === 431 ? 'HEADERS.TOO_LARGE' : 'REQUEST.MALFORMED',
      message: status === 431 ? 'request headers are larger than the server accepts' : `malformed HTTP request (${err.code ?? 'parse error'})`,
      requestId: null,
    });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  app.enableShutdownHooks();
  return app;
}
