import { identifyLanguage } from './language';

describe('identifyLanguage', () => {
  it.each([
    ['eng', 'We are looking for volunteers to help at the food distribution this weekend in the city centre.'],
    ['arb', 'نحن نبحث عن متطوعين للمساعدة في توزيع الطعام في نهاية هذا الأسبوع في وسط المدينة'],
    ['pes', 'ما به دنبال داوطلبانی برای کمک به توزیع غذا در آخر این هفته در مرکز شهر هستیم'],
    ['fra', 'Nous cherchons des bénévoles pour aider à la distribution de repas ce week-end au centre-ville.'],
    ['spa', 'Buscamos voluntarios para ayudar en el reparto de comida este fin de semana en el centro.'],
    ['tur', 'Bu hafta sonu şehir merkezindeki yemek dağıtımına yardım edecek gönüllüler arıyoruz.'],
  ])('%s', (code, text) => {
    const g = identifyLanguage(text);
    expect(g.code).toBe(code);
    expect(g.confidence).toBeGreaterThan(0.2);
    expect(g.confidence).toBeLessThanOrEqual(1);
  });

  it('returns und for short texts', () => {
    expect(identifyLanguage('ok 👍 +44 7700 900123')).toEqual({ code: 'und', confidence: 0 });
  });

  it('picks the dominant script in mixed posts', () => {
    const g = identifyLanguage('رحلة الى ايطاليا كل اسبوع والسعر مناسب جدا للعائلات WhatsApp https://wa.me/447700900123 OK');
    expect(g.code).toBe('arb');
  });

  it('sees through Cyrillic look-alikes', () => {
    expect(identifyLanguage('Sаfе сrоssing tо Itаly frоm Libyа, with the best team and the strongest engine').code).toBe('eng');
  });
});
