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
});
export type Author = z.infer<typeof Author>;

/** The part of a tweet that track phrases are matched against. */
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
});
export type TweetContent = z.infer<typeof TweetContent>;

export const Tweet = TweetContent.extend({
  /** ISO-8601 creation time. */
  created_at: z.string(),
  /** BCP 47 language code as the source gives it (`und` when unknown); null when absent. */
  lang: z.string().nullable().default(null),
  /** The retweeted and quoted tweets it carries: a tweet matches through them too. */
  referenced: z.array(TweetContent).default([]),
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
