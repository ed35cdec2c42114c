import { toOriginalSpan, type NormalisedText } from './normalise';
import { extractPhones } from './phones';
import type { Entities } from './types';

export { findPhones, readCandidate } from './phones';

/**
 * Entity extraction on normalised text (so Arabic-Indic/Persian digits, full-width digits, zero-width characters and
 * letter spacing are already folded); every span is mapped back to the original text.
 */

type Messenger = Entities['messengers'][number];
type Price = Entities['prices'][number];

const HANDLE_AFTER = String.raw`(?:\s*(?:[:=\-–>]|on|sur|en|على|عبر|از|در)?\s*(@[a-z0-9_.]{3,32}|\+?\d[\d \-]{6,}\d))?`;
/**
 * Each pattern with `triggers`: substrings one of which every match contains (read off the pattern's alternatives), so
 * a pattern runs only on a text holding one of them; the result is the same, at the cost of a few `includes`.
 */
export const MESSENGER_PATTERNS: ReadonlyArray<{ service: string; re: RegExp; triggers: readonly string[] }> = [
  { service: 'whatsapp', re: /(?:https?:\/\/)?(?:wa\.me|api\.whatsapp\.com\/send\?phone=)\/?\+?(\d{6,15})/gu, triggers: ['wa.me', 'api.whatsapp.com/send?phone='] },
  { service: 'whatsapp', re: /(?:https?:\/\/)?chat\.whatsapp\.com\/([a-z0-9]{6,})/gu, triggers: ['chat.whatsapp.com/'] },
  { service: 'telegram', re: /(?:https?:\/\/)?(?:t|telegram)\.me\/(?:joinchat\/|\+)?([a-z0-9_]{3,32})/gu, triggers: ['.me/'] },
  { service: 'signal', re: /(?:https?:\/\/)?signal\.me\/#\S+/gu, triggers: ['signal.me/#'] },
  { service: 'viber', re: /viber:\/\/\S+/gu, triggers: ['viber://'] },
  {
    service: 'whatsapp',
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:whats\s?app|whatsap|watsapp|watsap|wats\s?app|whtsapp|wtsp|wsp|واتساب|واتس اب|واتسپ|واتساپ|واتس|وتساب|الواتس|الواتساب|وتس|واټساپ|واټس اپ|واٹس ايپ|واٹس اپ|واٹساپ|واتسياپ|واتس ياپ|[ብበ]?(?:ዋትስኣፕ|ዋትስአፕ|ዋትሳፕ|ዋትስ አፕ|ዋትሰፕ))(?![\p{L}\p{N}])` + HANDLE_AFTER, 'gu'),
    triggers: ['wha', 'wat', 'wht', 'wtsp', 'wsp', 'وات', 'وتس', 'واټ', 'واٹ', 'ዋት'],  // Ethiopic names may carry the glued preposition ብ/በ ("by")
  },
  {
    service: 'telegram',
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:telegram|telegramm|telgram|telegrame|تلغرام|تلجرام|تيليجرام|تليجرام|تلگرام|التلغرام|التليجرام|ټيليګرام|ټيلیګرام|ټلګرام|ٹيليگرام|ٹیلیگرام|تێلێگرام|تيليگرام|تێلیگرام|[ብበ]?(?:ቴሌግራም|ተለግራም|ቴለግራም))(?![\p{L}\p{N}])` + HANDLE_AFTER, 'gu'),
    triggers: ['tel', 'تل', 'تي', 'ټ', 'ٹ', 'تێ', 'ቴ', 'ተለ'],
  },
  { service: 'viber', re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:viber|فايبر|وايبر|الفايبر)(?![\p{L}\p{N}])` + HANDLE_AFTER, 'gu'), triggers: ['viber', 'ايبر'] },
  { service: 'imo', re: new RegExp(String.raw`(?<![\p{L}\p{N}])imo(?![\p{L}\p{N}])` + HANDLE_AFTER.replace(/\)\?$/u, ')'), 'gu'), triggers: ['imo'] },
  // "signal" is an ordinary English word: only with a number or @handle after it.
  { service: 'signal', re: new RegExp(String.raw`(?<![\p{L}\p{N}])signal` + HANDLE_AFTER.replace(/\)\?$/u, ')'), 'gu'), triggers: ['signal'] },
  {
    service: 'dm',
    re: /(?<![\p{L}\p{N}])(?:dm|inbox|pm)\s(?:me|us|for|now)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:message|text|write)\s(?:me|us)\s(?:privately|in private)|(?<![\p{L}\p{N}])(?:en\s(?:mp|prive)|par\s(?:mp|message prive))(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:por|al|manda|mandame)\s(?:md|inbox|privado)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])mensaje privado(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:dm'den|dmden|özelden|ozelden)(?![\p{L}\p{N}])|(?:راسلني|راسلونا|تواصل (?:معي|معنا) (?:علي|في) الخاص|علي الخاص|بالخاص|في الخاص|پيام خصوصي|پي وي|پيوي)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])pv(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:per|par|en|via|in|by|on|në|ne|ne)\s(?:dm|pm|inbox)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:dm|inbox)$/gu,
    triggers: ['dm', 'inbox', 'pm', 'privat', 'mp', 'prive', 'md', 'privado', 'zelden', 'راسل', 'الخاص', 'خصوصي', 'پي', 'pv'],
  },
];

/** Where a match may start: a literal, what must precede it and (optionally) what follows it. */
interface Anchor {
  /** The literal every such match starts with. */
  readonly lit: string;
  /** Preceding-character rule the pattern puts at the match start: see {@link LB_MASK} (0: none). */
  readonly lb: number;
  /** When set, the literal is followed by one `\s` character and then one of these characters. */
  readonly after?: string;
}

/**
 * Anchors of the word patterns of {@link MESSENGER_PATTERNS} (index 5 on; null for the link patterns, which run on
 * their `triggers`): every match of the pattern starts with one of the literals, read off its alternatives, with the
 * pattern's lookbehind `(?<![\p{L}\p{N}])` (lb 1) where every alternative starting so has it, and with the `\s` and
 * following letters where every such alternative has them (e.g. "in" only as "in\s(?:dm|pm|inbox)"). The pattern is
 * then run (sticky) only where an anchor sits, which finds exactly the matches matchAll finds. A change to a word
 * pattern must be mirrored here (a missing anchor silently loses matches).
 */
const MESSENGER_ANCHORS: ReadonlyArray<readonly Anchor[] | null> = [
  null, null, null, null, null,
  [
    'what', 'wats', 'whts', 'wtsp', 'wsp', 'واتس', 'وتس', 'الواتس', 'واټس', 'واٹس', 'ዋት', 'ብዋት', 'በዋት',
  ].map((lit) => ({ lit, lb: 1 })),
  ['tel', 'تل', 'تي', 'التل', 'ټ', 'ٹ', 'تێ', 'ቴ', 'ተለ', 'ብቴ', 'ብተለ', 'በቴ', 'በተለ'].map((lit) => ({ lit, lb: 1 })),
  ['viber', 'فايبر', 'وايبر', 'الفايبر'].map((lit) => ({ lit, lb: 1 })),
  [{ lit: 'imo', lb: 1 }],
  [{ lit: 'signal', lb: 1 }],
  [
    // (?:dm|inbox|pm)\s(?:me|us|for|now); dm'den, dmden; (?:dm|inbox)$
    { lit: 'dm', lb: 1 }, { lit: 'inbox', lb: 1 }, { lit: 'pm', lb: 1, after: 'mufn' },
    // (?:message|text|write)\s(?:me|us)\s…
    { lit: 'message', lb: 1, after: 'mu' }, { lit: 'text', lb: 1, after: 'mu' }, { lit: 'write', lb: 1, after: 'mu' },
    // en\s(?:mp|prive), par\s(?:mp|message prive), and (?:per|par|en|via|in|by|on|në|ne)\s(?:dm|pm|inbox)
    { lit: 'en', lb: 1, after: 'mpdi' }, { lit: 'par', lb: 1, after: 'mpdi' },
    ...['per', 'via', 'in', 'by', 'on', 'në', 'ne'].map((lit) => ({ lit, lb: 1, after: 'dpi' })),
    // (?:por|al|manda|mandame)\s(?:md|inbox|privado)
    ...['por', 'al', 'manda', 'mandame'].map((lit) => ({ lit, lb: 1, after: 'mip' })),
    { lit: 'mensaje privado', lb: 1 }, { lit: 'özelden', lb: 1 }, { lit: 'ozelden', lb: 1 }, { lit: 'pv', lb: 1 },
    // no lookbehind
    ...['راسلني', 'راسلونا', 'تواصل ', 'علي الخاص', 'بالخاص', 'في الخاص', 'پيام خصوصي', 'پي وي', 'پيوي'].map((lit) => ({ lit, lb: 0 })),
  ],
];
/** The word patterns as sticky regexes (same source), run at anchor positions; null for the link patterns. */
const MESSENGER_STICKY: ReadonlyArray<RegExp | null> = MESSENGER_PATTERNS.map((p, k) => (MESSENGER_ANCHORS[k] ? new RegExp(p.re.source, 'uy') : null));

/**
 * Messenger contacts: links (wa.me, api.whatsapp.com, chat.whatsapp.com, t.me, telegram.me, signal.me, viber://),
 * service names in Latin, Arabic, Persian, Pashto, Urdu, Sorani and Ethiopic script (WhatsApp/واتساب/واتساپ/واټساپ/واٹس ایپ/
 * واتسئاپ/ዋትስኣፕ, Telegram/تلغرام/تلگرام/ټیلیګرام/تێلێگرام/ቴሌግራም, Viber/فايبر,
 * imo, Signal only with a number or handle), each with the following @handle or number as `handle`, and private-message
 * invitations ("DM me", "inbox me", "per DM", "në inbox", a closing "DM", "en MP", "por MD", "özelden", "راسلني", "على الخاص",
 * "پیام خصوصی", "pv") as service `dm`.
 * Overlapping matches keep the first-found (links before words). Spans are UTF-16 offsets into `n.original`.
 * Each pattern's matches are those of `text.matchAll(re)`: link patterns run only on a text holding one of their
 * triggers, word patterns only at their anchors (one scan of the text finds both, see {@link scan}).
 */
export function extractMessengers(n: NormalisedText): Messenger[] {
  const text = n.text;
  const s = scan(text);
  const found: Array<{ start: number; end: number; service: string; handle: string | null }> = [];
  for (let k = 0; k < MESSENGER_PATTERNS.length; k++) {
    const p = MESSENGER_PATTERNS[k] as (typeof MESSENGER_PATTERNS)[number];
    const sticky = MESSENGER_STICKY[k];
    if (sticky === null || sticky === undefined) {
      if ((s.triggers & (1 << k)) === 0) continue;
      for (const m of text.matchAll(p.re)) addMessenger(found, m.index ?? 0, m, p.service);
      continue;
    }
    stickyMatches(sticky, text, s.starts[k] as number[], (pos, m) => addMessenger(found, pos, m, p.service));
  }
  if (found.length > 1) found.sort((a, b) => a.start - b.start);
  const out: Messenger[] = [];
  for (const f of found) {
    const sp = toOriginalSpan(n, f.start, f.end);
    out.push({ start: sp.start, end: sp.end, text: sp.text, service: f.service, handle: f.handle });
  }
  return out;
}

function addMessenger(found: Array<{ start: number; end: number; service: string; handle: string | null }>, start: number, m: RegExpMatchArray, service: string): void {
  const end = start + m[0].length;
  for (const b of found) if (start < b.end && b.start < end) return;
  const h = m[1]?.trim();
  found.push({ start, end, service, handle: h === undefined || h === '' ? null : h });
}

const CURRENCY_WORDS: ReadonlyArray<[string, string]> = [
  ['euros', 'EUR'], ['euro', 'EUR'], ['eur', 'EUR'], ['evro', 'EUR'], ['يورو', 'EUR'], ['اليورو', 'EUR'], ['اورو', 'EUR'],
  ['usd', 'USD'], ['dollars', 'USD'], ['dollar', 'USD'], ['dolares', 'USD'], ['dolar', 'USD'], ['dolari', 'USD'], ['dls', 'USD'], ['دولار', 'USD'], ['دلار', 'USD'],
  ['gbp', 'GBP'], ['pounds', 'GBP'], ['pound', 'GBP'], ['quid', 'GBP'], ['sterlina', 'GBP'], ['sterline', 'GBP'], ['جنيه استرليني', 'GBP'],
  ['try', 'TRY'], ['tl', 'TRY'], ['lira', 'TRY'], ['liras', 'TRY'], ['ليره', 'TRY'], ['لير', 'TRY'],
  ['tnd', 'TND'], ['dzd', 'DZD'], ['lyd', 'LYD'], ['iqd', 'IQD'], ['dinars', 'DINAR'], ['dinar', 'DINAR'], ['dinari', 'DINAR'], ['دينار', 'DINAR'], ['د.ت', 'TND'],
  ['mad', 'MAD'], ['dirham', 'MAD'], ['dirhams', 'MAD'], ['درهم', 'MAD'],
  ['toman', 'IRT'], ['tomans', 'IRT'], ['تومان', 'IRT'], ['تومن', 'IRT'], ['rial', 'IRR'], ['ريال', 'IRR'],
  ['afghani', 'AFN'], ['افغاني', 'AFN'], ['pesos', 'MXN'], ['mxn', 'MXN'],
  // Pashto/Dari dollar (ډالر, دالر) and afghani (افغانۍ); Urdu rupees (روپے → روپي, روپیہ); Moroccan "dh"; Egyptian/Sudanese جنيه;
  // Albanian paund, Turkish sterlin
  ['ډالر', 'USD'], ['دالر', 'USD'], ['افغانۍ', 'AFN'], ['afghanis', 'AFN'], ['روپي', 'PKR'], ['روپيہ', 'PKR'], ['روپيه', 'PKR'], ['rupees', 'PKR'], ['rupay', 'PKR'], ['pkr', 'PKR'],
  ['dh', 'MAD'], ['dhs', 'MAD'], ['جنيه', 'EGP'], ['paund', 'GBP'], ['sterlin', 'GBP'],
  // Persian and Central Kurdish (Sorani) spellings, as normalised (ی → ي, ە → ه): پوند, دۆلار, یۆرۆ/یورۆ, پاوەند/پاوند, تمەن
  ['پوند', 'GBP'], ['دۆلار', 'USD'], ['يۆرۆ', 'EUR'], ['يورۆ', 'EUR'], ['پاوهند', 'GBP'], ['پاوند', 'GBP'], ['تمهن', 'IRT'],
  // Ethiopic (Tigrinya, Amharic): ብር birr, ዶላር dollar, ዩሮ/ኤውሮ euro, ናቕፋ/ናቅፋ nakfa, ፓውንድ pound; and their Latin names
  ['ብር', 'ETB'], ['ዶላር', 'USD'], ['ዩሮ', 'EUR'], ['ኤውሮ', 'EUR'], ['ናቕፋ', 'ERN'], ['ናቅፋ', 'ERN'], ['ፓውንድ', 'GBP'],
  ['birr', 'ETB'], ['etb', 'ETB'], ['nakfa', 'ERN'],
];
const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { '€': 'EUR', $: 'USD', '£': 'GBP', '₺': 'TRY', '﷼': 'IRR' };
const MULTIPLIERS: ReadonlyArray<[string, number]> = [
  ['k', 1e3], ['bin', 1e3], ['mil', 1e3], ['mille', 1e3], ['الف', 1e3], ['الاف', 1e3], ['هزار', 1e3],
  ['million', 1e6], ['millions', 1e6], ['milyon', 1e6], ['مليون', 1e6], ['ميليون', 1e6],
  // Sorani هەزار, ملیۆن (normalised); Tigrinya ሽሕ, Amharic ሺ/ሺህ (thousand), ሚልዮን/ሚሊዮን (million)
  ['ههزار', 1e3], ['مليۆن', 1e6], ['ሽሕ', 1e3], ['ሺሕ', 1e3], ['ሺ', 1e3], ['ሺህ', 1e3], ['ሚልዮን', 1e6], ['ሚሊዮን', 1e6],
  // Italian mila, German tausend, Albanian mijë (→ mije); South Asian lakh (100,000: لاکھ → لاكھ) and crore
  ['mila', 1e3], ['tausend', 1e3], ['mije', 1e3], ['lakh', 1e5], ['لاكھ', 1e5], ['لاكه', 1e5], ['crore', 1e7], ['كروڑ', 1e7],
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
const alt = (xs: readonly string[]): string => [...xs].sort((a, b) => b.length - a.length).map(esc).join('|');
const NUM = String.raw`(\d{1,3}(?:[., ]\d{3})+|\d+(?:[.,]\d{1,2})?)`;
const MULT = String.raw`(?:\s?(${alt(MULTIPLIERS.map((m) => m[0]))})(?![\p{L}]))?`;
const SYM = `(${alt(Object.keys(CURRENCY_SYMBOLS))})`;
const WORD = `(${alt(CURRENCY_WORDS.map((c) => c[0]))})`;
const PRICE_SYMBOL_FIRST = new RegExp(String.raw`${SYM}\s?${NUM}${MULT}`, 'gu');
const PRICE_AMOUNT_FIRST = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}${MULT}\s?(?:${SYM}|${WORD}(?![\p{L}]))`, 'gu');
const PRICE_CODE_FIRST = new RegExp(String.raw`(?<![\p{L}])(eur|usd|gbp|tnd|try|lyd|dzd)\s?${NUM}${MULT}`, 'gu');

