import { z } from "zod";
import {
  TweetId,
  type Author,
  type ReplyTo,
  type Tweet,
  type TweetContent,
  type TweetGeo,
  type TweetReference,
} from "../../contracts/tweet";
import { snowflakeTime } from "./snowflake";
import { linkForms, unescapeTweetText } from "./twitter-text";

/**
 * X API v2 payloads (filtered-stream messages and response pages), mapped to the project's
 * tweets. Pure functions over zod-parsed input, shared by the replay and the live X API source.
 * Schemas are loose: unknown fields pass through and every field the API may omit is optional.
 */

const V2Entities = z.looseObject({
  hashtags: z.array(z.looseObject({ tag: z.string() })).optional(),
  mentions: z.array(z.looseObject({ username: z.string(), id: z.string().nullish() })).optional(),
  cashtags: z.array(z.looseObject({ tag: z.string() })).optional(),
  urls: z.array(z.looseObject({ expanded_url: z.string().nullish(), display_url: z.string().nullish() })).optional(),
});

export const V2ReferencedTweet = z.looseObject({
  /** "retweeted", "quoted" or "replied_to". */
  type: z.string(),
  id: TweetId,
});

export const V2Tweet = z.looseObject({
  id: TweetId,
  /** Cut at 280 characters for long posts, whose full text is in `note_tweet`. */
  text: z.string(),
  author_id: z.string().nullish(),
  created_at: z.string().nullish(),
  lang: z.string().nullish(),
  entities: V2Entities.optional(),
  note_tweet: z.looseObject({ text: z.string(), entities: V2Entities.optional() }).optional(),
  referenced_tweets: z.array(V2ReferencedTweet).optional(),
  conversation_id: TweetId.nullish(),
  in_reply_to_user_id: z.string().nullish(),
  attachments: z.looseObject({ media_keys: z.array(z.string()).nullish() }).nullish(),
  /** A tagged place (`place_id`, resolved through `includes.places`) or exact coordinates. */
  geo: z.looseObject({ place_id: z.string().nullish(), coordinates: z.unknown().optional() }).nullish(),
  edit_history_tweet_ids: z.array(TweetId).nullish(),
});
export type V2Tweet = z.infer<typeof V2Tweet>;

export const V2User = z.looseObject({
  id: z.string(),
  username: z.string(),
  name: z.string().nullish(),
  verified: z.boolean().nullish(),
});
export type V2User = z.infer<typeof V2User>;

/** An attachment: "photo", "video" or "animated_gif". */
const V2Media = z.looseObject({ media_key: z.string(), type: z.string() });
const V2Place = z.looseObject({ id: z.string(), country_code: z.string().nullish() });

/** The expansions: the users, tweets, media and places that the message's tweets refer to by id. */
export const V2Includes = z.looseObject({
  users: z.array(V2User).optional(),
  tweets: z.array(V2Tweet).optional(),
  media: z.array(V2Media).optional(),
  places: z.array(V2Place).optional(),
});
export type V2Includes = z.infer<typeof V2Includes>;

/** Problems the API reports beside (or instead of) the data, e.g. an operational disconnect. */
const V2Errors = z.array(z.looseObject({ title: z.string().nullish(), detail: z.string().nullish() }));

/** One message of the filtered stream: a tweet with its expansions and the rules it matched. */
export const V2StreamMessage = z.looseObject({
  data: V2Tweet.optional(),
  includes: V2Includes.optional(),
  matching_rules: z
    .array(z.looseObject({ id: z.union([z.string(), z.number()]).nullish(), tag: z.string().nullish() }))
    .optional(),
  errors: V2Errors.optional(),
});
export type V2StreamMessage = z.infer<typeof V2StreamMessage>;

