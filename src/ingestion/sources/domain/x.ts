/**
 * X (Twitter): API v2 response pages (`data`, `includes.users|media|tweets`, `meta`, `errors`), tweets
 * with an embedded `author` (flattened collector output), v1.1 statuses (`id_str`, `user`), and the
 * account archive (`window.YTD.tweets.part0 = [{"tweet": {...}}]`). Tweets of protected accounts are
 * refused. X escapes `&`, `<` and `>` in tweet text and shortens links to t.co: the text is given
 * with the characters and with each link's expanded address (`entities.urls`).
 */
import { postedAtOf } from './dates';
import { decodeTextEntities, isObject, post, refused, str, type JsonObject, type MapOptions, type MapResult } from './types';

/** Maps any X value: a v2 page, a v2 tweet, a v1.1 status, an archive entry, or an array of these. */
export function mapXValue(value: unknown, opts: MapOptions): MapResult[] {
  if (Array.isArray(value)) return value.flatMap((v) => mapXValue(v, opts));
  if (!isObject(value)) return [refused('not an X record (expected an object)')];
  if ('data' in value || 'meta' in value || 'includes' in value) return mapV2Page(value);
  if (isObject(value.tweet)) return [mapV11(value.tweet, opts, value)];
  if ('id_str' in value || isObject(value.user) || 'full_text' in value) return [mapV11(value, opts, value)];
  if ('author_id' in value || 'edit_history_tweet_ids' in value) return [mapV2Tweet(value, isObject(value.author) ? value.author : undefined, [], new Map(), value)];
  return [refused('not an X record: no data, tweet, id_str or author_id')];
}

function mapV2Page(page: JsonObject): MapResult[] {
  const data = Array.isArray(page.data) ? page.data : isObject(page.data) ? [page.data] : [];
  if (!data.length && Array.isArray(page.errors)) return [refused(`API error page: ${JSON.stringify(page.errors).slice(0, 200)}`)];
  // Partial errors next to data: tweets asked for that the API did not return (deleted, suspended, protected).
  const errors: MapResult[] = data.length && Array.isArray(page.errors)
    ? page.errors.filter(isObject).map((e) => ({ kind: 'skipped', reason: `API error next to the data (not a post): ${str(e.title) ?? str(e.type) ?? 'error'}`, ...(str(e.resource_id) ?? str(e.value) ? { id: (str(e.resource_id) ?? str(e.value))! } : {}) }))
    : [];
  const inc = isObject(page.includes) ? page.includes : {};
  const users = new Map<string, JsonObject>();
  for (const u of Array.isArray(inc.users) ? inc.users : []) if (isObject(u) && str(u.id)) users.set(str(u.id)!, u);
  const media = Array.isArray(inc.media) ? inc.media.filter(isObject) : [];
  const tweets = new Map<string, JsonObject>();
  for (const t of Array.isArray(inc.tweets) ? inc.tweets : []) if (isObject(t) && str(t.id)) tweets.set(str(t.id)!, t);
  return [...data.map((t) => {
    if (!isObject(t)) return refused('data entry is not an object');
    const author = users.get(str(t.author_id) ?? '') ?? (isObject(t.author) ? t.author : undefined);
    const keys = isObject(t.attachments) && Array.isArray(t.attachments.media_keys) ? t.attachments.media_keys : [];
    const own = media.filter((m) => keys.includes(m.media_key));
    // The raw record keeps the v2 shape: the tweet and the includes it refers to, each unaltered.
    const raw: JsonObject = { data: t, includes: { ...(author ? { users: [author] } : {}), ...(own.length ? { media: own } : {}) } };
    return mapV2Tweet(t, author, own, tweets, raw);
  }), ...errors];
}