/** Money emoji (normalised to the tag `money`) before or after an amount; the emoji itself names the currency. */
const PRICE_EMOJI_FIRST = new RegExp(String.raw`(?<![\p{L}])money\s?${NUM}${MULT}`, 'gu');
const PRICE_EMOJI_AFTER = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}${MULT}\s?money(?![\p{L}])`, 'gu');
const EMOJI_CURRENCY: Readonly<Record<string, string>> = { '\u{1F4B6}': 'EUR', '\u{1F4B5}': 'USD', '\u{1F4B7}': 'GBP' };
/** An amount in lakh or crore with no currency word: in South Asian posts that is rupees. */
const PRICE_LAKH = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}\s?(lakh|لاكھ|لاكه|crore|كروڑ)(?![\p{L}])`, 'gu');

/**
 * Currency of the money emoji whose `money` tag starts at normalised offset `at`: EUR 💶, USD 💵, GBP 💷, `XXX` (ISO 4217
 * "no currency") for 💰 💸 💲; null when the tag is the plain word "money" of the text.
 */
function emojiCurrency(n: NormalisedText, at: number): string | null {
  const start = n.starts[at];
  if (start === undefined) return null;
  const ch = String.fromCodePoint(n.original.codePointAt(start) ?? 0);
  if (/^[a-z]$/iu.test(ch)) return null;
  return EMOJI_CURRENCY[ch] ?? 'XXX';
}

