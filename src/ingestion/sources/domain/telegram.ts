/**
 * Telegram Desktop export (`result.json` of one chat). Top-level `name`, `type` and `id` describe the
 * chat; `messages` holds messages and service messages. Only public channels and public supergroups
 * are public; messages of any other chat type are refused.
 */
import { postedAtOf } from './dates';
import { isObject, post, refused, str, type JsonObject, type MapOptions, type MapResult } from './types';

export const TELEGRAM_PUBLIC_TYPES = ['public_channel', 'public_supergroup'];
const MEDIA_KEYS = ['photo', 'file', 'sticker_emoji', 'media_type', 'location_information', 'contact_information'] as const;

export interface TelegramChat {
  name?: string;
  type?: string;
  id?: string;
}

/** Plain text of a message: `text_entities` when present, else `text` (a string or an array of strings and entities). */
export function telegramText(msg: JsonObject): string {
  const parts = Array.isArray(msg.text_entities) ? msg.text_entities : Array.isArray(msg.text) ? msg.text : null;
  let text = parts === null ? (str(msg.text) ?? '') : parts.map(entityText).join('');
  if (isObject(msg.poll)) {
    const answers = Array.isArray(msg.poll.answers) ? msg.poll.answers.map((a) => (isObject(a) ? str(a.text) : undefined)).filter(Boolean) : [];
    text = [text, str(msg.poll.question), ...answers].filter((x) => x).join('\n');
  }
  return text;
}

function entityText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (!isObject(e)) return '';
  const text = str(e.text) ?? '';
  // A text link hides its target (often a wa.me or t.me address): keep it visible for detection.
  const href = str(e.href);
  return href && href !== text ? `${text} (${href})` : text;
}

/** Maps one entry of `messages`. */
export function mapTelegramMessage(msg: unknown, chat: TelegramChat, opts: MapOptions): MapResult {
  if (!isObject(msg)) return refused('message is not an object');
  const id = str(msg.id);
  const seqId = typeof msg.id === 'number' ? msg.id : id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined;
  if (id === undefined || seqId === undefined) return refused('message has no numeric id');
  if (msg.type === 'service') return { kind: 'skipped', reason: `service message (${str(msg.action) ?? 'unknown action'})`, id, seqId };
  if (!chat.type) return refused('chat type unknown: the export has no top-level "type" before "messages"', id);
  if (!TELEGRAM_PUBLIC_TYPES.includes(chat.type)) return refused(`chat type "${chat.type}" is not public (only ${TELEGRAM_PUBLIC_TYPES.join(', ')})`, id);
  const text = telegramText(msg).trim();
  if (!text) {
    const media = MEDIA_KEYS.find((k) => msg[k] !== undefined);
    return { kind: 'skipped', reason: media ? `media without text (${media === 'media_type' ? str(msg.media_type) : media})` : 'message without text', id, seqId };
  }
  const channel = opts.channel?.replace(/^@/, '');
  const url = channel ? `https://t.me/${encodeURIComponent(channel)}/${id}` : `https://t.me/c/${chat.id ?? '0'}/${id}`;
  const author = str(msg.from_id) ?? str(msg.from) ?? str(msg.actor_id) ?? (chat.id ? `channel${chat.id}` : chat.name);
  if (!author) return refused('message has no author (from_id, from) and the chat has no id', id);
  const date = postedAtOf(msg.date_unixtime, msg.date);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({ platform: 'telegram', platformPostId: `${chat.id ?? channel ?? 'chat'}/${id}`, url, authorHandle: author, text, ...(postedAt ? { postedAt } : {}), visibility: 'public', raw: msg }, seqId);
}

/** Reads the chat description from a top-level value of the export. */
export function updateTelegramChat(chat: TelegramChat, key: string, value: unknown): void {
  if (key === 'name') chat.name = str(value);
  else if (key === 'type') chat.type = str(value);
  else if (key === 'id') chat.id = str(value);
}

/** Maps a whole export held in memory (a one-line export, or one posted to the API). */
export function mapTelegramDocument(doc: unknown, opts: MapOptions): MapResult[] {
  if (!isObject(doc) || !Array.isArray(doc.messages)) return [refused('not a Telegram export: no "messages" array')];
  const chat: TelegramChat = {};
  for (const k of ['name', 'type', 'id']) updateTelegramChat(chat, k, doc[k]);
  return doc.messages.map((m) => mapTelegramMessage(m, chat, opts));
}
