import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow } from './validate';
import { requiredText, storedText, unstorableTextSqlState } from './stored-text';
import { ErrorFilter } from './http/error.filter';

describe('storedText', () => {
  const sut = z.strictObject({ rationale: storedText().trim().min(3).max(50), note: storedText().optional() });

  it.each([
    ['a NUL character', 'bad \u0000 text', /rationale: contains the NUL character at offset 4/],
    ['a lone high surrogate', 'bad \ud800 text', /rationale: contains a lone UTF-16 surrogate at offset 4/],
    ['a lone low surrogate', 'bad \udc00 text', /rationale: contains a lone UTF-16 surrogate at offset 4/],
  ])('refuses %s, naming the field', (_what, rationale, message) => {
    expect(() => parseOrThrow(sut, { rationale }, 'T.BAD')).toThrow(message);
  });

  it('keeps text with surrogate pairs, and the usual checks after it', () => {
    expect(parseOrThrow(sut, { rationale: '  ok 😀 fine  ' }, 'T.BAD')).toEqual({ rationale: 'ok 😀 fine' });
    expect(() => parseOrThrow(sut, { rationale: 'x' }, 'T.BAD')).toThrow(/rationale: Too small/);
    expect(() => parseOrThrow(sut, { rationale: 'fine', note: '\u0000' }, 'T.BAD')).toThrow(/^note: contains the NUL character/);
  });
});

describe('requiredText', () => {
  const sut = z.strictObject({ recipient: requiredText().min(2).max(50) });

  it.each([
    ['zero-width spaces', '\u200b\u200b'],
    ['format characters and BOM', '\u2060\u200e\u202e\ufeff\u00ad'],
    ['separators and controls', '\u00a0\u3000\u2028\u2029\u0085\u0007'],
    ['Hangul fillers', '\u3164\u115f\u1160\uffa0'],
  ])('refuses %s alone, naming the field', (_what, recipient) => {
    expect(() => parseOrThrow(sut, { recipient }, 'T.BAD')).toThrow(/^recipient: has only spaces or invisible characters$/);
  });

  it('keeps text with one visible character, trimmed, and leaves empty text to min (one message)', () => {
    expect(parseOrThrow(sut, { recipient: ' \u200bCourt of Y\u200b ' }, 'T.BAD')).toEqual({ recipient: '\u200bCourt of Y\u200b' });
    expect(parseOrThrow(sut, { recipient: '\u200b-' }, 'T.BAD')).toEqual({ recipient: '\u200b-' });
    expect(() => parseOrThrow(sut, { recipient: '   ' }, 'T.BAD')).toThrow(/^recipient: Too small[^;]*$/);
    expect(() => parseOrThrow(sut, { recipient: 'a \u0000 b' }, 'T.BAD')).toThrow(/^recipient: contains the NUL character/);
  });
});

describe('PostgreSQL "cannot store this character" errors', () => {
  beforeAll(() => Logger.overrideLogger(false));
  const prismaError = (code: string) => ({ name: 'PrismaClientKnownRequestError', code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: code, kind: 'postgres' } } } });

  it('finds 22021 and 22P05 in a Prisma error, a pg error or a cause chain, and nothing else', () => {
    expect(unstorableTextSqlState(prismaError('22021'))).toBe('22021');
    expect(unstorableTextSqlState(prismaError('22P05'))).toBe('22P05');
    expect(unstorableTextSqlState({ code: '22021', severity: 'ERROR' })).toBe('22021');
    expect(unstorableTextSqlState(new Error('wrapped', { cause: { code: '22P05' } }))).toBe('22P05');
    expect(unstorableTextSqlState(prismaError('23505'))).toBeNull();
    expect(unstorableTextSqlState(new Error('boom'))).toBeNull();
    const loop: Record<string, unknown> = {};
    loop.cause = loop;
    expect(unstorableTextSqlState(loop)).toBeNull();
  });

  function respond(err: unknown): { status: number; body: Record<string, unknown> } {
    const out = { status: 0, body: {} as Record<string, unknown> };
    const res = { status: (s: number) => ((out.status = s), res), json: (b: Record<string, unknown>) => ((out.body = b), res) };
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ requestId: 'req-1' }) }) };
    new ErrorFilter().catch(err, host as never);
    return out;
  }

  it('the global filter answers 400 in JSON, not 500, when the database refuses a character', () => {
    const r = respond(prismaError('22021'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, code: 'REQUEST.UNSTORABLE_TEXT', requestId: 'req-1', details: { sqlState: '22021' } });
    expect(String(r.body.message)).toMatch(/NUL character/);
    expect(respond(new Error('boom')).status).toBe(500);
  });
});
