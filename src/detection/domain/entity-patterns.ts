/**
 * The patterns of entity extraction (data, no state): messenger contacts (links, service names, private-message
 * invitations) with the literals their matches start with, and prices (currency symbols, words, codes, multipliers).
 * entity-scan.ts indexes the literals; entities.ts runs the patterns.
 */

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
export const MESSENGER_ANCHORS: ReadonlyArray<readonly Anchor[] | null> = [
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

export const CURRENCY_WORDS: ReadonlyArray<[string, string]> = [
  ['euros', 'EUR'], ['euro', 'EUR'], ['eur', 'EUR'], ['evro', 'EUR'], ['يورو', 'EUR'], ['اليورو', 'EUR'], ['اورو', 'EUR'],
  ['usd', 'USD'], ['dollars', 'USD'], ['dollar', 'USD'], ['dolares', 'USD'], ['dolar', 'USD'], ['dolari', 'USD'], ['dls', 'USD'], ['دولار', 'USD'], ['دلار', 'USD'],
  ['gbp', 'GBP'], ['pounds', 'GBP'], ['pound', 'GBP'], ['quid', 'GBP'], ['sterlina', 'GBP'], ['sterline', 'GBP'], ['جنيه استرليني', 'GBP'],
  ['try', 'TRY'], ['tl', 'TRY'], ['lira', 'TRY'], ['liras', 'TRY'], ['ليره', 'TRY'], ['لير', 'TRY'],
  ['tnd', 'TND'], ['dt', 'TND'], ['dzd', 'DZD'], ['lyd', 'LYD'], ['iqd', 'IQD'], ['dinars', 'DINAR'], ['dinar', 'DINAR'], ['dinari', 'DINAR'], ['دينار', 'DINAR'], ['د.ت', 'TND'],
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
export const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { '€': 'EUR', $: 'USD', '£': 'GBP', '₺': 'TRY', '﷼': 'IRR' };
export const MULTIPLIERS: ReadonlyArray<[string, number]> = [
  ['k', 1e3], ['bin', 1e3], ['mil', 1e3], ['mille', 1e3], ['الف', 1e3], ['الاف', 1e3], ['هزار', 1e3],
  ['million', 1e6], ['millions', 1e6], ['milyon', 1e6], ['مليون', 1e6], ['ميليون', 1e6],
  // Sorani هەزار, ملیۆن (normalised); Tigrinya ሽሕ, Amharic ሺ/ሺህ (thousand), ሚልዮን/ሚሊዮን (million)
  ['ههزار', 1e3], ['مليۆن', 1e6], ['ሽሕ', 1e3], ['ሺሕ', 1e3], ['ሺ', 1e3], ['ሺህ', 1e3], ['ሚልዮን', 1e6], ['ሚሊዮን', 1e6],
  // Italian mila, German tausend, Albanian mijë (→ mije); South Asian lakh (100,000: لاکھ → لاكھ) and crore
  // Arabizi alf / alaf (ألف / آلاف written in Latin letters)
  ['alf', 1e3], ['alaf', 1e3],
  ['mila', 1e3], ['tausend', 1e3], ['mije', 1e3], ['lakh', 1e5], ['لاكھ', 1e5], ['لاكه', 1e5], ['crore', 1e7], ['كروڑ', 1e7],
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
const alt = (xs: readonly string[]): string => [...xs].sort((a, b) => b.length - a.length).map(esc).join('|');
const NUM = String.raw`(\d{1,3}(?:[., ]\d{3})+|\d+(?:[.,]\d{1,2})?)`;
const MULT = String.raw`(?:\s?(${alt(MULTIPLIERS.map((m) => m[0]))})(?![\p{L}]))?`;
const SYM = `(${alt(Object.keys(CURRENCY_SYMBOLS))})`;
const WORD = `(${alt(CURRENCY_WORDS.map((c) => c[0]))})`;
export const PRICE_SYMBOL_FIRST = new RegExp(String.raw`${SYM}\s?${NUM}${MULT}`, 'gu');
export const PRICE_AMOUNT_FIRST = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}${MULT}\s?(?:${SYM}|${WORD}(?![\p{L}]))`, 'gu');
export const PRICE_CODE_FIRST = new RegExp(String.raw`(?<![\p{L}])(eur|usd|gbp|tnd|try|lyd|dzd)\s?${NUM}${MULT}`, 'gu');

/** Money emoji (normalised to the tag `money`) before or after an amount; the emoji itself names the currency. */
export const PRICE_EMOJI_FIRST = new RegExp(String.raw`(?<![\p{L}])money\s?${NUM}${MULT}`, 'gu');
export const PRICE_EMOJI_AFTER = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}${MULT}\s?money(?![\p{L}])`, 'gu');
export const EMOJI_CURRENCY: Readonly<Record<string, string>> = { '\u{1F4B6}': 'EUR', '\u{1F4B5}': 'USD', '\u{1F4B7}': 'GBP' };
/** An amount in lakh or crore with no currency word: in South Asian posts that is rupees. */
export const PRICE_LAKH = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}\s?(lakh|لاكھ|لاكه|crore|كروڑ)(?![\p{L}])`, 'gu');
