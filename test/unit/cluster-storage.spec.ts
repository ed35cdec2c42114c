import { clusterKeys } from '../../src/detection/domain/cluster';
import { siblingsOf, storedClusterKeys } from '../../src/detection/domain/cluster-storage';
import { normalise } from '../../src/detection/domain/normalise';

const keys = (text: string, phones: string[] = []) =>
  clusterKeys(normalise(text), { phones: phones.map((p) => ({ start: 0, end: 0, text: p, e164: p, country: 'GB' })), messengers: [], prices: [] });

describe('cluster keys as stored', () => {
  it('keeps band keys and stores contacts only as digests', () => {
    const sut = storedClusterKeys(keys('Boat to Italy every week, 2500 euro, call now', ['+447700900123']));
    expect(sut.filter((k) => k.startsWith('band:'))).toHaveLength(16);
    const phone = sut.filter((k) => k.startsWith('phone:'));
    expect(phone).toHaveLength(1);
    expect(phone[0]).toMatch(/^phone:[0-9a-f]{32}$/);
    expect(sut.join(' ')).not.toMatch(/7700/);
  });

  it('links a near-duplicate by similarity and a shared contact by key, and not an unrelated post', () => {
    const a = keys('Boat to Italy from Zuwara every week, 2500 euro, safe arrival guaranteed, WhatsApp now', ['+447700900123']);
    const near = keys('Boat to Italy from Zuwara every week, 2600 euro, safe arrival guaranteed, WhatsApp now!');
    const other = keys('Family dinner tonight by the harbour, everyone is welcome to join us', ['+447700900123']);
    const unrelated = keys('Completely different words about football results and the weather in spring');
    const own = { keys: storedClusterKeys(a), signature: a.signature };
    const shared = (k: ReturnType<typeof keys>) => storedClusterKeys(k).filter((x) => own.keys.includes(x));
    const sut = siblingsOf(own, [
      { postId: 'near', sharedKeys: shared(near), signature: near.signature },
      { postId: 'other', sharedKeys: shared(other), signature: other.signature },
      { postId: 'unrelated', sharedKeys: ['band:forced-collision'], signature: unrelated.signature },
    ]);
    expect(sut.map((s) => s.postId).sort()).toEqual(['near', 'other']);
    expect(sut.find((s) => s.postId === 'near')!.reasons[0]).toMatchObject({ kind: 'near_duplicate' });
    expect(sut.find((s) => s.postId === 'other')!.reasons).toEqual([{ kind: 'shared_contact', contact: 'phone' }]);
  });
});
