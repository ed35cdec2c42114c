/**
 * Shared value types of the detection domain. `pipeline.ts` re-exports them as the public contract;
 * they live here so that the domain modules can use them without importing the pipeline (no cycles).
 */

/** A span of the ORIGINAL post text: UTF-16 code-unit offsets, `end` exclusive, `text === original.slice(start, end)`. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** One rule that fired on a post, with every place in the original text that made it fire. */
export interface RuleHit {
  ruleId: string;
  description: string;
  weight: number;
  tags: string[];
  spans: Span[];
}

/** Contacts and prices found in a post; spans point into the original text. */
export interface Entities {
  /** `e164` is the E.164 form when the digits form a plausible number, else null; `country` is ISO 3166-1 alpha-2 or null. */
  phones: Array<Span & { e164: string | null; country: string | null }>;
  /** `service` is e.g. 'whatsapp', 'telegram', 'signal', 'viber', 'dm'; `handle` is the user name / number when one is given. */
  messengers: Array<Span & { service: string; handle: string | null }>;
  /** `amount` in the currency's main unit (thousand separators removed, "2k" → 2000); `currency` is ISO 4217 where one exists. */
  prices: Array<Span & { amount: number; currency: string }>;
}

/** Result of language identification: ISO 639-3 code or 'und', and a confidence in 0..1. */
export interface LanguageGuess {
  code: string;
  confidence: number;
}