function parseAmount(num: string, mult: string | undefined): number {
  const grouped = /^\d{1,3}(?:[., ]\d{3})+$/u.test(num);
  const base = grouped ? Number(num.replace(/[., ]/gu, '')) : Number(num.replace(',', '.'));
  const factor = (mult === undefined ? undefined : MULTIPLIER_FACTOR.get(mult)) ?? 1;
  return Math.round(base * factor * 100) / 100;
}

/** A price in normalised offsets (used to keep phones out of prices). */
export interface RawPrice {
  nStart: number;
  nEnd: number;
  amount: number;
  currency: string;
}

/**
 * Runs a sticky regex at each of `positions` (ascending) and hands every match to `found`, skipping positions inside
 * the previous match: the matches `matchAll` gives, when every match start is among the positions.
 */
function stickyMatches(re: RegExp, text: string, positions: readonly number[], found: (pos: number, m: RegExpExecArray) => void): void {
  for (let i = 0, last = 0; i < positions.length; i++) {
    const pos = positions[i] as number;
    if (pos < last) continue;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) continue;
    last = pos + m[0].length;
    found(pos, m);
  }
}

/** The price patterns as sticky regexes (same sources), run at the positions {@link scan} finds. */
const SYMBOL_FIRST_Y = new RegExp(PRICE_SYMBOL_FIRST.source, 'uy');
const AMOUNT_FIRST_Y = new RegExp(PRICE_AMOUNT_FIRST.source, 'uy');
const CODE_FIRST_Y = new RegExp(PRICE_CODE_FIRST.source, 'uy');
const EMOJI_FIRST_Y = new RegExp(PRICE_EMOJI_FIRST.source, 'uy');
const EMOJI_AFTER_Y = new RegExp(PRICE_EMOJI_AFTER.source, 'uy');
const LAKH_Y = new RegExp(PRICE_LAKH.source, 'uy');
const MULTIPLIER_FACTOR = new Map<string, number>();
for (const [w, f] of MULTIPLIERS) if (!MULTIPLIER_FACTOR.has(w)) MULTIPLIER_FACTOR.set(w, f);
const WORD_CURRENCY = new Map<string, string>();
for (const [w, c] of CURRENCY_WORDS) if (!WORD_CURRENCY.has(w)) WORD_CURRENCY.set(w, c);

