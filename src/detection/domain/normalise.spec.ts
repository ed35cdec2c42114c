import { compileTerm } from './ruleset';
import { ARABIZI_IN_CONTEXT, ARABIZI_WORD, arabiziWordKind, isArabiziWord, NOT_ARABIZI_WORD, normalise, toOriginalSpan, tokenise } from './normalise';

/** Finds `needle` in the normalised text and returns the original substring it maps back to. */
function backToOriginal(original: string, needle: string): string {
  const n = normalise(original);
  const i = n.text.indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not in "${n.text}"`);
  return toOriginalSpan(n, i, i + needle.length).text;
}

describe('normalise', () => {
  it('lower-cases, folds full-width forms and strips Latin diacritics', () => {
    expect(normalise('ＷＨＡＴＳＡＰＰ Traversée GEÇİŞ').text).toBe('whatsapp traversee gecis');
  });

  it('drops zero-width and bidi characters and maps matches back over them', () => {
    const original = 'call wh\u200Bats\u200Dapp\u202E now';
    expect(normalise(original).text).toBe('call whatsapp now');
    expect(backToOriginal(original, 'whatsapp')).toBe('wh\u200Bats\u200Dapp');
  });

  it('converts Arabic-Indic and Persian digits and maps them back', () => {
    const original = 'رقم ٠٧٧٠٠ ۹۰۰۱۲۳';
    expect(normalise(original).text).toBe('رقم 07700 900123');
    expect(backToOriginal(original, '07700 900123')).toBe('٠٧٧٠٠ ۹۰۰۱۲۳');
  });

  it('unifies Arabic/Persian letter variants and strips tashkeel and tatweel', () => {
    expect(normalise('الحَرْقَة إلى أوروبا ی ک آ مـــهرب').text).toBe('الحرقه الي اوروبا ي ك ا مهرب');
  });

  it('joins letter-spaced and dotted words and maps the joined word to the spaced original', () => {
    const original = 'contact w h a t s a p p or t.e.l.e.g.r.a.m now';
    expect(normalise(original).text).toBe('contact whatsapp or telegram now');
    expect(backToOriginal(original, 'whatsapp')).toBe('w h a t s a p p');
    expect(backToOriginal(original, 'telegram')).toBe('t.e.l.e.g.r.a.m');
  });

  it('does not join ordinary one-letter words', () => {
    expect(normalise('il y a un bateau').text).toBe('il y a un bateau');
  });

  it('folds Cyrillic look-alikes inside Latin words and maps back to the disguised text', () => {
    const original = 'Sаfе сrоssing'; // а е с о are Cyrillic
    expect(normalise(original).text).toBe('safe crossing');
    expect(backToOriginal(original, 'safe crossing')).toBe(original);
  });

  it('leaves genuine Cyrillic text alone', () => {
    expect(normalise('привет мир').text).toBe('привет мир');
  });

  it('turns emoji into tags whose span is the emoji', () => {
    const original = 'go 🚤🇬🇧 ✈️ 💶';
    const n = normalise(original);
    expect(n.text).toBe('go boat flag_gb plane money ');
    expect(backToOriginal(original, 'flag_gb')).toBe('🇬🇧');
    expect(backToOriginal(original, 'plane')).toBe('✈️');
  });

  it('gives every token an original span equal to original.slice(start, end)', () => {
    const original = 'Ｂｏｚａ ٥٠٠ يورو w\u200Bh a t s a p p 🇪🇸';
    const n = normalise(original);
    for (const t of tokenise(n.text)) {
      const s = toOriginalSpan(n, t.start, t.end);
      expect(s.text).toBe(original.slice(s.start, s.end));
    }
  });

  describe('Arabizi', () => {
    it('reads 2 3 5 7 9 as ء ع خ ح ق inside Arabizi words and maps each letter back to its digit', () => {
      const original = '7arga l3a2ila 9wi 5obz, 3la sa7';
      const n = normalise(original);
      expect(n.text).toBe('\u062Darga l\u0639a\u0621ila \u0642wi \u062Eobz, \u0639la sa\u062D');
      const i = n.text.indexOf('\u0621');
      expect(toOriginalSpan(n, i, i + 1)).toEqual({ start: 9, end: 10, text: '2' });
      expect(backToOriginal(original, '\u062Darga')).toBe('7arga');
      expect(backToOriginal(original, 'l\u0639a\u0621ila')).toBe('l3a2ila');
      for (const t of tokenise(n.text)) {
        const sp = toOriginalSpan(n, t.start, t.end);
        expect(sp.text).toBe(original.slice(sp.start, sp.end));
        expect(sp.end - sp.start).toBe(t.end - t.start);
      }
    });

    it('never touches numbers, prices, phone numbers, times, ordinals or handles', () => {
      const original = '5000 dt, 2k £, 07700 900123, 3500$, 7pm, 3rd, 5euros, 2eme, 9am, @fake_7arga t.me/l7arga b2b co2';
      expect(normalise(original).text).toBe('5000 dt, 2k £, 07700 900123, 3500$, 7pm, 3rd, 5euros, 2eme, 9am, @fake_7arga t.me/l7arga b2b co2');
    });

    it('keeps leetspeak for a 3 or 5 between letters of a word with no 2, 7 or 9', () => {
      expect(normalise('t3legram s3cure ca5h').text).toBe('telegram secure cash');
      expect(normalise('iphone7 7days').text).toBe('iphone7 7days');
    });

    it('works in a post that also has Arabic script, word by word', () => {
      expect(normalise('حرقة 7arga').text).toBe('حرقه \u062Darga');
    });

    it('reads 3/5 between letters as Arabizi when another word of the post is Arabizi ("ba3d", "3ayetli", "7arga")', () => {
      expect(normalise('t5alles ba3d ma tousel').text).toBe('t\u062Ealles ba\u0639d ma tousel');
      expect(normalise('5las, n5alsou tawa, 3ayetli').text).toBe('\u062Elas, n\u062Ealsou tawa, \u0639ayetli');
      expect(normalise('l7arga w na5dem').text).toBe('l\u062Darga w na\u062Edem');
    });

    it('reads 3/5 between letters as Arabizi when the post has a common Arabizi function word in letters', () => {
      expect(normalise('kayn blasa, t5alles mnin twsl').text).toBe('kayn blasa, t\u062Ealles mnin twsl');
      expect(normalise('barcha nes ya5dmou').text).toBe('barcha nes ya\u062Edmou');
      expect(normalise('mafi mashakel, sa3a w nousal').text).toBe('mafi mashakel, sa\u0639a w nousal');
    });

    it('keeps 3/5 between letters as leetspeak in a post with no Arabizi evidence, and messenger names always', () => {
      expect(normalise('crossing s3cure, t5alles').text).toBe('crossing secure, tsalles');
      expect(normalise('7arga, contact t3legram or what5app').text).toBe('\u062Darga, contact telegram or whatsapp');
      // a function word inside a handle is not evidence
      expect(normalise('@fake_kayn s3cure').text).toBe('@fake_kayn secure');
      // words common in other languages are not evidence ("el", "men", "fin")
      expect(normalise('el ca5h men fin').text).toBe('el cash men fin');
    });

    it('maps each Arabizi letter read from context back to its digit', () => {
      const original = 'kayn t5alles';
      const n = normalise(original);
      const i = n.text.indexOf('\u062E');
      expect(toOriginalSpan(n, i, i + 1)).toEqual({ start: 6, end: 7, text: '5' });
    });

    it('reads every 3/5 word as Arabizi with the `always` option, and leaves other words alone', () => {
      expect(normalise('t5alles', { arabizi: 'always' }).text).toBe('t\u062Ealles');
      expect(normalise('t3legram 7pm 5000 dt', { arabizi: 'always' }).text).toBe('telegram 7pm 5000 dt');
    });

    it('classifies digit words: Arabizi alone, Arabizi in context, not Arabizi', () => {
      expect(arabiziWordKind('7arga')).toBe(ARABIZI_WORD);
      expect(arabiziWordKind('ba3d')).toBe(ARABIZI_WORD);
      expect(arabiziWordKind('t5alles')).toBe(ARABIZI_IN_CONTEXT);
      expect(arabiziWordKind('s3cure')).toBe(ARABIZI_IN_CONTEXT);
      expect(arabiziWordKind('t3legram')).toBe(NOT_ARABIZI_WORD);
      expect(arabiziWordKind('iphone5')).toBe(NOT_ARABIZI_WORD);
      expect(arabiziWordKind('mp3')).toBe(NOT_ARABIZI_WORD);
      expect(arabiziWordKind('5euros')).toBe(NOT_ARABIZI_WORD);
    });

    it('compiles a rule term with a 3/5 word so that it matches both readings of the word in posts', () => {
      const term = compileTerm('t5alles ki tousel', ['eng']);
      const first = term?.words[0];
      expect(first?.word).toBe('tsalles');
      expect(first?.variants).toContain('t\u062Ealles');
      const inArabiziPost = tokenise(normalise('7arga, t5alles ki tousel').text).map((t) => t.text);
      const inPlainPost = tokenise(normalise('t5alles ki tousel').text).map((t) => t.text);
      expect(inArabiziPost[1]).toBe('t\u062Ealles');
      expect(inPlainPost[0]).toBe('tsalles');
      expect(first?.variants).toContain(inArabiziPost[1]);
      expect(first?.variants).toContain(inPlainPost[0]);
    });

    it.each([
      ['7arga', true], ['l7arga', true], ['l3a2ila', true], ['3la', true], ['9albi', true],
      // "ma3a" (with) is a common Arabizi word, Arabizi on its own; "sa3id" is Arabizi only in an Arabizi post
      ['ma3a', true], ['sa3id', false],
      ['7', false], ['77ab', false], ['7x', false], ['a7', false], ['5th', false], ['2nights', false], ['3arab', true],
    ])('isArabiziWord(%s) is %s', (w, expected) => {
      expect(isArabiziWord(w)).toBe(expected);
    });
  });
});