/** One page of a v2 response (search, timelines): many tweets sharing one `includes`. */
export const V2Page = z.looseObject({
  data: z.array(V2Tweet),
  includes: V2Includes.optional(),
  meta: z.looseObject({}).optional(),
  errors: V2Errors.optional(),
});
export type V2Page = z.infer<typeof V2Page>;

/** `includes` indexed by id, built once per message or page. */
export interface V2IncludesIndex {
  readonly users: ReadonlyMap<string, V2User>;
  readonly tweets: ReadonlyMap<string, V2Tweet>;
  /** Media kinds by media key. */
  readonly media: ReadonlyMap<string, string>;
  readonly places: ReadonlyMap<string, z.infer<typeof V2Place>>;
}

export function indexIncludes(includes: V2Includes | undefined): V2IncludesIndex {
  return {
    users: new Map((includes?.users ?? []).map((user) => [user.id, user])),
    tweets: new Map((includes?.tweets ?? []).map((tweet) => [tweet.id, tweet])),
    media: new Map((includes?.media ?? []).map((medium) => [medium.media_key, medium.type])),
    places: new Map((includes?.places ?? []).map((place) => [place.id, place])),
  };
}

/** Tweets requested without the `author_id` field have no author to resolve. */
export const UNKNOWN_AUTHOR_ID = "unknown";

function v2Author(authorId: string | null | undefined, index: V2IncludesIndex): Author {
  const id = authorId || UNKNOWN_AUTHOR_ID;
  const user = index.users.get(id);
  if (user === undefined) return { id, username: "" };
  const author: Author = user.name ? { id, username: user.username, name: user.name } : { id, username: user.username };
  if (typeof user.verified === "boolean") author.verified = user.verified;
  return author;
}

type V2Entities = z.infer<typeof V2Entities>;

/**
 * Whom a reply answers: the `replied_to` tweet and `in_reply_to_user_id`, the user's name from
 * `includes.users` or, when users were not expanded, from the mention of that user.
 */
function v2ReplyTo(tweet: V2Tweet, entities: V2Entities | undefined, index: V2IncludesIndex): ReplyTo | undefined {
  const tweetId = tweet.referenced_tweets?.find((reference) => reference.type === "replied_to")?.id;
  const userId = tweet.in_reply_to_user_id ?? undefined;
  if (tweetId === undefined && userId === undefined) return undefined;
  const username =
    userId === undefined
      ? undefined
      : (index.users.get(userId)?.username ?? entities?.mentions?.find((mention) => mention.id === userId)?.username);
  return {
    ...(tweetId === undefined ? {} : { tweet_id: tweetId }),
    ...(userId === undefined ? {} : { user_id: userId }),
    ...(username === undefined ? {} : { username }),
  };
}

/** The kinds of the attached media that `includes.media` resolves; keys it lacks are skipped. */
function v2MediaKinds(tweet: V2Tweet, index: V2IncludesIndex): string[] {
  return (tweet.attachments?.media_keys ?? []).flatMap((key) => index.media.get(key) ?? []);
}

/**
 * The content track phrases and rules match against: the long-post text and its entities when
 * present. Facts the tweet lacks (no cashtags, not a reply, no media) are left out, not written empty.
 */
export function v2TweetToContent(tweet: V2Tweet, index: V2IncludesIndex): TweetContent {
  const entities = tweet.note_tweet?.entities ?? tweet.entities;
  const cashtags = entities?.cashtags?.map((cashtag) => cashtag.tag) ?? [];
  const replyTo = v2ReplyTo(tweet, entities, index);
  const media = v2MediaKinds(tweet, index);
  return {
    id: tweet.id,
    text: unescapeTweetText(tweet.note_tweet?.text ?? tweet.text),
    author: v2Author(tweet.author_id, index),
    hashtags: entities?.hashtags?.map((hashtag) => hashtag.tag) ?? [],
    mentions: entities?.mentions?.map((mention) => mention.username) ?? [],
    urls: linkForms(entities?.urls),
    ...(cashtags.length > 0 ? { cashtags } : {}),
    ...(replyTo === undefined ? {} : { reply_to: replyTo }),
    ...(media.length > 0 ? { media } : {}),
  };
}

