import {
  canonicalJson,
  chainNext,
  GENESIS_HASH,
  hashEvent,
  verifyChain,
  type AuditEventBody,
  type ChainedAuditEvent,
} from '../../src/audit/domain/hash-chain';

type Body = Omit<AuditEventBody, 'seq' | 'prevHash'>;

function body(i: number): Body {
  return {
    occurredAt: new Date(Date.UTC(2025, 0, 1, 12, 0, i)).toISOString(),
    actorId: `principal-${i % 3}`,
    actorRole: i % 2 ? 'reviewer' : 'auditor',
    unit: 'unit-north',
    action: i % 2 ? 'flags.read' : 'collection',
    resourceType: 'flag',
    resourceId: `res-${i}`,
    purpose: 'review',
    caseReference: `CASE-${i}`,
    legalBasis: 'Statute 12(3)',
    outcome: 'allow',
    reason: 'permitted by reviewer.read-own-unit-flags',
    policyIds: ['reviewer.read-own-unit-flags'],
    recipients: i % 5 === 0 ? ['oversight-body'] : [],
    requestId: `req-${i}`,
    policyVersion: 'a'.repeat(64),
    rulesetVersion: 'b'.repeat(64),
    modelVersion: 'model-1',
    details: { index: i, nested: { list: [1, 'two', { three: 3 }] } },
  };
}

function buildChain(n: number): ChainedAuditEvent[] {
  const out: ChainedAuditEvent[] = [];
  for (let i = 0; i < n; i++) out.push(chainNext(out.at(-1) ?? null, body(i)));
  return out;
}

/** A value of the same field that differs from `v` (null fields become a string). */
function tamperValue(v: unknown): unknown {
  if (v === null) return 'x';
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'string') return `${v}x`;
  if (typeof v === 'object') return { ...(v as Record<string, unknown>), tampered: true };
  throw new Error(`no tamper rule for ${typeof v}`);
}

const N = 20;
const MIDDLE = 10; // index; its seq is 11