/**
 * Prices with a currency, before or after the amount: symbols € $ £ ₺ ﷼, words and codes (euro(s)/eur/يورو/یۆرۆ/ዩሮ,
 * dollar(s)/usd/دولار/دلار/دۆلار/ዶላር, pound(s)/gbp/پوند/پاوەند/ፓውንድ, lira/TL/ليره, dinar/TND/دينار, dirham,
 * toman/تومان/تمەن, rial, pesos, birr/ብር, nakfa/ናቕፋ, Pashto/Dari ډالر/دالر, afghani, rupees/روپے, Moroccan dh, جنيه, paund)
 * and thousand/million words (2k, 5 bin, 5 mil, 18 mila, 18 mijë, ٥ آلاف, ۵۰ هزار, ١٠ هەزار, 5 ሽሕ, million/مليون, lakh/لاکھ
 * = 100,000, crore). A money emoji next to an amount (💶 3000, 1800 💵) is a price in the emoji's currency (💰 → `XXX`);
 * an amount in lakh or crore with no currency is read as rupees (`PKR`). Amounts "2.500", "2,500", "2 500" are
 * read as thousands; "1,5" as a decimal. Plain "dinar" is reported as currency `DINAR` (country unknown), toman as `IRT`.
 * Returned sorted by `nStart` (normalised UTF-16 offsets, end exclusive); an overlapping later match is dropped.
 * The patterns' matches are those of `text.matchAll(re)` in the order symbol-first, amount-first, code-first, money
 * emoji, lakh; each pattern runs (sticky) only at the positions where a match can start ({@link scan}).
 */
