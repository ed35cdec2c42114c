/**
 * X (Twitter): API v2 response pages (`data`, `includes.users|media|tweets`, `meta`), tweets with an
 * embedded `author` (flattened collector output), v1.1 statuses (`id_str`, `user`), and the account
 * archive (`window.YTD.tweets.part0 = [{"tweet": {...}}]`). Tweets of protected accounts are refused.
 */
import { postedAtOf } from './dates';
import { isObject, post, refused, str, type JsonObject, type MapOptions, type MapResult } from './types';

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
  const inc = isObject(page.includes) ? page.includes : {};
  const users = new Map<string, JsonObject>();
  for (const u of Array.isArray(inc.users) ? inc.users : []) if (isObject(u) && str(u.id)) users.set(str(u.id)!, u);
  const media = Array.isArray(inc.media) ? inc.media.filter(isObject) : [];
  const tweets = new Map<string, JsonObject>();
  for (const t of Array.isArray(inc.tweets) ? inc.tweets : []) if (isObject(t) && str(t.id)) tweets.set(str(t.id)!, t);
  return data.map((t) => {
    if (!isObject(t)) return refused('data entry is not an object');
    const author = users.get(str(t.author_id) ?? '') ?? (isObject(t.author) ? t.author : undefined);
    const keys = isObject(t.attachments) && Array.isArray(t.attachments.media_keys) ? t.attachments.media_keys : [];
    const own = media.filter((m) => keys.includes(m.media_key));
    // The raw record keeps the v2 shape: the tweet and the includes it refers to, each unaltered.
    const raw: JsonObject = { data: t, includes: { ...(author ? { users: [author] } : {}), ...(own.length ? { media: own } : {}) } };
    return mapV2Tweet(t, author, own, tweets, raw);
  });
}

function fullV2Text(t: JsonObject): string {
  return (isObject(t.note_tweet) ? str(t.note_tweet.text) : undefined) ?? str(t.text) ?? '';
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
  const ext = isObject(src.extended_tweet) ? str(src.extended_tweet.full_text) : undefined;
  let text = ext ?? str(src.full_text) ?? str(src.text) ?? '';
  if (rt && isObject(rt.user)) text = `RT @${str(rt.user.screen_name) ?? ''}: ${text}`;
  const date = postedAtOf(t.created_at);
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({
    platform: 'x', platformPostId: id, url: `https://x.com/${handle}/status/${id}`, authorHandle: handle, text,
    ...(postedAt ? { postedAt } : {}), visibility: 'public', raw,
  });
}
