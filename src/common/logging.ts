import { LoggerModule, type Params } from 'nestjs-pino';
import { ENV, type Env } from '../config/config.module';

/**
 * JSON logs (pino). Secrets and personal data stay out: API keys and auth headers are redacted,
 * bodies are never logged; log ids and pseudonyms only.
 */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [ENV],
  useFactory: (env: Env): Params => ({
    pinoHttp: {
      level: env.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
      genReqId: (req) => (req as { requestId?: string }).requestId ?? 'none',
      serializers: {
        req: (r: { id: string; method: string; url: string }) => ({ id: r.id, method: r.method, url: r.url.split('?')[0] }),
        res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
      },
      autoLogging: env.NODE_ENV !== 'test',
    },
  }),
});