export function findPrices(n: NormalisedText): RawPrice[] {
  const out: RawPrice[] = [];
  const text = n.text;
  const s = scan(text);
  if (!s.digit) return out; // every pattern needs an amount
  const amounts = s.amounts;
  stickyMatches(SYMBOL_FIRST_Y, text, s.starts[T_SYMBOL] as number[], (pos, m) =>
    pushPrice(out, pos, m[0].length, m[2], m[3], CURRENCY_SYMBOLS[m[1] ?? '']),
  );
  stickyMatches(AMOUNT_FIRST_Y, text, amounts, (pos, m) => {
    const cur = m[3] !== undefined ? CURRENCY_SYMBOLS[m[3]] : m[4] === undefined ? undefined : WORD_CURRENCY.get(m[4]);
    pushPrice(out, pos, m[0].length, m[1], m[2], cur);
  });
  stickyMatches(CODE_FIRST_Y, text, s.starts[T_CODE] as number[], (pos, m) =>
    pushPrice(out, pos, m[0].length, m[2], m[3], m[1] === undefined ? undefined : WORD_CURRENCY.get(m[1])),
  );
  // PRICE_EMOJI_FIRST: its matches start with "money"
  stickyMatches(EMOJI_FIRST_Y, text, s.starts[T_MONEY] as number[], (pos, m) =>
    pushPrice(out, pos, m[0].length, m[1], m[2], emojiCurrency(n, pos) ?? undefined),
  );
  if (amounts.length !== 0 && text.includes('money')) {
    stickyMatches(EMOJI_AFTER_Y, text, amounts, (pos, m) =>
      pushPrice(out, pos, m[0].length, m[1], m[2], emojiCurrency(n, pos + m[0].length - 'money'.length) ?? undefined),
    );
  }
  if (amounts.length !== 0 && LAKH_WORDS.some((w) => text.includes(w))) {
    stickyMatches(LAKH_Y, text, amounts, (pos, m) => pushPrice(out, pos, m[0].length, m[1], m[2], 'PKR'));
  }
  if (out.length > 1) out.sort((a, b) => a.nStart - b.nStart);
  return out;
}

