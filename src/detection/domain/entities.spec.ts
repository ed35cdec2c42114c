import { extractEntities } from './entities';
import { normalise } from './normalise';

const entities = (text: string, lang = 'und') => extractEntities(normalise(text), lang);

describe('phones', () => {
  it('finds an international number and maps it to the original text', () => {
    const text = 'Call +44 7700 900123 today';
    const [p] = entities(text).phones;
    expect(p).toMatchObject({ text: '+44 7700 900123', e164: '+447700900123', country: 'GB' });
    expect(text.slice(p?.start, p?.end)).toBe('+44 7700 900123');
  });

  it('reads Persian digits', () => {
    const text = 'شماره ۰۹۱۲۰۰۰۰۰۰۳ تماس';
    const [p] = entities(text, 'pes').phones;
    expect(p).toMatchObject({ text: '۰۹۱۲۰۰۰۰۰۰۳', e164: '+989120000003', country: 'IR' });
  });

  it('reads Arabic-Indic digits with a 00 prefix', () => {
    const [p] = entities('واتساب ٠٠٢١٦٢٠٠٠٠٠١١', 'arb').phones;
    expect(p).toMatchObject({ e164: '+21620000011', country: 'TN' });
  });

  it('reads spaced national numbers using the flag hint', () => {
    const [p] = entities('🇹🇷 0555 000 00 00 arayın').phones;
    expect(p).toMatchObject({ text: '0555 000 00 00', e164: '+905550000000', country: 'TR' });
  });

  it('reads numbers split by zero-width characters and full-width digits', () => {
    const [p] = entities('＋３３ ６ ３９\u200B ９８ ００ １２').phones;
    expect(p?.e164).toBe('+33639980012');
  });

  it.each([
    ['ckb', 'پەیوەندی بکە 0750 000 0141', '0750 000 0141', '+9647500000141', 'IQ'],
    ['tir', 'ደውሉ 07 123 456', '07 123 456', '+2917123456', 'ER'],
  ])('tries the country of the post language first (%s)', (lang, text, span, e164, country) => {
    const [p] = entities(text, lang).phones;
    expect(p).toMatchObject({ text: span, e164, country });
    expect(text.slice(p?.start, p?.end)).toBe(span);
  });

  it('does not take prices or years for phones', () => {
    expect(entities('Price 2,500 euros in 2026, 1.500.000 toman').phones).toEqual([]);
  });
});

describe('prices', () => {
  it.each([
    ['£2,500 per person', 2500, 'GBP'],
    ['4,200 dólares', 4200, 'USD'],
    ['٤٥٠٠ يورو', 4500, 'EUR'],
    ['۲۵ میلیون تومان', 25_000_000, 'IRT'],
    ['2000 euro', 2000, 'EUR'],
    ['1500 TND', 1500, 'TND'],
    ['2500 DT', 2500, 'TND'],
    ['4000dt', 4000, 'TND'],
    ['3 alf dt', 3000, 'TND'],
    ['5 alaf euro', 5000, 'EUR'],
    ['3k £', 3000, 'GBP'],
    ['5 mil dólares', 5000, 'USD'],
    ['€4000', 4000, 'EUR'],
    ['6000 دينار', 6000, 'DINAR'],
    ['900 TL', 900, 'TRY'],
  ])('%s → %d %s', (text, amount, currency) => {
    const [p] = entities(`price ${text} ok`).prices;
    expect(p).toMatchObject({ amount, currency });
  });

  describe('in Central Kurdish (Sorani) and Ethiopic scripts, with offsets into the original', () => {
    it.each([
      ['نرخ ٥٠٠٠ یۆرۆ بۆ هەر کەسێک', '٥٠٠٠ یۆرۆ', 5000, 'EUR'],
      ['١٠ هەزار دۆلار', '١٠ هەزار دۆلار', 10_000, 'USD'],
      ['بەلەم، ١٨٠٠ پاوەند. پەیوەندی بکە', '١٨٠٠ پاوەند', 1800, 'GBP'],
      ['قیمت ۲۰۰۰ پوند برای هر نفر', '۲۰۰۰ پوند', 2000, 'GBP'],
      ['ክፍሊት 3000 ዶላር ጥራይ', '3000 ዶላር', 3000, 'USD'],
      ['ዋጋ 150000 ብር ነው', '150000 ብር', 150_000, 'ETB'],
      ['5 ሽሕ ዩሮ ንሓደ ሰብ', '5 ሽሕ ዩሮ', 5000, 'EUR'],
      ['20 ሺ ብር', '20 ሺ ብር', 20_000, 'ETB'],
      ['ብ 4000 ናቕፋ', '4000 ናቕፋ', 4000, 'ERN'],
      ['2500 birr only', '2500 birr', 2500, 'ETB'],
    ])('%s', (text, span, amount, currency) => {
      const [p] = entities(text).prices;
      expect(p).toMatchObject({ text: span, amount, currency });
      expect(text.slice(p?.start, p?.end)).toBe(span);
    });

    it('does not read a word that merely starts like a currency', () => {
      expect(entities('ቁጽሪ 3000 ብርሃን').prices).toEqual([]);
    });
  });

  describe('route-language currencies, thousand words, lakh and money emoji, with offsets into the original', () => {
    it.each([
      ['بیه ۱۵۰۰ ډالر', '۱۵۰۰ ډالر', 1500, 'USD'],
      ['قیمت ۲۰۰۰ دالر', '۲۰۰۰ دالر', 2000, 'USD'],
      ['خرچہ ۱۲ لاکھ روپے', '۱۲ لاکھ روپے', 1_200_000, 'PKR'],
      ['صرف 8 لاکھ، رابطہ', '8 لاکھ', 800_000, 'PKR'],
      ['15 lakh only', '15 lakh', 1_500_000, 'PKR'],
      ['taman 30000 dh', '30000 dh', 30_000, 'MAD'],
      ['18 mijë paund', '18 mijë paund', 18_000, 'GBP'],
      ['solo 18 mila euro', '18 mila euro', 18_000, 'EUR'],
      ['40 شخص فقط، 💶 ٣٠٠٠، 📞', '💶 ٣٠٠٠', 3000, 'EUR'],
      ['ځای شته، 💵 ۱۸۰۰', '💵 ۱۸۰۰', 1800, 'USD'],
      ['only 2500 💷 each', '2500 💷', 2500, 'GBP'],
      ['💰 4000', '💰 4000', 4000, 'XXX'],
    ])('%s', (text, span, amount, currency) => {
      const [p] = entities(text).prices;
      expect(p).toMatchObject({ text: span, amount, currency });
      expect(text.slice(p?.start, p?.end)).toBe(span);
    });

    it('does not read the plain word "money" as a currency', () => {
      expect(entities('we have no money 3000 people wait').prices).toEqual([]);
    });

    it('does not take a lakh amount that already has a currency twice', () => {
      expect(entities('12 lakh rupees').prices).toHaveLength(1);
    });
  });

  it('ignores numbers without a currency', () => {
    expect(entities('2500 people crossed').prices).toEqual([]);
  });
});

