import { z } from "zod";
import {
  TweetId,
  type Author,
  type DeleteNotice,
  type ReplyTo,
  type SourceItem,
  type Tweet,
  type TweetContent,
  type TweetGeo,
  type TweetReference,
} from "../../contracts/tweet";
import { snowflakeTime } from "./snowflake";
import { linkForms, unescapeTweetText } from "./twitter-text";

/**
 * Twitter Streaming API v1.1 messages, mapped to the project's tweets and delete notices.
 *
 * The schemas name only the fields the mapping reads and ignore all others. Tweets are checked
 * against `V1Tweet` by `isV1Tweet`, a hand-written equivalent (held equal to the schema by the
 * tests): zod's parse rebuilds every nested object and, measured on the shared captures, halved
 * the replay's speed (~22,000 against ~45,000 lines/s for parse and mapping).
 */

const V1Link = z.object({ expanded_url: z.string().nullish(), display_url: z.string().nullish() });
/** A medium: `type` is "photo", "video" or "animated_gif" in `extended_entities` ("photo" in `entities`). */
const V1Media = V1Link.extend({ type: z.string().nullish() });

const V1Entities = z.object({
  hashtags: z.array(z.object({ text: z.string() })).nullish(),
  user_mentions: z.array(z.object({ screen_name: z.string() })).nullish(),
  symbols: z.array(z.object({ text: z.string() })).nullish(),
  urls: z.array(V1Link).nullish(),
  media: z.array(V1Media).nullish(),
});
export type V1Entities = z.infer<typeof V1Entities>;

const V1User = z.object({
  id_str: z.string().min(1),
  screen_name: z.string(),
  name: z.string().nullish(),
  verified: z.boolean().nullish(),
});
type V1User = z.infer<typeof V1User>;

/** The fields a tweet and the tweets it embeds have in common. */
export const V1Status = z.object({
  id_str: TweetId,
  text: z.string().nullish(),
  /** Set instead of `text` by REST endpoints called with `tweet_mode=extended`. */
  full_text: z.string().nullish(),
  user: V1User,
  in_reply_to_status_id_str: z.string().nullish(),
  in_reply_to_user_id_str: z.string().nullish(),
  in_reply_to_screen_name: z.string().nullish(),
  entities: V1Entities.nullish(),
  extended_entities: V1Entities.nullish(),
  /** Tweets longer than 140 characters carry their full text and entities here. */
  extended_tweet: z
    .object({
      full_text: z.string().nullish(),
      entities: V1Entities.nullish(),
      extended_entities: V1Entities.nullish(),
    })
    .nullish(),
});
export type V1Status = z.infer<typeof V1Status>;

export const V1Tweet = V1Status.extend({
  created_at: z.string().nullish(),
  timestamp_ms: z.string().nullish(),
  lang: z.string().nullish(),
  retweeted_status: V1Status.extend({ quoted_status: V1Status.nullish() }).nullish(),
  quoted_status: V1Status.nullish(),
  /** GeoJSON point of exact coordinates; only its presence is read. */
  coordinates: z.unknown().optional(),
  place: z.object({ country_code: z.string().nullish() }).nullish(),
});
export type V1Tweet = z.infer<typeof V1Tweet>;

export const V1DeleteMessage = z.object({
  delete: z.object({
    status: z.object({ id_str: TweetId, user_id_str: z.string().nullish() }),
    timestamp_ms: z.string().nullish(),
  }),
});
export type V1DeleteMessage = z.infer<typeof V1DeleteMessage>;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isNullish = (value: unknown): value is null | undefined => value === null || value === undefined;
const isNullishString = (value: unknown): boolean => isNullish(value) || typeof value === "string";

const isNullishListOf = (value: unknown, field: string): boolean =>
  isNullish(value) ||
  (Array.isArray(value) && value.every((item) => isRecord(item) && typeof item[field] === "string"));

const isNullishBoolean = (value: unknown): boolean => isNullish(value) || typeof value === "boolean";

const isLink = (link: unknown): link is Json =>
  isRecord(link) && isNullishString(link.expanded_url) && isNullishString(link.display_url);

const isNullishLinks = (value: unknown): boolean => isNullish(value) || (Array.isArray(value) && value.every(isLink));

const isNullishMedia = (value: unknown): boolean =>
  isNullish(value) || (Array.isArray(value) && value.every((medium) => isLink(medium) && isNullishString(medium.type)));

const isNullishEntities = (value: unknown): boolean =>
  isNullish(value) ||
  (isRecord(value) &&
    isNullishListOf(value.hashtags, "text") &&
    isNullishListOf(value.user_mentions, "screen_name") &&
    isNullishListOf(value.symbols, "text") &&
    isNullishLinks(value.urls) &&
    isNullishMedia(value.media));

const isUser = (value: unknown): boolean =>
  isRecord(value) &&
  typeof value.id_str === "string" &&
  value.id_str.length > 0 &&
  typeof value.screen_name === "string" &&
  isNullishString(value.name) &&
  isNullishBoolean(value.verified);

