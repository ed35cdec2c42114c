import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CedarPdp, PolicyLoadError } from '../../src/policy/domain/cedar-pdp';
import { defaultPoliciesDir, loadPolicySet, PolicyFileError } from '../../src/policy/policy-loader';

const POLICIES_DIR = defaultPoliciesDir();
const policySet = loadPolicySet(POLICIES_DIR);
const schema = { path: 'schema.cedarschema', text: readFileSync(join(POLICIES_DIR, 'access', 'schema.cedarschema'), 'utf8') };
const reviewer = { id: 'u1', role: 'reviewer', unit: 'unit-a' };

describe('the Cedar decision point', () => {
  it('reports the @id of every loaded policy', () => {
    expect(policySet.access.policyIds).toEqual(expect.arrayContaining(['reviewer.read-own-unit-flags', 'purpose.case-for-post-content']));
    expect(policySet.access.policyIds.some((id) => /^policy\d+$/.test(id))).toBe(false);
  });

  it('denies when a policy fails to evaluate, even though Cedar would skip it and allow', () => {
    // 2^63-1 + 1 overflows at run time; strict validation cannot see it. A skipped forbid must not fail open.
    const sut = CedarPdp.load(schema, [
      { path: 'a.cedar', text: '@id("allow-all-submit")\npermit (principal, action == Smugwatch::Action::"ingest.submit", resource);' },
      { path: 'b.cedar', text: '@id("broken-forbid")\nforbid (principal, action, resource) when { 9223372036854775807 + 1 > 0 };' },
    ]);
    const d = sut.decide(reviewer, 'ingest.submit', { type: 'Service' }, {});
    expect(d.allow).toBe(false);
    expect(d.errors.join(' ')).toMatch(/broken-forbid/);
  });

  it('denies a request whose resource type the action does not take', () => {
    const d = policySet.access.decide(reviewer, 'flags.read', { type: 'Service' }, { purpose: 'review', caseReference: 'C-1' });
    expect(d.allow).toBe(false);
    expect(d.reason).toMatch(/does not match the access schema/);
  });

  it('denies an action the schema does not declare, without consulting Cedar', () => {
    const d = policySet.access.decide({ id: 'a', role: 'admin', unit: 'ops' }, 'audit.delete', { type: 'Service' }, {});
    expect(d).toMatchObject({ allow: false, policyIds: [] });
    expect(d.reason).toMatch(/not in the access schema/);
  });
});

describe('loading the access policy fails closed', () => {
  const load = (files: { path: string; text: string }[]) => {
    try {
      CedarPdp.load(schema, files);
    } catch (e) {
      if (e instanceof PolicyLoadError) return e;
      throw e;
    }
    throw new Error('expected CedarPdp.load to throw');
  };

  it('on a syntax error, naming file and line', () => {
    const e = load([{ path: 'x.cedar', text: '// c\n@id("a")\npermit (principal, action, resource);\n@id("b")\npermit (principal action, resource);' }]);
    expect(e.file).toBe('x.cedar');
    expect(e.line).toBe(5);
  });

  it('on a type error found by strict validation, naming the policy and its line', () => {
    const e = load([{ path: 'y.cedar', text: '\n\n@id("typo")\npermit (principal, action == Smugwatch::Action::"flags.read", resource)\nwhen { resource.unitt == principal.unit };' }]);
    expect(e.message).toMatch(/policy "typo"/);
    expect(e.line).toBe(5);
  });

  it('on a policy without @id', () => {
    expect(load([{ path: 'z.cedar', text: 'permit (principal, action, resource);' }]).reason).toMatch(/@id/);
  });

  it('on a duplicate @id across files', () => {
    const p = '@id("same")\npermit (principal, action == Smugwatch::Action::"ingest.submit", resource);';
    expect(load([{ path: 'a.cedar', text: p }, { path: 'b.cedar', text: p }]).reason).toMatch(/duplicate @id "same" \(also a\.cedar:1\)/);
  });

  it('on a schema that does not parse', () => {
    expect(() => CedarPdp.load({ path: 's.cedarschema', text: 'namespace Smugwatch { entity ; }' }, [])).toThrow(PolicyLoadError);
  });

  it('with no policies at all', () => {
    expect(load([]).reason).toMatch(/no access policies/);
  });
});