describe('messengers', () => {
  it.each([
    ['WhatsApp +44 7700 900123', 'whatsapp', '+44 7700 900123'],
    ['wa.me/447700900123', 'whatsapp', '447700900123'],
    ['join t.me/fake_channel_01', 'telegram', 'fake_channel_01'],
    ['Telegram: @fake_boat_fa', 'telegram', '@fake_boat_fa'],
    ['w h a t s a p p 07700 900321', 'whatsapp', '07700 900321'],
    ['تلگرام @fake_safar_01', 'telegram', '@fake_safar_01'],
    ['واتس اب', 'whatsapp', null],
    ['تلغرام', 'telegram', null],
    ['DM me', 'dm', null],
    ['prix en MP', 'dm', null],
    ['التواصل على الخاص', 'dm', null],
    ['Viber +90 555 000 00 00', 'viber', '+90 555 000 00 00'],
    ['واټساپ ۰۷۷۰۰۹۰۰۲۹۱', 'whatsapp', '07700900291'],
    ['ټیلیګرام کې پیغام راکړئ', 'telegram', null],
    ['واٹس ایپ 07700900518', 'whatsapp', '07700900518'],
    ['پەیوەندی بکەن واتسئاپ', 'whatsapp', null],
    ['🚤🇬🇷 تێلێگرام', 'telegram', null],
    ['ብዋትስኣፕ ተወከሱ', 'whatsapp', null],
    ['ቴሌግራም ላይ መልዕክት ይላኩ', 'telegram', null],
    ['nur ernsthafte Anfragen per DM', 'dm', null],
    ['Mesazh në inbox', 'dm', null],
    ['ailelere indirim, DM', 'dm', null],
  ])('%s', (text, service, handle) => {
    expect(entities(text).messengers[0]).toMatchObject({ service, handle });
  });

  it('maps a Pashto messenger name back to its original span', () => {
    const text = 'پیسې وروسته. ټیلیګرام کې';
    const [m] = entities(text).messengers;
    expect(text.slice(m?.start, m?.end)).toBe('ټیلیګرام');
  });

  it('does not take "DM" inside a sentence or "inbox" as a noun mid-text for an invitation', () => {
    expect(entities('my DM settings changed').messengers).toEqual([]);
    expect(entities('the inbox is full today').messengers).toEqual([]);
  });

  it('does not take the ordinary word "signal" for the app', () => {
    expect(entities('no mobile signal at the camp').messengers).toEqual([]);
  });
});
