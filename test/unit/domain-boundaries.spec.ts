import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Business logic under src/**/domain/ stays framework-free and deterministic (house style): no Nest,
// Prisma, queue or Redis imports, no environment reads, no wall clock, no logging.
const ROOT = join(__dirname, '..', '..');
const FORBIDDEN: [RegExp, string][] = [
  [/from '@nestjs\//, 'Nest import'],
  [/from '@prisma\//, 'Prisma import'],
  [/from '(bullmq|ioredis)'/, 'queue/Redis import'],
  [/generated\/prisma/, 'Prisma client import'],
  [/process\.env/, 'environment read'],
  [/Date\.now\(\)|new Date\(\)/, 'wall clock (pass `now` in)'],
  [/console\.(log|warn|error|info)/, 'logging (return data instead)'],
];

function domainFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'generated' ? [] : domainFiles(p);
    return p.includes(`${join('/', 'domain', '/')}`) && p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('domain code boundaries', () => {
  const files = domainFiles(join(ROOT, 'src'));

  it('finds the domain folders', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s imports no framework and reads no clock or environment', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const found = FORBIDDEN.filter(([re]) => re.test(text)).map(([, what]) => what);
    expect(found).toEqual([]);
  });
});