const isNullishExtendedTweet = (value: unknown): boolean =>
  isNullish(value) ||
  (isRecord(value) &&
    isNullishString(value.full_text) &&
    isNullishEntities(value.entities) &&
    isNullishEntities(value.extended_entities));

function isStatus(value: unknown): value is Json {
  return (
    isRecord(value) &&
    TweetId.safeParse(value.id_str).success &&
    isNullishString(value.text) &&
    isNullishString(value.full_text) &&
    isUser(value.user) &&
    isNullishString(value.in_reply_to_status_id_str) &&
    isNullishString(value.in_reply_to_user_id_str) &&
    isNullishString(value.in_reply_to_screen_name) &&
    isNullishEntities(value.entities) &&
    isNullishEntities(value.extended_entities) &&
    isNullishExtendedTweet(value.extended_tweet)
  );
}

const isNullishStatus = (value: unknown): boolean => isNullish(value) || isStatus(value);

/** Whether `value` (parsed JSON) matches `V1Tweet`: the same answer as `V1Tweet.safeParse`, without copying. */
export function isV1Tweet(value: unknown): value is V1Tweet {
  if (!isStatus(value)) return false;
  const retweeted = value.retweeted_status;
  return (
    isNullishString(value.created_at) &&
    isNullishString(value.timestamp_ms) &&
    isNullishString(value.lang) &&
    (isNullish(retweeted) || (isStatus(retweeted) && isNullishStatus(retweeted.quoted_status))) &&
    isNullishStatus(value.quoted_status) &&
    (isNullish(value.place) || (isRecord(value.place) && isNullishString(value.place.country_code)))
  );
}

/** Stream messages that carry no tweet: a replay skips and counts them. */
export const V1_CONTROL_KEYS: ReadonlySet<string> = new Set([
  "limit",
  "scrub_geo",
  "status_withheld",
  "user_withheld",
  "user_delete",
  "user_undelete",
  "user_suspend",
  "warning",
  "disconnect",
  "event",
  "friends",
  "friends_str",
  "control",
  "for_user",
  "direct_message",
]);

export function isV1ControlMessage(message: object): boolean {
  for (const key of Object.keys(message)) if (V1_CONTROL_KEYS.has(key)) return true;
  return false;
}

/** "Sat Aug 10 11:00:00 +0000 2013" */
const V1_DATE = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The ms of a v1.1 `created_at`, or undefined when it is not in Twitter's format. */
export function parseV1Date(createdAt: string): number | undefined {
  const parts = V1_DATE.exec(createdAt);
  if (parts === null) return undefined;
  const [, month, day, hours, minutes, seconds, sign, offsetHours, offsetMinutes, year] = parts;
  const monthIndex = MONTHS.indexOf(month ?? "");
  if (monthIndex < 0) return undefined;
  const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 * (sign === "-" ? -1 : 1);
  return Date.UTC(Number(year), monthIndex, Number(day), Number(hours), Number(minutes), Number(seconds)) - offsetMs;
}

/** The largest ms a Date holds: beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

/** Creation time: `timestamp_ms` (exact, streams only), else `created_at`, else the snowflake id's time. */
function createdAt(tweet: V1Tweet): string | undefined {
  const stamp = tweet.timestamp_ms ? Number(tweet.timestamp_ms) : Number.NaN;
  const ms = Number.isFinite(stamp)
    ? stamp
    : ((tweet.created_at ? parseV1Date(tweet.created_at) : undefined) ?? snowflakeTime(tweet.id_str));
  return ms !== undefined && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : undefined;
}

function v1Author(user: V1User): Author {
  const author: Author = user.name
    ? { id: user.id_str, username: user.screen_name, name: user.name }
    : { id: user.id_str, username: user.screen_name };
  if (typeof user.verified === "boolean") author.verified = user.verified;
  return author;
}

/** Whom a reply answers, from the `in_reply_to_*` fields; undefined when it answers nothing. */
function v1ReplyTo(status: V1Status): ReplyTo | undefined {
  const { in_reply_to_status_id_str: tweetId, in_reply_to_user_id_str: userId } = status;
  const username = status.in_reply_to_screen_name;
  if (!tweetId && !userId) return undefined;
  return {
    ...(tweetId && TweetId.safeParse(tweetId).success ? { tweet_id: tweetId } : {}),
    ...(userId ? { user_id: userId } : {}),
    ...(username ? { username } : {}),
  };
}

/** The kinds of the tweet's media: `extended_entities` lists them all, `entities` only the first photo. */
function v1MediaKinds(media: V1Entities | null | undefined, entities: V1Entities | null | undefined): string[] {
  const list = media?.media ?? entities?.media ?? [];
  return list.map((medium) => medium.type ?? "photo");
}

/** The full text: `extended_tweet.full_text` for long tweets, else `full_text`, else `text`. */
function fullText(status: V1Status): string | undefined {
  const text = status.extended_tweet?.full_text ?? status.full_text ?? status.text;
  return text === undefined || text === null ? undefined : unescapeTweetText(text);
}

