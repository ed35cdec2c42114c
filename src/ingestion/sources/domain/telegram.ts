/**
 * Telegram Desktop export: `result.json` of one chat (top-level `name`, `type`, `id` and `messages`)
 * or of the whole account (each chat in `chats.list[]` and `left_chats.list[]`, with the same
 * fields). `messages` holds messages and service messages. Only public channels and public
 * supergroups are public; messages of any other chat type are refused.
 */
import { postedAtOf } from './dates';
import { isObject, post, refused, str, type JsonObject, type MapOptions, type MapResult } from './types';

export const TELEGRAM_PUBLIC_TYPES = ['public_channel', 'public_supergroup'];
const MEDIA_KEYS = ['photo', 'file', 'sticker_emoji', 'media_type', 'location_information'] as const;

/** Where messages are: one chat's export, and a whole account's chats and left chats. */
export const TELEGRAM_MESSAGE_PATHS: readonly string[] = ['messages', 'chats.list.messages', 'left_chats.list.messages'];

/** The chat field (`name`, `type`, `id`) a top-level or per-chat path names, or undefined. */
export function telegramChatKey(path: string): string | undefined {
  const key = path.replace(/^(?:left_)?chats\.list\./, '');
  return ['name', 'type', 'id'].includes(key) ? key : undefined;
}

export interface TelegramChat {
  name?: string;
  type?: string;
  id?: string;
}

/**
 * Plain text of a message: `text` (a string, or an array of strings and entities) or, when that
 * gives nothing, `text_entities`; poll questions and answers and a shared contact card follow it.
 */
export function telegramText(msg: JsonObject): string {
  const flat = (v: unknown) => (Array.isArray(v) ? v.map(entityText).join('') : (str(v) ?? ''));
  let text = flat(msg.text) || flat(msg.text_entities);
  if (isObject(msg.poll)) {
    const answers = Array.isArray(msg.poll.answers) ? msg.poll.answers.map((a) => (isObject(a) ? str(a.text) : undefined)).filter(Boolean) : [];
    text = [text, str(msg.poll.question), ...answers].filter((x) => x).join('\n');
  }
  // A shared contact card is a phone number given out in the chat.
  const c = msg.contact_information;
  if (isObject(c)) {
    const card = [str(c.first_name), str(c.last_name), str(c.phone_number)].filter((x) => x?.trim()).join(' ');
    if (card) text = [text, `[contact] ${card}`].filter(Boolean).join('\n');
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
  // Telegram numbers the messages of a chat 1, 2, 3...: anything else (0, -1, 1.5, 1e300) is not a message id
  if (!Number.isSafeInteger(seqId) || seqId < 1) return refused(`message id ${id.slice(0, 40)} is not a positive whole number`, id);
  if (!chat.type) return refused('chat type unknown: the export has no top-level "type" before "messages"', id);
  if (!TELEGRAM_PUBLIC_TYPES.includes(chat.type)) return refused(`chat type "${chat.type}" is not public (only ${TELEGRAM_PUBLIC_TYPES.join(', ')})`, id);
  const group = chat.id ?? chat.name ?? '';
  if (msg.type === 'service') return { kind: 'skipped', reason: `service message (${str(msg.action) ?? 'unknown action'})`, id, seqId, seqGroup: group };
  const text = telegramText(msg).trim();
  if (!text) {
    const media = MEDIA_KEYS.find((k) => msg[k] !== undefined);
    return { kind: 'skipped', reason: media ? `media without text (${media === 'media_type' ? str(msg.media_type) : media})` : 'message without text', id, seqId, seqGroup: group };
  }
  const channel = opts.channel?.replace(/^@/, '');
  const url = channel ? `https://t.me/${encodeURIComponent(channel)}/${id}` : `https://t.me/c/${chat.id ?? '0'}/${id}`;
  const author = str(msg.from_id) ?? str(msg.from) ?? str(msg.actor_id) ?? (chat.id ? `channel${chat.id}` : chat.name);
  if (!author) return refused('message has no author (from_id, from) and the chat has no id', id);
  const date = postedAtOf(msg.date_unixtime, msg.date);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({ platform: 'telegram', platformPostId: `${chat.id ?? channel ?? 'chat'}/${id}`, url, authorHandle: author, text, ...(postedAt ? { postedAt } : {}), visibility: 'public', raw: msg }, seqId, group);
}

/** Reads the chat description from a top-level value of the export. */
export function updateTelegramChat(chat: TelegramChat, key: string, value: unknown): void {
  if (key === 'name') chat.name = str(value);
  else if (key === 'type') chat.type = str(value);
  else if (key === 'id') chat.id = str(value);
}

/** Maps a whole export held in memory (a one-line export, or one posted to the API): one chat or a whole account. */
export function mapTelegramDocument(doc: unknown, opts: MapOptions): MapResult[] {
  if (!isObject(doc)) return [refused('not a Telegram export: no "messages" array')];
  const lists = [doc.chats, doc.left_chats].flatMap((c) => (isObject(c) && Array.isArray(c.list) ? c.list : []));
  const chats = Array.isArray(doc.messages) ? [doc] : lists.filter(isObject);
  if (!chats.length) return [refused('not a Telegram export: no "messages" array and no "chats.list"')];
  return chats.flatMap((c) => {
    const chat: TelegramChat = {};
    for (const k of ['name', 'type', 'id']) updateTelegramChat(chat, k, c[k]);
    return Array.isArray(c.messages) ? c.messages.map((m) => mapTelegramMessage(m, chat, opts)) : [];
  });
}