/** Adds a price match unless it lacks an amount or currency, overlaps one already taken, or is not positive. */
function pushPrice(out: RawPrice[], start: number, len: number, num: string | undefined, mult: string | undefined, cur: string | undefined): void {
  if (num === undefined || cur === undefined) return;
  const end = start + len;
  for (const p of out) if (start < p.nEnd && p.nStart < end) return;
  const amount = parseAmount(num, mult);
  if (!(amount > 0)) return;
  out.push({ nStart: start, nEnd: end, amount, currency: cur });
}

// ---- one scan of the text for every place a messenger or price pattern can start ----

/** Start lists of {@link ScanResult.starts}: messenger patterns use their own index (5..10); then these. */
const T_SYMBOL = 11;
const T_CODE = 12;
const T_MONEY = 13;
const N_STARTS = 14;

/** Character classes of code units below {@link CLASS_LIMIT} (exact: read off the regex classes themselves). */
const C_LETTER = 1; // \p{L}
const C_NUMBER = 2; // \p{N}
const C_DIGIT = 4; // \d (ASCII)
const C_DOTCOMMA = 8; // [.,]
const C_SPACE = 16; // \s
const CLASS_LIMIT = 0x3000;
const CLASS = new Uint8Array(CLASS_LIMIT);
{
  const reL = /\p{L}/u;
  const reN = /\p{N}/u;
  const reS = /\s/u;
  for (let c = 0; c < CLASS_LIMIT; c++) {
    const ch = String.fromCharCode(c);
    let k = 0;
    if (reL.test(ch)) k |= C_LETTER;
    if (reN.test(ch)) k |= C_NUMBER;
    if (c >= 48 && c <= 57) k |= C_DIGIT;
    if (c === 46 || c === 44) k |= C_DOTCOMMA;
    if (reS.test(ch)) k |= C_SPACE;
    CLASS[c] = k;
  }
}
/**
 * Lookbehind kinds → the classes whose presence just before a position makes it fail: 1 `(?<![\p{L}\p{N}])`,
 * 2 `(?<![\p{L}])`, 3 `(?<![\p{L}\d.,])`. Each holds C_LETTER. Only code units below CLASS_LIMIT are judged (a
 * surrogate or a higher unit is left to the regex).
 */
const LB_MASK = [0, C_LETTER | C_NUMBER, C_LETTER, C_LETTER | C_DIGIT | C_DOTCOMMA];

/** Whether the lookbehind kind `lb` surely fails at `i` (false: it may hold, the regex decides). */
function lbFails(text: string, i: number, lb: number): boolean {
  if (lb === 0 || i === 0) return false;
  const c = text.charCodeAt(i - 1);
  return c < CLASS_LIMIT && ((CLASS[c] as number) & (LB_MASK[lb] as number)) !== 0;
}

/** Whether code unit `c` may be `\s` (exact below CLASS_LIMIT; above it, true). NaN or -1 (past the end) is not. */
function maybeSpace(c: number): boolean {
  return c >= CLASS_LIMIT || (c >= 0 && ((CLASS[c] as number) & C_SPACE) !== 0);
}

/**
 * First code units of what may follow an amount (after one optional `\s`) in the amount-first patterns
 * (PRICE_AMOUNT_FIRST, PRICE_EMOJI_AFTER, PRICE_LAKH): multiplier words, currency symbols and words, `money`,
 * lakh/crore. None is a digit, '.', ',' or ' ' (checked here), so such a match's amount ends where the text's run of
 * [0-9., ] from its start ends, or one space before.
 */
const AFTER_AMOUNT = new Uint8Array(0x10000);
for (const w of [...MULTIPLIERS.map((m) => m[0]), ...Object.keys(CURRENCY_SYMBOLS), ...CURRENCY_WORDS.map((c) => c[0]), 'money', 'lakh', 'لاكھ', 'لاكه', 'crore', 'كروڑ']) {
  const c = w.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 46 || c === 44 || c === 32) throw new Error(`amount follower starts like an amount: ${w}`);
  AFTER_AMOUNT[c] = 1;
}
const LAKH_WORDS = ['lakh', 'لاكھ', 'لاكه', 'crore', 'كروڑ'];

interface ScanEntry {
  /** The literal's code units. */
  readonly units: readonly number[];
  /** Offset in the literal of the two code units it is looked up by. */
  readonly key: number;
  readonly lb: number;
  /** Code units one of which must follow the literal and one `\s` character (undefined: no such rule). */
  readonly after: readonly number[] | undefined;
  /** Start list to add the literal's position to, or -1 (a trigger). */
  readonly list: number;
  /** Trigger bit to set, or -1. */
  readonly bit: number;
}
/** Bucket of two consecutive code units (entries are checked in full, so collisions only cost time). */
const pairHash = (c0: number, c1: number): number => (c0 * 61 + c1) & 0xfff;
/**
 * Literals by {@link pairHash} of two of their code units (at `key`): group + 1. SCAN_ANY holds those without a
 * lookbehind, looked up at every position; SCAN_WORD those with one (each rejects a letter before), looked up only
 * where the previous code unit is not surely a letter. SCAN_SINGLE holds one-unit literals by that unit.
 */
