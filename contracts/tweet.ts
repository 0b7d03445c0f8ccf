import { z } from "zod";

/**
 * The project's own tweet: what every source (generator, v1.1 replay, v2 replay, X API) maps its
 * messages to, and what the pipeline carries. It holds what matching and display need, nothing more.
 * Readers are tolerant: unknown fields pass through so that a newer writer stays readable.
 */

/** Tweet and user ids are decimal strings: snowflake ids exceed a double's exact range. */
export const TweetId = z.string().regex(/^\d{1,20}$/, "must be a decimal tweet id of 1 to 20 digits");
export type TweetId = z.infer<typeof TweetId>;

export const Author = z.looseObject({
  id: z.string().min(1),
  /** Screen name, without the `@`. */
  username: z.string(),
  name: z.string().optional(),
  /** Whether X showed the author as verified (`is:verified`); absent when the source does not say. */
  verified: z.boolean().optional(),
});
export type Author = z.infer<typeof Author>;

/** What a reply answers (`to:`, `is:reply`): any of the three the source names. */
export const ReplyTo = z.looseObject({
  tweet_id: TweetId.optional(),
  user_id: z.string().optional(),
  /** Screen name, without the `@`. */
  username: z.string().optional(),
});
export type ReplyTo = z.infer<typeof ReplyTo>;

/** How a tweet refers to another, as X API v2's `referenced_tweets` says it. */
export const TweetReference = z.looseObject({
  /** "retweeted", "quoted" or "replied_to"; other kinds pass through. */
  type: z.string(),
  id: TweetId,
});
export type TweetReference = z.infer<typeof TweetReference>;

/** Where a tweet was posted from (`has:geo`, `place_country:`): present only when it carries a place or coordinates. */
export const TweetGeo = z.looseObject({
  /** ISO 3166-1 alpha-2 code of the tagged place's country, when the source resolved the place. */
  country_code: z.string().optional(),
});
export type TweetGeo = z.infer<typeof TweetGeo>;

/**
 * The part of a tweet that track phrases and rules are matched against.
 * Fields added after 0.2.0 are optional, and absent means "none" or "the source did not say": older
 * writers (and the generator) do not send them, and messages stay as small as before when empty.
 */
export const TweetContent = z.looseObject({
  id: TweetId,
  /** The full text: `extended_tweet.full_text` for long v1.1 tweets, `note_tweet` text in v2. */
  text: z.string(),
  author: Author,
  /** Hashtag texts without the `#`. */
  hashtags: z.array(z.string()).default([]),
  /** Mentioned screen names without the `@`. */
  mentions: z.array(z.string()).default([]),
  /** Every URL form that track phrases may match: `expanded_url` and `display_url` of each link. */
  urls: z.array(z.string()).default([]),
  /** Cashtag texts without the `$` (v1.1 `entities.symbols`, v2 `entities.cashtags`). */
  cashtags: z.array(z.string()).optional(),
  /** Present when the tweet is a reply. */
  reply_to: ReplyTo.optional(),
  /** The kind of each attached medium: "photo", "video" or "animated_gif" (others pass through). */
  media: z.array(z.string()).optional(),
});
export type TweetContent = z.infer<typeof TweetContent>;

export const Tweet = TweetContent.extend({
  /** ISO-8601 creation time. */
  created_at: z.string(),
  /** BCP 47 language code as the source gives it (`und` when unknown); null when absent. */
  lang: z.string().nullable().default(null),
  /** The retweeted and quoted tweets it carries: a tweet matches through them too. */
  referenced: z.array(TweetContent).default([]),
  /** Which tweets it retweets, quotes or replies to: `referenced` holds the contents, this the kinds. */
  referenced_tweets: z.array(TweetReference).optional(),
  /** The id of the tweet that started its conversation (its own id when it starts one). */
  conversation_id: TweetId.optional(),
  geo: TweetGeo.optional(),
  /** Ids of every version of an edited tweet, oldest first, this one last (X API v2). */
  edit_history_tweet_ids: z.array(TweetId).optional(),
});
export type Tweet = z.infer<typeof Tweet>;

/** A source's notice that a tweet was deleted (v1.1 `{"delete": {...}}`). */
export const DeleteNotice = z.looseObject({
  tweet_id: TweetId,
  author_id: z.string().optional(),
});
export type DeleteNotice = z.infer<typeof DeleteNotice>;

/** What a source yields, one at a time. */
export type SourceItem = { kind: "tweet"; tweet: Tweet } | { kind: "delete"; notice: DeleteNotice };

/**
 * The post a tweet is a version of: an edit (a new id whose `edit_history_tweet_ids` lists more than
 * one) is its first id's, the original; any other tweet is its own.
 */
export function originalIdOf(tweet: Pick<Tweet, "id" | "edit_history_tweet_ids">): string {
  const history = tweet.edit_history_tweet_ids;
  return history && history.length > 1 ? (history[0] ?? tweet.id) : tweet.id;
}

/** Whether a tweet is an edit of an earlier post. */
export const isEdit = (tweet: Pick<Tweet, "id" | "edit_history_tweet_ids">): boolean =>
  originalIdOf(tweet) !== tweet.id;