/** Tweet text as shown: character references decoded, t.co links replaced by their expanded address. */
function shown(text: string, ...entitySets: unknown[]): string {
  let out = text;
  for (const set of entitySets) {
    const urls = isObject(set) && Array.isArray(set.urls) ? set.urls.filter(isObject) : [];
    for (const u of urls) {
      const short = str(u.url);
      const long = str(u.expanded_url) ?? str(u.unwound_url);
      if (short && long) out = out.split(short).join(long);
    }
  }
  return decodeTextEntities(out);
}

function fullV2Text(t: JsonObject): string {
  const note = isObject(t.note_tweet) ? t.note_tweet : undefined;
  const long = note ? str(note.text) : undefined;
  // note_tweet spells its entities `entity` in some responses and `entities` in others.
  return long !== undefined ? shown(long, note!.entities, note!.entity) : shown(str(t.text) ?? '', t.entities);
}

function mapV2Tweet(t: JsonObject, author: JsonObject | undefined, media: JsonObject[], tweets: Map<string, JsonObject>, raw: JsonObject): MapResult {
  const id = str(t.id);
  if (!id) return refused('tweet has no id');
  if (author?.protected === true) return refused('author account is protected (not public)', id);
  const username = author ? str(author.username) : undefined;
  const handle = username ?? (str(t.author_id) ? `id:${str(t.author_id)}` : undefined);
  if (!handle) return refused('tweet has no author_id and no author in includes.users', id);
  let text = fullV2Text(t);
  // A retweet's own text is cut at 140 characters; the full original is in includes.tweets.
  const refs = Array.isArray(t.referenced_tweets) ? t.referenced_tweets.filter(isObject) : [];
  const rt = refs.find((r) => r.type === 'retweeted');
  const original = rt ? tweets.get(str(rt.id) ?? '') : undefined;
  if (original) text = `${text.match(/^RT @[\w]+: /)?.[0] ?? ''}${fullV2Text(original)}`;
  const quoted = refs.find((r) => r.type === 'quoted');
  const quotedTweet = quoted ? tweets.get(str(quoted.id) ?? '') : undefined;
  if (quotedTweet) text = `${text}\n\n[quoted] ${fullV2Text(quotedTweet)}`;
  const alt = media.map((m) => str(m.alt_text)).filter((a): a is string => !!a);
  if (alt.length) text = `${text}\n\n[media] ${alt.join(' | ')}`;
  const date = postedAtOf(t.created_at);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({
    platform: 'x', platformPostId: id, url: username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`,
    authorHandle: handle, text, ...(postedAt ? { postedAt } : {}), visibility: 'public', raw,
  });
}

function mapV11(t: JsonObject, opts: MapOptions, raw: JsonObject): MapResult {
  const id = str(t.id_str) ?? str(t.id);
  if (!id) return refused('tweet has no id_str');
  const user = isObject(t.user) ? t.user : undefined;
  if (user?.protected === true) return refused('author account is protected (not public)', id);
  const handle = (user ? str(user.screen_name) : undefined) ?? opts.account?.replace(/^@/, '');
  if (!handle) return refused('archive tweet carries no author: pass the archive account with --account', id);
  const rt = isObject(t.retweeted_status) ? t.retweeted_status : undefined;
  const src = rt ?? t;
  let text = v11Text(src);
  if (rt && isObject(rt.user)) text = `RT @${str(rt.user.screen_name) ?? ''}: ${text}`;
  const quoted = isObject(t.quoted_status) ? t.quoted_status : undefined;
  if (quoted) text = `${text}\n\n[quoted] ${v11Text(quoted)}`;
  const date = postedAtOf(t.created_at);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({
    platform: 'x', platformPostId: id, url: `https://x.com/${handle}/status/${id}`, authorHandle: handle, text,
    ...(postedAt ? { postedAt } : {}), visibility: 'public', raw,
  });
}

function v11Text(t: JsonObject): string {
  const ext = isObject(t.extended_tweet) ? t.extended_tweet : undefined;
  const full = ext ? str(ext.full_text) : undefined;
  return full !== undefined ? shown(full, ext!.entities) : shown(str(t.full_text) ?? str(t.text) ?? '', t.entities);
}
