/**
 * The Ed25519 key that signs audit checkpoints. It lives in a file outside the database
 * (`AUDIT_SIGNING_KEY_FILE`, PEM PKCS#8); auditors hold only the public key. Outside production, a
 * development key is created on first use under `var/` (git-ignored) so the demo and tests run.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import { keyIdOf } from './domain/checkpoint';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** Public key as SPKI PEM, for auditors. */
  publicPem: string;
}

export const DEV_SIGNING_KEY_FILE = join(PROJECT_ROOT, 'var', 'audit-signing-key.pem');

/** Writes a new Ed25519 key pair as `<dir>/audit-signing-key.pem` (mode 0600) and `<dir>/audit-public-key.pem`. */
export function generateSigningKeyFiles(dir: string): { privateFile: string; publicFile: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dir, { recursive: true });
  const privateFile = join(dir, 'audit-signing-key.pem');
  const publicFile = join(dir, 'audit-public-key.pem');
  if (existsSync(privateFile)) throw new Error(`${privateFile} exists; refusing to overwrite a signing key`);
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateFile, publicFile, keyId: keyIdOf(publicKey) };
}

/**
 * Loads the signing key.
 * @param file `AUDIT_SIGNING_KEY_FILE`, or empty for the development key (refused in production)
 * @throws Error when the file is missing or not an Ed25519 private key
 */
export function loadSigningKey(file: string | undefined, production: boolean): SigningKey {
  let path = file;
  if (!path) {
    if (production) throw new Error('AUDIT_SIGNING_KEY_FILE must be set in production (an Ed25519 private key in PEM)');
    path = DEV_SIGNING_KEY_FILE;
    if (!existsSync(path)) generateSigningKeyFiles(dirname(path));
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path));
  } catch (e) {
    throw new Error(`cannot read the audit signing key ${path}: ${(e as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is a ${privateKey.asymmetricKeyType} key; an Ed25519 key is required`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Reads an auditor's trusted public key (PEM, SPKI). @throws Error when unreadable or not Ed25519 */
export function loadPublicKey(path: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(path));
  } catch (e) {
    throw new Error(`cannot read the public key ${path}: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is a ${key.asymmetricKeyType} key; an Ed25519 public key is required`);
  return key;
}