/** The content track phrases match against, or undefined when the status has no text. */
export function v1StatusToContent(status: V1Status): TweetContent | undefined {
  const text = fullText(status);
  if (text === undefined) return undefined;
  const extended = status.extended_tweet;
  // Long tweets' entities are in extended_tweet; the top-level ones only cover the cut text.
  const entities = extended?.entities ?? status.entities;
  const media = extended?.extended_entities ?? status.extended_entities;
  const cashtags = entities?.symbols?.map((symbol) => symbol.text) ?? [];
  const replyTo = v1ReplyTo(status);
  const mediaKinds = v1MediaKinds(media, entities);
  return {
    id: status.id_str,
    text,
    author: v1Author(status.user),
    hashtags: entities?.hashtags?.map((hashtag) => hashtag.text) ?? [],
    mentions: entities?.user_mentions?.map((mention) => mention.screen_name) ?? [],
    urls: linkForms(entities?.urls, entities?.media, media?.media),
    ...(cashtags.length > 0 ? { cashtags } : {}),
    ...(replyTo === undefined ? {} : { reply_to: replyTo }),
    ...(mediaKinds.length > 0 ? { media: mediaKinds } : {}),
  };
}

/** Retweeted and quoted tweets (and the tweet a retweeted tweet quotes), each once. */
function referencedContents(tweet: V1Tweet): TweetContent[] {
  const embedded = [tweet.retweeted_status, tweet.quoted_status, tweet.retweeted_status?.quoted_status];
  const referenced: TweetContent[] = [];
  for (const status of embedded) {
    if (!status || referenced.some((content) => content.id === status.id_str)) continue;
    const content = v1StatusToContent(status);
    if (content !== undefined) referenced.push(content);
  }
  return referenced;
}

/** The kinds of reference v2 names, from the embedded statuses and `in_reply_to_status_id_str`. */
function v1References(tweet: V1Tweet): TweetReference[] {
  const references: TweetReference[] = [];
  if (tweet.retweeted_status) references.push({ type: "retweeted", id: tweet.retweeted_status.id_str });
  if (tweet.quoted_status) references.push({ type: "quoted", id: tweet.quoted_status.id_str });
  const repliedTo = tweet.in_reply_to_status_id_str;
  if (repliedTo && TweetId.safeParse(repliedTo).success) references.push({ type: "replied_to", id: repliedTo });
  return references;
}

/** Coordinates or a tagged place; v1.1 puts the retweeted tweet's place on it, not on the retweet. */
function v1Geo(tweet: V1Tweet): TweetGeo | undefined {
  const hasCoordinates = tweet.coordinates !== undefined && tweet.coordinates !== null;
  if (!hasCoordinates && !tweet.place) return undefined;
  return tweet.place?.country_code ? { country_code: tweet.place.country_code } : {};
}

/**
 * The facts only the tweet itself has. v1.1 has no `conversation_id`; a tweet that replies to no
 * tweet starts a conversation, so its own id is its conversation's, and a reply's stays unknown.
 */
function v1TweetFacts(tweet: V1Tweet): Pick<Tweet, "referenced_tweets" | "conversation_id" | "geo"> {
  const references = v1References(tweet);
  const geo = v1Geo(tweet);
  return {
    ...(references.length > 0 ? { referenced_tweets: references } : {}),
    ...(tweet.in_reply_to_status_id_str ? {} : { conversation_id: tweet.id_str }),
    ...(geo === undefined ? {} : { geo }),
  };
}

/** The project's tweet, or undefined when the tweet has no text or no creation time. */
export function v1TweetToTweet(tweet: V1Tweet): Tweet | undefined {
  const content = v1StatusToContent(tweet);
  const created = createdAt(tweet);
  if (content === undefined || created === undefined) return undefined;
  return {
    ...content,
    created_at: created,
    lang: tweet.lang ?? null,
    referenced: referencedContents(tweet),
    ...v1TweetFacts(tweet),
  };
}

export function v1DeleteToNotice(message: V1DeleteMessage): DeleteNotice {
  const { status } = message.delete;
  return status.user_id_str ? { tweet_id: status.id_str, author_id: status.user_id_str } : { tweet_id: status.id_str };
}

/**
 * A v1.1 stream message (already JSON-parsed) as a source item: a tweet or a delete notice, and
 * null for control messages and anything else.
 */
export function v1MessageToItem(message: unknown): SourceItem | null {
  if (typeof message !== "object" || message === null) return null;
  if ("delete" in message) {
    const parsed = V1DeleteMessage.safeParse(message);
    return parsed.success ? { kind: "delete", notice: v1DeleteToNotice(parsed.data) } : null;
  }
  if (!("id_str" in message)) return null;
  const tweet = isV1Tweet(message) ? v1TweetToTweet(message) : undefined;
  return tweet === undefined ? null : { kind: "tweet", tweet };
}