const EMBEDDED_TYPES: ReadonlySet<string> = new Set(["retweeted", "quoted"]);

function embeddedTweets(tweet: V2Tweet, index: V2IncludesIndex): V2Tweet[] {
  return (tweet.referenced_tweets ?? []).flatMap((reference) => {
    const embedded = EMBEDDED_TYPES.has(reference.type) ? index.tweets.get(reference.id) : undefined;
    return embedded === undefined ? [] : [embedded];
  });
}

/** Retweeted and quoted tweets found in `includes` (and the tweet a retweeted tweet quotes), each once. */
function referencedContents(tweet: V2Tweet, index: V2IncludesIndex): TweetContent[] {
  const direct = embeddedTweets(tweet, index);
  const referenced: TweetContent[] = [];
  for (const embedded of [...direct, ...direct.flatMap((each) => embeddedTweets(each, index))]) {
    if (embedded.id === tweet.id || referenced.some((content) => content.id === embedded.id)) continue;
    referenced.push(v2TweetToContent(embedded, index));
  }
  return referenced;
}

function createdAt(tweet: V2Tweet): string | undefined {
  if (tweet.created_at) return tweet.created_at;
  const ms = snowflakeTime(tweet.id);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** A tagged place or coordinates, with the place's country when `includes.places` resolves it. */
function v2Geo(tweet: V2Tweet, index: V2IncludesIndex): TweetGeo | undefined {
  const geo = tweet.geo;
  if (!geo || (!geo.place_id && (geo.coordinates === undefined || geo.coordinates === null))) return undefined;
  const countryCode = geo.place_id ? index.places.get(geo.place_id)?.country_code : undefined;
  return countryCode ? { country_code: countryCode } : {};
}

/** The facts only the tweet itself has, not the tweets it carries; each left out when absent. */
function v2TweetFacts(
  tweet: V2Tweet,
  index: V2IncludesIndex,
): Pick<Tweet, "referenced_tweets" | "conversation_id" | "geo" | "edit_history_tweet_ids"> {
  const references: TweetReference[] = (tweet.referenced_tweets ?? []).map(({ type, id }) => ({ type, id }));
  const geo = v2Geo(tweet, index);
  return {
    ...(references.length > 0 ? { referenced_tweets: references } : {}),
    ...(tweet.conversation_id ? { conversation_id: tweet.conversation_id } : {}),
    ...(geo === undefined ? {} : { geo }),
    ...(tweet.edit_history_tweet_ids ? { edit_history_tweet_ids: tweet.edit_history_tweet_ids } : {}),
  };
}

/**
 * The project's tweet, its author and referenced tweets resolved through `includes`; undefined
 * when it has no creation time (neither `created_at` nor a snowflake id).
 */
export function v2TweetToTweet(tweet: V2Tweet, index: V2IncludesIndex = indexIncludes(undefined)): Tweet | undefined {
  const created = createdAt(tweet);
  if (created === undefined) return undefined;
  return {
    ...v2TweetToContent(tweet, index),
    created_at: created,
    lang: tweet.lang ?? null,
    referenced: referencedContents(tweet, index),
    ...v2TweetFacts(tweet, index),
  };
}

/** A filtered-stream message's tweet; undefined for messages without one (errors, disconnects). */
export function v2StreamMessageToTweet(message: V2StreamMessage): Tweet | undefined {
  return message.data === undefined ? undefined : v2TweetToTweet(message.data, indexIncludes(message.includes));
}

/** The tweets of a response page, in order. */
export function v2PageToTweets(page: V2Page): Tweet[] {
  const index = indexIncludes(page.includes);
  return page.data.flatMap((tweet) => v2TweetToTweet(tweet, index) ?? []);
}