const SCAN_ANY = new Uint8Array(0x1000);
const SCAN_WORD = new Uint8Array(0x1000);
const SCAN_SINGLE = new Uint8Array(0x10000);
/** Bit c & 0xff: some one-unit literal may be c (a small filter in front of SCAN_SINGLE). */
const SINGLE_FILTER = new Uint8Array(0x100);
const SCAN_GROUPS: ScanEntry[][] = [];
function addScan(lit: string, lb: number, after: string | undefined, list: number, bit: number, key = 0): void {
  const units = Array.from(lit, (ch) => ch.charCodeAt(0));
  if (units.length !== lit.length || key + 1 >= Math.max(2, lit.length)) throw new Error(`bad anchor: ${lit}`);
  const table = lit.length === 1 ? SCAN_SINGLE : lb === 0 ? SCAN_ANY : SCAN_WORD;
  const h = lit.length === 1 ? lit.charCodeAt(0) : pairHash(lit.charCodeAt(key), lit.charCodeAt(key + 1));
  if (lit.length === 1) SINGLE_FILTER[h & 0xff] = 1;
  let g = table[h] as number;
  if (g === 0) {
    if (SCAN_GROUPS.length >= 255) throw new Error('too many anchor groups');
    SCAN_GROUPS.push([]);
    g = SCAN_GROUPS.length;
    table[h] = g;
  }
  const next = after === undefined ? undefined : Array.from(after, (ch) => ch.charCodeAt(0));
  (SCAN_GROUPS[g - 1] as ScanEntry[]).push({ units, key: lit.length === 1 ? 0 : key, lb, after: next, list, bit });
}
/** Where a no-lookbehind literal is looked up (a rarer pair than its first two units). */
const KEY_AT: Readonly<Record<string, number>> = { 'راسلني': 2, 'راسلونا': 2, 'تواصل ': 3, 'علي الخاص': 6, 'بالخاص': 3, 'في الخاص': 5 };
MESSENGER_PATTERNS.forEach((p, k) => {
  const anchors = MESSENGER_ANCHORS[k];
  if (anchors === null || anchors === undefined) {
    // a link trigger, looked up by its '.' or ':' and the unit after
    for (const t of p.triggers) addScan(t, 0, undefined, -1, k, Math.max(0, t.search(/[.:]/u)));
  } else for (const a of anchors) addScan(a.lit, a.lb, a.after, k, -1, a.lb === 0 ? (KEY_AT[a.lit] ?? 0) : 0);
});
// PRICE_SYMBOL_FIRST starts with a symbol; PRICE_CODE_FIRST with (?<![\p{L}]) and a code; PRICE_EMOJI_FIRST with
// (?<![\p{L}])money.
for (const sym of Object.keys(CURRENCY_SYMBOLS)) addScan(sym, 0, undefined, T_SYMBOL, -1);
for (const code of ['eur', 'usd', 'gbp', 'tnd', 'try', 'lyd', 'dzd']) addScan(code, 2, undefined, T_CODE, -1);
addScan('money', 2, undefined, T_MONEY, -1);

/** What {@link scan} found in one normalised text (valid until the next scan of another text). */
interface ScanResult {
  text: string | null;
  /** Bit l: start list l may be non-empty. */
  used: number;
  /** Whether the text holds an ASCII digit (`\d`). */
  digit: boolean;
  /** Trigger bits: link pattern k of {@link MESSENGER_PATTERNS} holds one of its triggers (bit k). */
  triggers: number;
  /** Trigger bits found by the last {@link checkGroup}. */
  foundBits: number;
  /** Per list, the ascending positions where an anchor sits (with its lookbehind not surely failing). */
  readonly starts: number[][];
  /**
   * Ascending positions where an amount-first price can start: a digit not surely preceded by [\p{L}\d.,] whose
   * run of [0-9., ] is followed by an {@link AFTER_AMOUNT} unit, directly or after one `\s`.
   */
  readonly amounts: number[];
}
const SCAN: ScanResult = { text: null, used: 0, digit: false, triggers: 0, foundBits: 0, starts: Array.from({ length: N_STARTS }, () => []), amounts: [] };

/**
 * One pass over `text` finding every place a messenger word pattern or a price pattern may start, and which link
 * triggers it holds; the patterns then run only there. Cached for the last text (prices and messengers share it).
 */
