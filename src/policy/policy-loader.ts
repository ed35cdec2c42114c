/**
 * Loads the policy files once at start. Any file that does not parse or validate stops the process
 * (fail closed) with the file, line and reason. Plain TS: used by the API, the worker and the CLI.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { yamlValue } from '../common/yaml-value';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import { CedarPdp, PolicyLoadError } from './domain/cedar-pdp';
import { FlaggingPolicySchema, RetentionPolicySchema, type FlaggingPolicy, type RetentionPolicy } from './domain/policy.schema';

/** A policy file that cannot be used: `file`, 1-based `line` where known, and `reason`. */
export { PolicyLoadError as PolicyFileError };

export interface PolicySet {
  dir: string;
  /** The Cedar decision point for `access/*.cedar` and `access/schema.cedarschema`. */
  access: CedarPdp;
  flagging: FlaggingPolicy;
  retention: RetentionPolicy;
  /** SHA-256 hex over the policy files' names and bytes: the policy version stored with every decision. */
  version: string;
  /** The files hashed into `version`, relative to `dir`. */
  files: string[];
}

export function defaultPoliciesDir(configured?: string): string {
  return configured ? resolve(configured) : join(PROJECT_ROOT, 'policies');
}

/**
 * Reads and validates one YAML file against a zod schema.
 * @throws PolicyFileError naming the file, with the line where known: unreadable file, YAML syntax error, alias
 *   bomb or alias without its anchor, or a validation failure (line of the offending key)
 */
export function readYamlFile<S extends z.ZodType>(path: string, schema: S, displayRoot = PROJECT_ROOT): { value: z.infer<S>; raw: string; bytes: Buffer } {
  const rel = relative(displayRoot, path);
  const name = rel && !rel.startsWith('..') ? rel : path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new PolicyLoadError(name, null, `cannot read: ${(e as Error).message}`);
  }
  const raw = bytes.toString('utf8');
  const lc = new LineCounter();
  const doc = parseDocument(raw, { lineCounter: lc, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) throw new PolicyLoadError(name, err.linePos?.[0]?.line ?? null, err.message.split('\n')[0] ?? 'YAML error');
  const value = yamlValue(doc, lc); // an alias bomb or an unset anchor throws in toJS(): report it with its line
  if (!value.ok) throw new PolicyLoadError(name, value.line, value.reason);
  const r = schema.safeParse(value.value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path as (string | number)[];
    // For an unknown key, point at the key itself rather than the map that holds it.
    const badKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const holder = doc.getIn(path, true) as { items?: { key?: { value?: unknown; range?: [number, number] } }[] } | undefined;
    const keyNode = badKey !== undefined ? holder?.items?.find((i) => i.key?.value === badKey)?.key : undefined;
    const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
    const parentNode = doc.getIn(path.slice(0, -1), true) as { range?: [number, number] } | undefined;
    const at = keyNode?.range?.[0] ?? node?.range?.[0] ?? parentNode?.range?.[0];
    const line = at !== undefined ? lc.linePos(at).line : null;
    throw new PolicyLoadError(name, line, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { value: r.data, raw, bytes };
}

function displayName(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new PolicyLoadError(displayName(path), null, `cannot read: ${(e as Error).message}`);
  }
}

/**
 * Loads the access policy (`access/schema.cedarschema` and every `access/*.cedar`) and
 * `flagging.yaml` from `dir`.
 * @throws PolicyFileError naming the file, line and reason of the first problem (fail closed)
 */
export function loadPolicySet(dir: string): PolicySet {
  const accessDir = join(dir, 'access');
  let cedarNames: string[];
  try {
    cedarNames = readdirSync(accessDir).filter((f) => f.endsWith('.cedar')).sort();
  } catch (e) {
    throw new PolicyLoadError(displayName(accessDir), null, `cannot read: ${(e as Error).message}`);
  }
  const schemaPath = join(accessDir, 'schema.cedarschema');
  const schemaBytes = readBytes(schemaPath);
  const cedarFiles = cedarNames.map((n) => ({ path: join(accessDir, n), bytes: readBytes(join(accessDir, n)) }));
  const access = CedarPdp.load(
    { path: displayName(schemaPath), text: schemaBytes.toString('utf8') },
    cedarFiles.map((f) => ({ path: displayName(f.path), text: f.bytes.toString('utf8') })),
  );
  const flaggingPath = join(dir, 'flagging.yaml');
  const flagging = readYamlFile(flaggingPath, FlaggingPolicySchema);
  const retention = readYamlFile(join(dir, 'retention.yaml'), RetentionPolicySchema);
  const hashed: [string, Buffer][] = [
    ['access/schema.cedarschema', schemaBytes],
    ...cedarFiles.map((f): [string, Buffer] => [relative(dir, f.path), f.bytes]),
    ['flagging.yaml', flagging.bytes],
    ['retention.yaml', retention.bytes],
  ];
  const h = createHash('sha256');
  for (const [name, bytes] of hashed) h.update(`${name}\n${bytes.length}\n`).update(bytes);
  return { dir, access, flagging: flagging.value, retention: retention.value, version: h.digest('hex'), files: hashed.map(([n]) => n) };
}
