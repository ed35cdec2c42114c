import { toOriginalSpan, type NormalisedText } from './normalise';
import { extractPhones, overlaps } from './phones';
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

/**
 * Messenger contacts: links (wa.me, api.whatsapp.com, chat.whatsapp.com, t.me, telegram.me, signal.me, viber://),
 * service names in Latin, Arabic, Persian, Pashto, Urdu, Sorani and Ethiopic script (WhatsApp/واتساب/واتساپ/واټساپ/واٹس ایپ/
 * واتسئاپ/ዋትስኣፕ, Telegram/تلغرام/تلگرام/ټیلیګرام/تێلێگرام/ቴሌግራም, Viber/فايبر,
 * imo, Signal only with a number or handle), each with the following @handle or number as `handle`, and private-message
 * invitations ("DM me", "inbox me", "per DM", "në inbox", a closing "DM", "en MP", "por MD", "özelden", "راسلني", "على الخاص",
 * "پیام خصوصی", "pv") as service `dm`.
 * Overlapping matches keep the first-found (links before words).
 */
export function extractMessengers(n: NormalisedText): Messenger[] {
  const found: Array<{ start: number; end: number; service: string; handle: string | null }> = [];
  for (const { service, re, triggers } of MESSENGER_PATTERNS) {
    if (!triggers.some((t) => n.text.includes(t))) continue;
    for (const m of n.text.matchAll(re)) {
      const start = m.index ?? 0;
      const r = { start, end: start + m[0].length };
      if (overlaps(r, found)) continue;
      const h = m[1]?.trim();
      found.push({ ...r, service, handle: h === undefined || h === '' ? null : h });
    }
  }
  return found
    .sort((a, b) => a.start - b.start)
    .map((f) => ({ ...toOriginalSpan(n, f.start, f.end), service: f.service, handle: f.handle }));
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

const HAS_DIGIT = /\d/u;
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
  const factor = MULTIPLIERS.find((m) => m[0] === mult)?.[1] ?? 1;
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
 * Prices with a currency, before or after the amount: symbols € $ £ ₺ ﷼, words and codes (euro(s)/eur/يورو/یۆرۆ/ዩሮ,
 * dollar(s)/usd/دولار/دلار/دۆلار/ዶላር, pound(s)/gbp/پوند/پاوەند/ፓውንድ, lira/TL/ليره, dinar/TND/دينار, dirham,
 * toman/تومان/تمەن, rial, pesos, birr/ብር, nakfa/ናቕፋ, Pashto/Dari ډالر/دالر, afghani, rupees/روپے, Moroccan dh, جنيه, paund)
 * and thousand/million words (2k, 5 bin, 5 mil, 18 mila, 18 mijë, ٥ آلاف, ۵۰ هزار, ١٠ هەزار, 5 ሽሕ, million/مليون, lakh/لاکھ
 * = 100,000, crore). A money emoji next to an amount (💶 3000, 1800 💵) is a price in the emoji's currency (💰 → `XXX`);
 * an amount in lakh or crore with no currency is read as rupees (`PKR`). Amounts "2.500", "2,500", "2 500" are
 * read as thousands; "1,5" as a decimal. Plain "dinar" is reported as currency `DINAR` (country unknown), toman as `IRT`.
 */
export function findPrices(n: NormalisedText): RawPrice[] {
  const out: RawPrice[] = [];
  if (!HAS_DIGIT.test(n.text)) return out; // every pattern needs an amount
  const push = (start: number, len: number, num: string | undefined, mult: string | undefined, cur: string | undefined): void => {
    if (num === undefined || cur === undefined) return;
    const r = { start, end: start + len };
    if (overlaps(r, out.map((p) => ({ start: p.nStart, end: p.nEnd })))) return;
    const amount = parseAmount(num, mult);
    if (!(amount > 0)) return;
    out.push({ nStart: r.start, nEnd: r.end, amount, currency: cur });
  };
  for (const m of n.text.matchAll(PRICE_SYMBOL_FIRST)) push(m.index ?? 0, m[0].length, m[2], m[3], CURRENCY_SYMBOLS[m[1] ?? '']);
  for (const m of n.text.matchAll(PRICE_AMOUNT_FIRST)) {
    const cur = m[3] !== undefined ? CURRENCY_SYMBOLS[m[3]] : CURRENCY_WORDS.find((c) => c[0] === m[4])?.[1];
    push(m.index ?? 0, m[0].length, m[1], m[2], cur);
  }
  for (const m of n.text.matchAll(PRICE_CODE_FIRST)) {
    push(m.index ?? 0, m[0].length, m[2], m[3], CURRENCY_WORDS.find((c) => c[0] === m[1])?.[1]);
  }
  if (n.text.includes('money')) {
    for (const m of n.text.matchAll(PRICE_EMOJI_FIRST)) push(m.index ?? 0, m[0].length, m[1], m[2], emojiCurrency(n, m.index ?? 0) ?? undefined);
    for (const m of n.text.matchAll(PRICE_EMOJI_AFTER)) {
      const at = (m.index ?? 0) + m[0].length - 'money'.length;
      push(m.index ?? 0, m[0].length, m[1], m[2], emojiCurrency(n, at) ?? undefined);
    }
  }
  for (const m of n.text.matchAll(PRICE_LAKH)) push(m.index ?? 0, m[0].length, m[1], m[2], 'PKR');
  return out.sort((a, b) => a.nStart - b.nStart);
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
  const prices: Price[] = raw.map((p) => ({ ...toOriginalSpan(n, p.nStart, p.nEnd), amount: p.amount, currency: p.currency }));
  return { phones: extractPhones(n, hints, raw), messengers: extractMessengers(n), prices };
}