describe('canonicalJson', () => {
  it('is independent of key order', () => {
    expect(canonicalJson({ b: 1, a: 2, c: { y: 1, x: 2 } })).toBe(canonicalJson({ c: { x: 2, y: 1 }, a: 2, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('serialises nested arrays and objects without whitespace, keeping array order', () => {
    expect(canonicalJson({ z: [3, [2, 1], { b: null, a: 'é' }], a: true })).toBe('{"a":true,"z":[3,[2,1],{"a":"é","b":null}]}');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('drops undefined object members, like JSON.stringify', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"': 'line\nbreak "q"' })).toBe(JSON.stringify({ 'k"': 'line\nbreak "q"' }));
  });

  it.each([
    ['BigInt', { n: BigInt(1) }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['-Infinity', [Number.NEGATIVE_INFINITY]],
    ['a function', { f: () => 1 }],
  ])('throws a TypeError on %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('chainNext', () => {
  it('starts at seq 1 from GENESIS_HASH', () => {
    const sut = chainNext(null, body(0));
    expect(sut.seq).toBe(1);
    expect(sut.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
    expect(sut.hash).toMatch(/^[0-9a-f]{64}$/);
    const { hash, ...rest } = sut;
    expect(hash).toBe(hashEvent(rest));
  });

  it('links each event to the previous hash and increments seq', () => {
    const first = chainNext(null, body(0));
    const sut = chainNext(first, body(1));
    expect(sut.seq).toBe(2);
    expect(sut.prevHash).toBe(first.hash);
    expect(sut.hash).not.toBe(first.hash);
  });

  it('gives the same hash for the same body regardless of key order', () => {
    const b = body(0);
    const reversed = Object.fromEntries(Object.entries(b).reverse()) as Body;
    expect(chainNext(null, reversed).hash).toBe(chainNext(null, b).hash);
  });
});

describe('verifyChain', () => {
  const chain = buildChain(N);
  const sample = chain[MIDDLE]!;
  const HASHED_FIELDS = Object.keys(sample).filter((k) => k !== 'hash') as (keyof AuditEventBody)[];

  it('accepts an untouched chain of 20 events', () => {
    expect(verifyChain(chain)).toEqual({ ok: true, count: N, headSeq: N, headHash: chain[N - 1]!.hash });
  });

  it('accepts an empty chain with the genesis as head', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headSeq: null, headHash: GENESIS_HASH });
  });

  it('covers every field of the event body (guards the tamper table below)', () => {
    expect(HASHED_FIELDS).toHaveLength(21);
    expect(HASHED_FIELDS).toEqual(expect.arrayContaining(['seq', 'prevHash', 'details', 'outcome', 'policyVersion', 'policyIds', 'recipients']));
  });

  describe.each(HASHED_FIELDS.filter((f) => f !== 'seq' && f !== 'prevHash'))('tampering with %s of a middle event', (field) => {
    it('fails at that event with hash_mismatch', () => {
      const tampered = chain.map((e) => ({ ...e }));
      (tampered[MIDDLE] as unknown as Record<string, unknown>)[field] = tamperValue(sample[field]);
      expect(verifyChain(tampered)).toEqual({ ok: false, count: MIDDLE + 1, brokenAtSeq: sample.seq, problem: 'hash_mismatch' });
    });
  });

  it('tampering with prevHash of a middle event fails there with link_mismatch', () => {
    const tampered = chain.map((e) => ({ ...e }));
    tampered[MIDDLE]!.prevHash = tamperValue(sample.prevHash) as string;
    expect(verifyChain(tampered)).toEqual({ ok: false, count: MIDDLE + 1, brokenAtSeq: sample.seq, problem: 'link_mismatch' });
  });

  it('tampering with seq of a middle event fails there with seq_gap (reported at the forged seq)', () => {
    const tampered = chain.map((e) => ({ ...e }));
    tampered[MIDDLE]!.seq = sample.seq + 1;
    expect(verifyChain(tampered)).toEqual({ ok: false, count: MIDDLE + 1, brokenAtSeq: sample.seq + 1, problem: 'seq_gap' });
  });

  it('tampering with the stored hash of a middle event fails there with hash_mismatch', () => {
    const tampered = chain.map((e) => ({ ...e }));
    tampered[MIDDLE]!.hash = 'e'.repeat(64);
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAtSeq: sample.seq, problem: 'hash_mismatch' });
  });

  it('re-hashing a tampered event does not help: the next event no longer links', () => {
    const tampered = chain.map((e) => ({ ...e }));
    const { hash: _old, ...rest } = tampered[MIDDLE]!;
    const forged = { ...rest, outcome: 'deny' as const };
    tampered[MIDDLE] = { ...forged, hash: hashEvent(forged) };
    expect(verifyChain(tampered)).toEqual({ ok: false, count: MIDDLE + 2, brokenAtSeq: sample.seq + 1, problem: 'link_mismatch' });
  });

  it('changing a nested value inside details fails', () => {
    const tampered = chain.map((e) => ({ ...e }));
    tampered[MIDDLE]!.details = { index: MIDDLE, nested: { list: [1, 'two', { three: 4 }] } };
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAtSeq: sample.seq, problem: 'hash_mismatch' });
  });

  it('deleting a middle event gives seq_gap at the event after it', () => {
    const cut = chain.filter((_, i) => i !== MIDDLE);
    expect(verifyChain(cut)).toEqual({ ok: false, count: MIDDLE + 1, brokenAtSeq: sample.seq + 1, problem: 'seq_gap' });
  });

  it('swapping two events fails', () => {
    const swapped = [...chain];
    [swapped[MIDDLE], swapped[MIDDLE + 1]] = [chain[MIDDLE + 1]!, chain[MIDDLE]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, brokenAtSeq: sample.seq + 1 });
  });

  it('swapping two events and renumbering them still fails', () => {
    const a = { ...chain[MIDDLE + 1]!, seq: sample.seq };
    const b = { ...chain[MIDDLE]!, seq: sample.seq + 1 };
    const swapped = [...chain.slice(0, MIDDLE), a, b, ...chain.slice(MIDDLE + 2)];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, brokenAtSeq: sample.seq });
  });

  describe('paging with `from`', () => {
    const page1 = chain.slice(0, MIDDLE);
    const page2 = chain.slice(MIDDLE);

    it('verifies a later page from the previous page head', () => {
      const first = verifyChain(page1);
      expect(first).toMatchObject({ ok: true, headSeq: MIDDLE });
      const from = { seq: page1.at(-1)!.seq, hash: page1.at(-1)!.hash };
      expect(verifyChain(page2, from)).toEqual({ ok: true, count: N - MIDDLE, headSeq: N, headHash: chain[N - 1]!.hash });
    });

    it('fails a later page given a wrong from.hash', () => {
      const from = { seq: page1.at(-1)!.seq, hash: 'f'.repeat(64) };
      expect(verifyChain(page2, from)).toEqual({ ok: false, count: 1, brokenAtSeq: MIDDLE + 1, problem: 'link_mismatch' });
    });

    it('fails a later page given a wrong from.seq', () => {
      const from = { seq: MIDDLE - 1, hash: page1.at(-1)!.hash };
      expect(verifyChain(page2, from)).toMatchObject({ ok: false, brokenAtSeq: MIDDLE + 1, problem: 'seq_gap' });
    });

    it('a later page cannot be verified from the genesis', () => {
      expect(verifyChain(page2)).toMatchObject({ ok: false, problem: 'seq_gap' });
    });
  });

  it('cannot detect a cut tail: a truncated chain still verifies (signed checkpoints exist for this)', () => {
    const truncated = chain.slice(0, N - 5);
    const sut = verifyChain(truncated);
    expect(sut).toEqual({ ok: true, count: N - 5, headSeq: N - 5, headHash: chain[N - 6]!.hash });
    // Only a head recorded elsewhere reveals the cut.
    expect(sut.ok && sut.headHash).not.toBe(chain[N - 1]!.hash);
  });
});
