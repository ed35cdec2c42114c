import { identifyLanguage, withArabizi } from './language';
import { normalise, tokenise } from './normalise';

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

  describe('Central Kurdish (Sorani) is told from Persian', () => {
    it.each([
      ['an offer', 'ڕێگای ئەڵمانیا لە تورکیاوە بە لۆری، بێ پشکنین، گەرەنتی ١٠٠٪. نرخ ٥٠٠٠ یۆرۆ'],
      ['a family search', 'بەدوای براکەم هاوڕێدا دەگەڕێین، مانگێک لەمەوبەر لە دانکێرکەوە ڕۆیشت و هیچ هەواڵێکمان نییە'],
      ['news', 'پۆلیس تۆڕێکی قاچاخچێتی مرۆڤی لە سلێمانی دەستگیر کرد'],
      ['with Latin and emoji mixed in', '🚤🇬🇧 ئەم هەفتەیە جێگا کەمە، لە تایبەت نامە بنێرە WhatsApp @fake_rega'],
    ])('%s', (_, text) => {
      const g = identifyLanguage(text);
      expect(g.code).toBe('ckb');
      expect(g.confidence).toBeGreaterThan(0.25);
      expect(g.confidence).toBeLessThanOrEqual(1);
    });

    it.each([
      ['pes', 'عبور از مرز ترکیه به یونان با قایق کاملا تضمینی، پرداخت بعد از رسیدن'],
      ['arb', 'رحلة من ليبيا الى ايطاليا والدفع بعد الوصول، اتصل على الخاص'],
      ['urd', 'ہم اس ہفتے کے آخر میں کھانے کی تقسیم میں مدد کے لیے رضاکاروں کی تلاش میں ہیں'],
    ])('%s stays %s', (code, text) => {
      expect(identifyLanguage(text).code).toBe(code);
    });

    it('needs more than a stray Sorani letter in a Persian post', () => {
      expect(identifyLanguage('ما به دنبال داوطلبانی برای کمک به توزیع غذا در آخر این هفته هستیم ە').code).toBe('pes');
    });
  });
});

describe('withArabizi', () => {
  const guess = (text: string) => withArabizi(identifyLanguage(text), tokenise(normalise(text).text));

  it.each([
    ['two words read from digits', '7arga l italia mn sfax, flouka kbira w moteur 9wi, 5000 dt w t5alles ba3d ma tousel'],
    ['one word from digits and a function word', 'kayn 7arga l spania mn nador had simana'],
    ['function words alone, a fifth of the words', 'kayn blasa l espania f lbotti, 25000 dh, lkhlas mnin twsl'],
  ])('reports Latin-script Arabic as arb: %s', (_, text) => {
    const g = guess(text);
    expect(g.code).toBe('arb');
    expect(g.confidence).toBeGreaterThan(0);
    expect(g.confidence).toBeLessThanOrEqual(1);
  });

  it.each([
    ['fra', 'Yalla habibi, on se retrouve ce soir chez Karim pour regarder le match, wesh ramène les boissons'],
    ['eng', 'Inshallah the ferry leaves on time tomorrow, yalla we go early to the port, wallah I am tired'],
    ['eng', 'Harga is the word young Tunisians use for crossing; in Arabizi they write 7arga. Our NGO explains the risks.'],
  ])('keeps %s posts that borrow a word or two', (code, text) => {
    expect(guess(text).code).toBe(code);
  });

  it('leaves Arabic-script guesses alone', () => {
    const g = { code: 'pes', confidence: 0.9 };
    expect(withArabizi(g, tokenise(normalise('7arga 7arga 7arga').text))).toBe(g);
  });
});
