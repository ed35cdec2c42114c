import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, HTTP_STATUS } from '../errors';
import { unstorableTextSqlState } from '../stored-text';
import type { AppRequest } from '../../auth/request-context';

/**
 * Maps every error to a JSON body `{statusCode, code, message, details?, requestId}`. Domain errors
 * keep their code and message; a PostgreSQL "cannot store this character" error (SQLSTATE 22021 or
 * 22P05: a NUL or an invalid sequence in text that validation let through) is the caller's input, so it
 * becomes a 400 `REQUEST.UNSTORABLE_TEXT`; other unknown errors become a generic 500 that names only
 * the request id (the log has the stack).
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('ErrorFilter');
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<AppRequest>();
    const requestId = req.requestId ?? null;
    if (err instanceof DomainError) {
      res.status(HTTP_STATUS[err.kind]).json({ statusCode: HTTP_STATUS[err.kind], code: err.code, message: err.message, details: err.details, requestId });
      return;
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
      // e.g. the health check's per-dependency status, or a pipe's validation facts
      const details = typeof body === 'object' && body !== null && !('message' in body) ? body : undefined;
      res.status(status).json({ statusCode: status, code: `HTTP.${status}`, message, details, requestId });
      return;
    }
    const sqlState = unstorableTextSqlState(err);
    if (sqlState) {
      this.log.warn({ requestId, sqlState }, 'request text the database cannot store');
      res.status(400).json({
        statusCode: 400, code: 'REQUEST.UNSTORABLE_TEXT', requestId, details: { sqlState },
        message: 'the request holds text the database cannot store (a NUL character or an invalid character sequence); remove it and retry',
      });
      return;
    }
    this.log.error({ requestId, err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) }, 'unhandled error');
    res.status(500).json({ statusCode: 500, code: 'INTERNAL', message: 'internal error; quote the request id to an operator', requestId });
  }
}