describe('loadPolicySet', () => {
  let dir: string;
  const flagging = readFileSync(join(POLICIES_DIR, 'flagging.yaml'), 'utf8');
  const retention = readFileSync(join(POLICIES_DIR, 'retention.yaml'), 'utf8');
  const loadError = (): PolicyFileError => {
    try {
      loadPolicySet(dir);
    } catch (e) {
      if (e instanceof PolicyFileError) return e;
      throw e;
    }
    throw new Error('expected loadPolicySet to throw');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policies-'));
    cpSync(join(POLICIES_DIR, 'access'), join(dir, 'access'), { recursive: true });
    writeFileSync(join(dir, 'flagging.yaml'), flagging);
    writeFileSync(join(dir, 'retention.yaml'), retention);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads an unaltered copy with the same version as the project policies', () => {
    const sut = loadPolicySet(dir);
    expect(sut.version).toBe(policySet.version);
    expect(sut.version).toMatch(/^[0-9a-f]{64}$/);
    expect(sut.files).toEqual(expect.arrayContaining(['access/schema.cedarschema', 'access/roles.cedar', 'flagging.yaml']));
  });

  it('stops on a Cedar type error in a policy file, with file and line', () => {
    const roles = readFileSync(join(dir, 'access', 'roles.cedar'), 'utf8');
    writeFileSync(join(dir, 'access', 'roles.cedar'), roles.replace('when { resource.unit == principal.unit };', 'when { resource.unit == 42 };'));
    const e = loadError();
    expect(e.file).toMatch(/access\/roles\.cedar$/);
    expect(e.line).toBeGreaterThan(1);
  });

  it('stops when the schema is missing', () => {
    unlinkSync(join(dir, 'access', 'schema.cedarschema'));
    expect(loadError().message).toMatch(/schema\.cedarschema.*cannot read/);
  });

  it('reports a YAML syntax error in flagging.yaml with its line', () => {
    writeFileSync(join(dir, 'flagging.yaml'), 'version: 1\nflagThreshold: [0.6\nreviewThreshold: 0.4\n');
    const e = loadError();
    expect(e.message).toContain('flagging.yaml');
    expect(e.line).not.toBeNull();
  });

  it('reports an unknown key in flagging.yaml on the line where it is written', () => {
    writeFileSync(join(dir, 'flagging.yaml'), `${flagging}\nflagThreshhold: 0.5\n`);
    const line = `${flagging}\nflagThreshhold: 0.5\n`.split('\n').findIndex((l) => l.startsWith('flagThreshhold')) + 1;
    const e = loadError();
    expect(e.line).toBe(line);
    expect(e.message).toMatch(/flagThreshhold/);
  });

  it('refuses a retention file that keeps the audit log less than six months', () => {
    writeFileSync(join(dir, 'retention.yaml'), retention.replace(/^auditEventsDays: \d+$/m, 'auditEventsDays: 100'));
    const e = loadError();
    expect(e.message).toMatch(/retention\.yaml:\d+: auditEventsDays: the audit log must be kept at least 183 days/);
  });

  it('refuses reviewThreshold above flagThreshold', () => {
    writeFileSync(join(dir, 'flagging.yaml'), flagging.replace(/^reviewThreshold: .*$/m, 'reviewThreshold: 0.9'));
    expect(loadError().message).toContain('reviewThreshold must not exceed flagThreshold');
  });

  it('changes the version when one byte of a policy file changes, even inside a comment', () => {
    const before = loadPolicySet(dir).version;
    const p = join(dir, 'access', 'purpose.cedar');
    writeFileSync(p, readFileSync(p, 'utf8').replace('// Purpose limitation', '// Purpose limitation.'));
    expect(loadPolicySet(dir).version).not.toBe(before);
  });

  it('changes the version between two files differing only in an invalid UTF-8 byte', () => {
    const withByte = (b: number) => Buffer.concat([Buffer.from(flagging), Buffer.from('# note '), Buffer.from([b]), Buffer.from('\n')]);
    writeFileSync(join(dir, 'flagging.yaml'), withByte(0xfe));
    const first = loadPolicySet(dir).version;
    writeFileSync(join(dir, 'flagging.yaml'), withByte(0xff));
    expect(loadPolicySet(dir).version).not.toBe(first);
  });
});