function scan(text: string): ScanResult {
  const s = SCAN;
  if (s.text === text) return s;
  s.text = null;
  let used = s.used;
  for (let l = 0; used !== 0; l++, used >>>= 1) if ((used & 1) !== 0) (s.starts[l] as number[]).length = 0;
  used = 0;
  const amounts = s.amounts;
  if (amounts.length !== 0) amounts.length = 0;
  let triggers = 0;
  let digit = false;
  let runEnd = -1; // end of the current [0-9., ] run, once computed
  let runOk = false;
  const len = text.length;
  let prev = 0x20; // a unit before the text: no lookbehind fails on it
  let c = len > 0 ? text.charCodeAt(0) : 0;
  for (let i = 0; i < len; i++) {
    const nx = i + 1 < len ? text.charCodeAt(i + 1) : 0;
    if (c >= 48 && c <= 57) {
      digit = true;
      if (!(prev < CLASS_LIMIT && ((CLASS[prev] as number) & (C_LETTER | C_DIGIT | C_DOTCOMMA)) !== 0)) {
        if (i >= runEnd) {
          // the [0-9., ] run from here; a later start inside it ends at the same place, so shares the verdict
          let r = i + 1;
          for (; r < len; r++) {
            const d = text.charCodeAt(r);
            if (!((d >= 48 && d <= 57) || d === 46 || d === 44 || d === 32)) break;
          }
          runEnd = r;
          const e = r < len ? text.charCodeAt(r) : -1;
          runOk = (e >= 0 && AFTER_AMOUNT[e] === 1) || (maybeSpace(e) && r + 1 < len && AFTER_AMOUNT[text.charCodeAt(r + 1)] === 1);
        }
        if (runOk) amounts.push(i);
      }
    } else {
      const h = (c * 61 + nx) & 0xfff; // pairHash(c, nx)
      if (SINGLE_FILTER[c & 0xff] !== 0 && SCAN_SINGLE[c] !== 0) {
        used |= checkGroup(s, text, i, SCAN_GROUPS[(SCAN_SINGLE[c] as number) - 1] as ScanEntry[]);
        triggers |= s.foundBits;
      }
      if (SCAN_ANY[h] !== 0) {
        used |= checkGroup(s, text, i, SCAN_GROUPS[(SCAN_ANY[h] as number) - 1] as ScanEntry[]);
        triggers |= s.foundBits;
      }
      if (SCAN_WORD[h] !== 0 && !(prev < CLASS_LIMIT && ((CLASS[prev] as number) & C_LETTER) !== 0)) {
        used |= checkGroup(s, text, i, SCAN_GROUPS[(SCAN_WORD[h] as number) - 1] as ScanEntry[]);
        triggers |= s.foundBits;
      }
    }
    prev = c;
    c = nx;
  }
  s.used = used;
  s.digit = digit;
  s.triggers = triggers;
  s.text = text;
  return s;
}

/**
 * Checks the entries of one bucket at position `i` (the looked-up pair at `i`): adds the start of each literal
 * found to its list and returns the lists' bits; sets `s.foundBits` to the trigger bits found.
 */
function checkGroup(s: ScanResult, text: string, i: number, group: readonly ScanEntry[]): number {
  let used = 0;
  let bits = 0;
  for (let j = 0; j < group.length; j++) {
    const a = group[j] as ScanEntry;
    const u = a.units;
    const at = i - a.key;
    if (at < 0) continue;
    let k = 0;
    while (k < u.length && text.charCodeAt(at + k) === u[k]) k++; // NaN past the end never equals
    if (k < u.length) continue;
    const after = a.after;
    if (after !== undefined) {
      const e = at + u.length;
      if (!maybeSpace(text.charCodeAt(e))) continue;
      const f = text.charCodeAt(e + 1);
      k = 0;
      while (k < after.length && after[k] !== f) k++;
      if (k === after.length) continue;
    }
    if (a.bit >= 0) {
      bits |= 1 << a.bit;
      continue;
    }
    if (lbFails(text, at, a.lb)) continue;
    const l = s.starts[a.list] as number[];
    if (l.length === 0 || (l[l.length - 1] as number) < at) l.push(at);
    else if (l[l.length - 1] !== at) {
      // a keyed literal found after a later start (only no-lookbehind literals are keyed off their start)
      let p = l.length;
      while (p > 0 && (l[p - 1] as number) > at) p--;
      if (p === 0 || l[p - 1] !== at) l.splice(p, 0, at);
    }
    used |= 1 << a.list;
  }
  s.foundBits = bits;
  return used;
}

/** Language code → country tried first for national-format phone numbers. */
const LANGUAGE_COUNTRY: Readonly<Record<string, string>> = {
  eng: 'GB', fra: 'FR', tur: 'TR', ita: 'IT', spa: 'MX', deu: 'DE', als: 'AL', arb: 'LY', pes: 'IR', pbu: 'AF', urd: 'PK',
  ckb: 'IQ', tir: 'ER', amh: 'ET',
};

/**
 * Extracts phones, messenger contacts and prices. Country hints for national-format numbers: flags in the text
 * (`flag_gb` → GB), then the post language ({@link LANGUAGE_COUNTRY}).
 */
export function extractEntities(n: NormalisedText, languageCode: string): Entities {
  const raw = findPrices(n);
  const hints = n.text.includes('flag_') ? [...n.text.matchAll(/flag_([a-z]{2})/gu)].map((m) => m[1] ?? '') : [];
  const lc = LANGUAGE_COUNTRY[languageCode];
  if (lc !== undefined) hints.push(lc);
  const prices: Price[] = [];
  for (const p of raw) {
    const sp = toOriginalSpan(n, p.nStart, p.nEnd);
    prices.push({ start: sp.start, end: sp.end, text: sp.text, amount: p.amount, currency: p.currency });
  }
  return { phones: extractPhones(n, hints, raw), messengers: extractMessengers(n), prices };
}
