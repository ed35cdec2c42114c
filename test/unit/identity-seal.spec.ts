import { randomBytes } from 'node:crypto';
import { identityKeyFromHex, openIdentity, sealIdentity } from '../../src/ingestion/domain/identity-seal';

describe('sealed identities (AES-256-GCM)', () => {
  const key = identityKeyFromHex(randomBytes(32).toString('hex'));

  it('opens what it sealed, and seals the same handle differently each time', () => {
    const a = sealIdentity(key, 'ps_a', '@fake_handle');
    expect(openIdentity(key, 'ps_a', a)).toBe('@fake_handle');
    expect(sealIdentity(key, 'ps_a', '@fake_handle')).not.toBe(a);
    expect(a).not.toContain('fake_handle');
  });

  it('refuses an altered value, another key, or a value moved to another pseudonym', () => {
    const a = sealIdentity(key, 'ps_a', '@fake_handle');
    const bytes = Buffer.from(a, 'base64');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(() => openIdentity(key, 'ps_a', bytes.toString('base64'))).toThrow();
    expect(() => openIdentity(identityKeyFromHex(randomBytes(32).toString('hex')), 'ps_a', a)).toThrow();
    expect(() => openIdentity(key, 'ps_b', a)).toThrow();
  });

  it('accepts only a 32-byte hex key', () => {
    expect(() => identityKeyFromHex('abc')).toThrow(/64 hex/);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
  });
});
