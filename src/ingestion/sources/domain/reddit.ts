/**
 * Reddit listing JSON: `{kind: "Listing", data: {children: [{kind: "t3"|"t1"|"more", data}]}}`, an
 * array of listings (a post with its comments), or bare things. Comment `replies` are walked. Posts
 * and comments of subreddits that are not public (`private`, `employees_only`, `gold_restricted`, no
 * type) are refused; user profiles (`user`) are public. Reddit escapes `&`, `<` and `>` in titles
 * and bodies: they are decoded. A post whose body was removed still shows its title, and a post
 * of a deleted account still shows its text: both are kept (author `[deleted]`); content that is
 * all `[removed]` or `[deleted]` is skipped.
 */
import { postedAtOf } from './dates';
import { decodeTextEntities, isObject, post, refused, str, type JsonObject, type MapResult } from './types';

const PUBLIC_SUBREDDIT_TYPES = ['public', 'restricted', 'archived', 'user'];
const GONE = ['[removed]', '[deleted]'];

export function mapRedditValue(value: unknown): MapResult[] {
  if (Array.isArray(value)) return value.flatMap(mapRedditValue);
  if (!isObject(value)) return [refused('not a Reddit thing (expected an object)')];
  if (value.kind === 'Listing') {
    const children = isObject(value.data) && Array.isArray(value.data.children) ? value.data.children : [];
    return children.flatMap(mapRedditValue);
  }
  if (value.kind === 'more') {
    const n = isObject(value.data) && typeof value.data.count === 'number' ? value.data.count : 0;
    return [{ kind: 'skipped', reason: `"more" stub: comments not expanded by the collector${n ? ` (${n})` : ''}` }];
  }
  if ((value.kind === 't3' || value.kind === 't1') && isObject(value.data)) {
    const self = mapThing(value.kind, value.data, value);
    const replies = value.kind === 't1' && isObject(value.data.replies) ? mapRedditValue(value.data.replies) : [];
    return [self, ...replies];
  }
  return [refused(`unsupported Reddit kind "${str(value.kind) ?? '(none)'}" (only Listing, t3 and t1)`)];
}

function mapThing(kind: 't3' | 't1', d: JsonObject, raw: JsonObject): MapResult {
  const name = str(d.name) ?? (str(d.id) ? `${kind}_${str(d.id)}` : undefined);
  if (!name) return refused(`${kind} has no name or id`);
  const type = str(d.subreddit_type);
  if (!type || !PUBLIC_SUBREDDIT_TYPES.includes(type)) return refused(type ? `subreddit type "${type}" is not public` : 'no subreddit_type: cannot show the subreddit is public', name);
  const shown = (v: unknown) => {
    const t = str(v)?.trim();
    return t && !GONE.includes(t) ? decodeTextEntities(t) : undefined;
  };
  const body = (kind === 't3' ? [shown(d.title), shown(d.selftext)] : [shown(d.body)]).filter((x) => x).join('\n\n');
  if (!body) return { kind: 'skipped', reason: `${kind === 't3' ? 'post' : 'comment'} removed or deleted`, id: name };
  // The account was deleted but its words are still shown.
  const author = str(d.author) || '[deleted]';
  const permalink = str(d.permalink);
  const url = permalink ? `https://www.reddit.com${permalink}` : kind === 't3' ? str(d.url) : undefined;
  if (!url) return refused('no permalink', name);
  const link = kind === 't3' && !d.is_self ? str(d.url) : undefined;
  const text = link && link !== url ? `${body}\n\n${link}` : body;
  const date = postedAtOf(d.created_utc);
  if (date.invalid !== undefined) return refused(date.invalid, name);
  const postedAt = date.postedAt;
  return post({ platform: 'reddit', platformPostId: name, url, authorHandle: author, text, ...(postedAt ? { postedAt } : {}), visibility: 'public', raw });
}
