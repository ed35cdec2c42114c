import { ClusterIndex, clusterKeys, minhash, similarity } from '../../src/detection/domain/cluster';
import { extractEntities } from '../../src/detection/domain/entities';
import { normalise } from '../../src/detection/domain/normalise';

const keysOf = (text: string) => {
  const n = normalise(text);
  return clusterKeys(n, extractEntities(n, 'und'));
};

describe('near-duplicate clustering', () => {
  const ad = 'Boat to Italy from Zuwara this Friday, strong engine, life jackets for everyone. 2500 euro, pay on arrival. Telegram @fake_sea_a';
  const repost = 'Boat to Italy from Zuwara this Saturday!! strong engine, life jackets for everyone. 2500 euro, pay on arrival. Telegram @fake_sea_b';
  const other = 'Community dinner at the youth centre on Sunday, everyone welcome, bring something to share with your neighbours and friends.';

  it('gives near-duplicates a high similarity and unrelated posts a low one', () => {
    expect(similarity(keysOf(ad).signature, keysOf(repost).signature)).toBeGreaterThan(0.6);
    expect(similarity(keysOf(ad).signature, keysOf(other).signature)).toBeLessThan(0.2);
  });

  it('works on Arabic and Persian script, digits and emoji', () => {
    const a = '🚤🇮🇹 رحلة من زوارة الى ايطاليا يوم الجمعة، السعر ٤٥٠٠ يورو، الدفع بعد الوصول، واتساب';
    const b = '🚤🇮🇹 رحلة من زوارة الى ايطاليا يوم السبت، السعر ٤٥٠٠ يورو، الدفع بعد الوصول، واتساب';
    const c = '🚤🇮🇹 رحلة من زوارة الى ايطاليا يوم الجمعة، السعر ٩٩٩٩ يورو، الدفع بعد الوصول، واتساب';
    const p = 'از ترکیه به یونان با قایق، هر شب، ۱۸۰۰ یورو، پرداخت بعد از رسیدن';
    expect(similarity(keysOf(a).signature, keysOf(b).signature)).toBeGreaterThan(0.6);
    // digits are kept: a different price is a (small) difference
    expect(similarity(keysOf(a).signature, keysOf(c).signature)).toBeLessThan(1);
    expect(similarity(keysOf(a).signature, keysOf(p).signature)).toBeLessThan(0.2);
  });

  it('is deterministic and gives no signature for very short texts', () => {
    expect(minhash('boat to italy')).toEqual(minhash('boat to italy'));
    expect(minhash('ok')).toEqual([]);
  });

  it('links posts sharing a phone number or handle, whatever their text', () => {
    const x = keysOf('Call +44 7700 900123 for the trip');
    const y = keysOf('Different words entirely, reach us on WhatsApp 07700 900123');
    expect(x.links).toContain('phone:+447700900123');
    expect(y.links).toContain('phone:+447700900123');
    const sut = new ClusterIndex();
    sut.add('p1', x);
    expect(sut.add('p2', y)).toEqual([{ id: 'p1', reason: { kind: 'shared_key', key: 'phone:+447700900123' } }]);
    expect(sut.cluster('p2')).toEqual(['p1', 'p2']);
  });

  it('groups reposts, keeps unrelated posts apart, and reports cluster members', () => {
    const sut = new ClusterIndex();
    sut.add('a', keysOf(ad));
    sut.add('c', keysOf(other));
    const joined = sut.add('b', keysOf(repost));
    expect(joined.map((j) => j.id)).toEqual(['a']);
    expect(joined[0]?.reason.kind).toBe('near_duplicate');
    expect(sut.cluster('a')).toEqual(['a', 'b']);
    expect(sut.cluster('c')).toEqual(['c']);
    expect(sut.cluster('unknown')).toEqual([]);
  });

  it('links handles case-insensitively', () => {
    expect(keysOf('Telegram @Fake_Route').links).toEqual(keysOf('telegram @fake_route now').links);
  });
});
