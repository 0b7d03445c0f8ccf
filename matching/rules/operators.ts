/**
 * The operators of X's rule language that this evaluator knows, as X API v2's filtered-stream
 * operator reference lists them: each one standalone (it may make a rule on its own) or
 * conjunction-required (it must be joined to a standalone one), with the aliases X accepts.
 */

/** What one clause of a rule asks of a post; every text in it is lowercased. */
export type Clause =
  /** A bare word, as X tokenizes it: one token, or several (`coca-cola`) that must follow each other. */
  | { readonly kind: "keyword"; readonly tokens: readonly string[] }
  /** A `"quoted phrase"`: its tokens, in order, one after the other. */
  | { readonly kind: "phrase"; readonly tokens: readonly string[] }
  /** `#`, `@` and `$`: an entity of the post, by its exact text without the sigil. */
  | { readonly kind: "hashtag" | "mention" | "cashtag"; readonly name: string }
  /** A username (without `@`) or a numeric user id. */
  | { readonly kind: "from" | "to" | "retweets_of"; readonly user: string }
  /** The tokens of `url:`'s value, matched in one URL of the post. */
  | { readonly kind: "url"; readonly tokens: readonly string[] }
  | { readonly kind: "lang" | "place_country" | "conversation_id"; readonly value: string }
  | { readonly kind: "is"; readonly flag: IsFlag }
  | { readonly kind: "has"; readonly flag: HasFlag };

export type IsFlag = "retweet" | "reply" | "quote" | "verified" | "nullcast";
export type HasFlag = "hashtags" | "cashtags" | "links" | "mentions" | "media" | "images" | "videos" | "geo";

/** `is:` flags; all conjunction-required. `nullcast` is only valid negated. */
export const IS_FLAGS: ReadonlyMap<string, IsFlag> = new Map([
  ["retweet", "retweet"],
  ["reply", "reply"],
  ["quote", "quote"],
  ["verified", "verified"],
  ["nullcast", "nullcast"],
]);

/** `has:` flags and their aliases (`has:symbols` is the enterprise name); all conjunction-required. */
export const HAS_FLAGS: ReadonlyMap<string, HasFlag> = new Map([
  ["hashtags", "hashtags"],
  ["cashtags", "cashtags"],
  ["symbols", "cashtags"],
  ["links", "links"],
  ["mentions", "mentions"],
  ["media", "media"],
  ["media_link", "media"],
  ["images", "images"],
  ["videos", "videos"],
  ["video_link", "videos"],
  ["geo", "geo"],
]);

type ValueKind = "from" | "to" | "retweets_of" | "url" | "lang" | "place_country" | "conversation_id";

export interface ValueOperator {
  readonly kind: ValueKind;
  readonly standalone: boolean;
  /** What a valid value looks like, and how the error says so. */
  readonly value: RegExp;
  readonly expects: string;
}

const USER = { value: /^\w{1,50}$/u, expects: "one username (without @) or numeric user id" };

/** Operators written `name:value`, by name, aliases included. */
export const VALUE_OPERATORS: ReadonlyMap<string, ValueOperator> = new Map([
  ["from", { kind: "from", standalone: true, ...USER }],
  ["to", { kind: "to", standalone: true, ...USER }],
  ["retweets_of", { kind: "retweets_of", standalone: true, ...USER }],
  ["retweets_of_user", { kind: "retweets_of", standalone: true, ...USER }],
  ["url", { kind: "url", standalone: true, value: /\S/u, expects: "one URL, quoted when it holds punctuation" }],
  ["lang", { kind: "lang", standalone: false, value: /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/iu, expects: "one BCP 47 code" }],
  [
    "place_country",
    { kind: "place_country", standalone: true, value: /^[a-z]{2}$/iu, expects: "one ISO alpha-2 code" },
  ],
  ["conversation_id", { kind: "conversation_id", standalone: true, value: /^\d{1,20}$/u, expects: "one post id" }],
] satisfies Array<[string, ValueOperator]>);

/**
 * Operators X documents for filtered stream that this evaluator does not evaluate: a rule using
 * one is refused with a reason saying so, rather than matched wrongly.
 */
export const NOT_EVALUATED: ReadonlySet<string> = new Set([
  "from_affiliate_of",
  "to_affiliate_of",
  "url_title",
  "within_url_title",
  "url_description",
  "within_url_description",
  "url_contains",
  "contains",
  "context",
  "entity",
  "bio",
  "user_bio",
  "bio_name",
  "bio_location",
  "user_bio_location",
  "place",
  "point_radius",
  "bounding_box",
  "geo_bounding_box",
  "sample",
  "followers_count",
  "tweets_count",
  "statuses_count",
  "following_count",
  "friends_count",
  "listed_count",
  "user_in_lists_count",
  "min_followers",
  "in_reply_to_tweet_id",
  "in_reply_to_status_id",
  "retweets_of_tweet_id",
  "retweets_of_status_id",
  "source",
  "embedding",
  "embedding_threshold",
]);

/** Conjunction-required operators, for the reason given when one stands alone. */
export const CONJUNCTION_REQUIRED = "is:, has: and lang:";
