/**
 * Mastodon statuses (REST API `Status` entities) and ActivityPub `Note` objects (outbox
 * `orderedItems`, bare or wrapped in a `Create` activity). HTML content becomes text; a content
 * warning (`spoiler_text`, `summary`) is kept before it. Only `public` and `unlisted` posts are
 * public; `private` (followers only) and `direct` are refused.
 */
import { convert } from 'html-to-text';
import { postedAtOf } from './dates';
import { isObject, post, refused, str, type JsonObject, type MapResult } from './types';

const AS_PUBLIC = ['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public'];
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

/** Text of an HTML fragment: links keep their visible text, paragraphs become blank lines. */
export function htmlToText(html: string): string {
  return convert(html, HTML_OPTIONS).trim();
}

export function mapMastodonValue(value: unknown): MapResult[] {
  if (Array.isArray(value)) return value.flatMap(mapMastodonValue);
  if (!isObject(value)) return [refused('not a Mastodon status (expected an object)')];
  if (Array.isArray(value.orderedItems)) return value.orderedItems.flatMap(mapMastodonValue);
  if (value.type === 'Create' && isObject(value.object)) return [mapNote(value.object, value)];
  if (value.type === 'Create') return [{ kind: 'skipped', reason: 'activity names its object by address only (the post is not in the export)', ...(str(value.id) ? { id: str(value.id)! } : {}) }];
  if (value.type === 'Announce') return [{ kind: 'skipped', reason: 'boost (Announce) of another post', ...(str(value.id) ? { id: str(value.id)! } : {}) }];
  if (value.type === 'Note' || value.type === 'Question' || value.type === 'Article' || value.type === 'Page') return [mapNote(value, value)];
  return [mapStatus(value)];
}

function mapStatus(s: JsonObject): MapResult {
  const raw = s;
  // A boost wraps the boosted status; the post is the original, with its own author and visibility.
  const st = isObject(s.reblog) ? s.reblog : s;
  const id = str(st.uri) ?? str(st.url) ?? str(st.id);
  if (!id) return refused('status has no uri, url or id');
  const visibility = str(st.visibility);
  if (visibility !== 'public' && visibility !== 'unlisted') {
    return refused(visibility ? `visibility "${visibility}" is not public (only public and unlisted)` : 'status has no visibility', id);
  }
  const account = isObject(st.account) ? st.account : {};
  const handle = str(account.acct) ?? str(account.username);
  if (!handle) return refused('status has no account.acct', id);
  const url = str(st.url) ?? str(st.uri)!;
  const text = joinWarning(str(st.spoiler_text), htmlToText(str(st.content) ?? ''), st);
  const date = postedAtOf(st.created_at);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({ platform: 'mastodon', platformPostId: id, url, authorHandle: handle, text, ...(postedAt ? { postedAt } : {}), visibility: 'public', raw });
}

function mapNote(note: JsonObject, raw: JsonObject): MapResult {
  const id = str(note.id);
  if (!id) return refused('Note has no id');
  const audience = [note.to, note.cc].flatMap((x) => (Array.isArray(x) ? x : x === undefined ? [] : [x]));
  if (!audience.some((a) => typeof a === 'string' && AS_PUBLIC.includes(a))) return refused('Note is not addressed to the public collection (followers-only or direct)', id);
  const handle = str(note.attributedTo);
  if (!handle) return refused('Note has no attributedTo', id);
  const text = joinWarning(str(note.summary), htmlToText(str(note.content) ?? firstValue(note.contentMap) ?? ''), note);
  const date = postedAtOf(note.published);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({ platform: 'mastodon', platformPostId: id, url: str(note.url) ?? id, authorHandle: handle, text, ...(postedAt ? { postedAt } : {}), visibility: 'public', raw });
}

function firstValue(map: unknown): string | undefined {
  return isObject(map) ? Object.values(map).map(str).find((v) => v !== undefined) : undefined;
}

/** Poll options: a status's `poll.options[].title`, a Question's `oneOf`/`anyOf[].name`. */
function pollOptions(st: JsonObject): string[] {
  const options = isObject(st.poll) && Array.isArray(st.poll.options) ? st.poll.options : [st.oneOf, st.anyOf].flatMap((x) => (Array.isArray(x) ? x : []));
  return options.map((o) => (isObject(o) ? str(o.title) ?? str(o.name) : undefined)).filter((o): o is string => !!o);
}

function joinWarning(warning: string | undefined, body: string, st: JsonObject): string {
  const poll = pollOptions(st);
  const media = (Array.isArray(st.media_attachments) ? st.media_attachments : Array.isArray(st.attachment) ? st.attachment : [])
    .map((m) => (isObject(m) ? str(m.description) ?? str(m.name) : undefined))
    .filter((d): d is string => !!d);
  return [warning ? `[CW] ${warning}` : '', body, poll.length ? `[poll] ${poll.join(' | ')}` : '', media.length ? `[media] ${media.join(' | ')}` : ''].filter(Boolean).join('\n\n');
}
