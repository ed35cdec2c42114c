import { AmbiguousKeyError, API_KEY_PATTERN, extractApiKey, generateApiKey, hashApiKey, keyPrefix } from '../../src/auth/domain/api-key';
import { DEV_PSEUDONYM_KEY, loadEnv, maskUrl } from '../../src/config/env';

const PROD_KEY = 'a-real-production-key-kept-in-a-vault-0001';

/** The message of the error thrown by `fn`. */
function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('loadEnv', () => {
  it('gives working local defaults for an empty environment', () => {
    const sut = loadEnv({});
    expect(sut).toMatchObject({
      NODE_ENV: 'development',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      HOST: '127.0.0.1',
      QUEUE_PREFIX: 'smugwatch',
      CLASSIFY_CONCURRENCY: 16,
      INGEST_MAX_POSTS: 10_000,
      PSEUDONYM_KEY: DEV_PSEUDONYM_KEY,
    });
    expect(sut.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.*\/smugwatch$/);
    expect(sut.BOOTSTRAP_API_KEYS).toBeUndefined();
  });

  it('coerces numeric strings and keeps given URLs', () => {
    const sut = loadEnv({ PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/other', REDIS_URL: 'rediss://cache:6380' });
    expect(sut).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgres://u:p@db:5432/other', REDIS_URL: 'rediss://cache:6380' });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '3000.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/smugwatch' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['PSEUDONYM_KEY', { PSEUDONYM_KEY: 'short' }],
  ])('throws naming %s when it is invalid', (name, source) => {
    const message = thrownMessage(() => loadEnv(source));
    expect(message).toMatch(/^invalid environment: /);
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain(name);
  });

  it('lists every invalid variable at once', () => {
    const message = thrownMessage(() => loadEnv({ PORT: 'x', DATABASE_URL: 'mysql://h/db' }));
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
  });

  it('refuses production on the development pseudonym key, explicit or defaulted', () => {
    expect(thrownMessage(() => loadEnv({ NODE_ENV: 'production' }))).toContain('PSEUDONYM_KEY');
    expect(thrownMessage(() => loadEnv({ NODE_ENV: 'production', PSEUDONYM_KEY: DEV_PSEUDONYM_KEY }))).toContain('PSEUDONYM_KEY');
  });

  it('accepts production with its own pseudonym key', () => {
    expect(loadEnv({ NODE_ENV: 'production', PSEUDONYM_KEY: PROD_KEY }).PSEUDONYM_KEY).toBe(PROD_KEY);
  });
});

describe('maskUrl', () => {
  const sut = maskUrl;

  it('hides the password and keeps user, host, port, database and query', () => {
    const masked = sut('postgresql://smug:s3cr3t-pw@db.internal:5432/smugwatch?sslmode=require');
    expect(masked).not.toContain('s3cr3t-pw');
    expect(masked).toBe('postgresql://smug:***@db.internal:5432/smugwatch?sslmode=require');
  });

  it('hides a Redis password given without a user', () => {
    expect(sut('redis://:hunter2@cache:6379/0')).toBe('redis://:***@cache:6379/0');
  });

  it('leaves a URL without a password unchanged', () => {
    expect(sut('postgresql://root@127.0.0.1:5432/smugwatch')).toBe('postgresql://root@127.0.0.1:5432/smugwatch');
  });

  it('does not echo an unparseable value, which may itself be a secret', () => {
    expect(sut('s3cr3t without scheme')).toBe('<unparseable url>');
  });
});

describe('API keys', () => {
  const key = 'sw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';

  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${key}` }],
    ['a lower-case bearer scheme with extra spaces', { authorization: `  bearer   ${key} ` }],
    ['X-Api-Key', { 'x-api-key': key }],
    ['X-Api-Key with spaces', { 'x-api-key': `  ${key}  ` }],
    ['a repeated Authorization header (first wins)', { authorization: [`Bearer ${key}`, 'Bearer other'] }],
    ['X-Api-Key when Authorization uses another scheme', { authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': key }],
  ])('extractApiKey reads %s', (_name, headers) => {
    expect(extractApiKey(headers)).toBe(key);
  });

  it('refuses two different keys in one request rather than guessing whose it is', () => {
    expect(() => extractApiKey({ authorization: `Bearer ${key}`, 'x-api-key': 'sw_other' })).toThrow(AmbiguousKeyError);
    expect(extractApiKey({ authorization: `Bearer ${key}`, 'x-api-key': key })).toBe(key);
  });

  it('masks passwords in the user part and in query parameters', () => {
    const masked = maskUrl('postgresql://root:s3cret@db:5432/x?password=s3cretpw&sslmode=require');
    expect(masked).not.toMatch(/s3cret/);
    expect(masked).toMatch(/sslmode=require/);
  });

  it.each([
    ['no header', {}],
    ['a Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a bare token without scheme', { authorization: key }],
    ['Bearer without a token', { authorization: 'Bearer ' }],
    ['an empty X-Api-Key', { 'x-api-key': '   ' }],
    ['undefined headers', { authorization: undefined, 'x-api-key': undefined }],
  ])('extractApiKey returns null for %s', (_name, headers) => {
    expect(extractApiKey(headers)).toBeNull();
  });

  it('generateApiKey makes distinct keys matching API_KEY_PATTERN', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(API_KEY_PATTERN);
    expect(a).toMatch(/^sw_[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(b).not.toBe(a);
  });

  it('API_KEY_PATTERN refuses other shapes', () => {
    for (const k of ['sk_abcdefghijklmnopqrstuvwxyz', 'sw_short', 'sw_has space in it padded out', 'sw_abc+def/ghi=jklmnopqrstu']) {
      expect(k).not.toMatch(API_KEY_PATTERN);
    }
  });

  it('hashApiKey is deterministic 64-hex SHA-256 and differs per key', () => {
    const sut = hashApiKey(key);
    expect(sut).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(sut);
    expect(hashApiKey(`${key}x`)).not.toBe(sut);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2 vector
  });

  it('keyPrefix shows only the first 10 characters', () => {
    expect(keyPrefix(key)).toBe('sw_AbCdEfG');
  });
});
