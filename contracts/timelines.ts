import { z } from "zod";
import { normalizePhrase, TrackPhrase } from "./track";
import { PageCursor, PageLimit } from "./actions";
import { RunId } from "./messages";
import { Author, TweetId } from "./tweet";

/**
 * Params and responses of the timeline service's actions beyond `timeline.get`: timelines per track
 * phrase, per author and per subscriber (home), single tweets, and subscribers' follows.
 */

/**
 * The REPL reads `--id 123` as a number: a whole number within a double's exact range is taken as its
 * digits. Larger ones have lost digits already and fail their schema; give them as strings.
 */
const digitsOf = (value: unknown): unknown =>
  typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;

export const SubscriberId = z.preprocess(
  digitsOf,
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a subscriber id must be 1 to 64 letters, digits, '_' or '-'"),
);

/**
 * An author as follows and author timelines name one: `123` by numeric user id, `@name` by screen
 * name, lowercase since screen names are case-insensitive. All digits is a user id; `@123` forces a
 * screen name.
 */
export const AuthorRef = z.preprocess(
  digitsOf,
  z
    .string()
    .trim()
    .regex(
      /^(\d{1,20}|@?[A-Za-z0-9_]{1,50})$/,
      "an author must be a screen name (letters, digits and '_', optionally after '@') or a numeric user id",
    )
    .transform(authorRef),
);

export function authorRef(author: string): string {
  return /^\d+$/.test(author) ? author : screenNameRef(author.replace(/^@/, ""));
}

/** A screen name as an author reference, whatever characters it holds. */
export function screenNameRef(screenName: string): string {
  return `@${screenName.toLowerCase()}`;
}

/** A list, or one comma-separated string as the REPL and a query string give it. */
const commaList = (value: unknown): unknown => {
  if (typeof value === "number") return [value];
  return typeof value === "string" ? value.split(",").map((item) => item.trim()) : value;
};

const FollowedAuthors = z.preprocess(
  commaList,
  z.array(AuthorRef).max(100, "authors may name at most 100 authors at once"),
);
const FollowedPhrases = z.preprocess(
  commaList,
  z.array(TrackPhrase.transform(normalizePhrase)).max(400, "track may name at most 400 phrases at once"),
);

/** `id` is the subscriber; at least one author or track phrase. */
export const FollowParams = z
  .object({
    id: SubscriberId,
    authors: FollowedAuthors.default([]),
    track: FollowedPhrases.default([]),
  })
  .refine((params) => params.authors.length + params.track.length > 0, {
    path: ["authors"],
    message: "authors or track must name at least one author or track phrase",
  });
export type FollowParams = z.infer<typeof FollowParams>;

export const SubscriberParams = z.object({ id: SubscriberId });

/** What a subscriber follows, after the call. */
export const Follows = z.object({
  subscriber: SubscriberId,
  authors: z.array(z.string()),
  track: z.array(z.string()),
});
export type Follows = z.infer<typeof Follows>;

/** true/false, or the strings a query string and the REPL give. */
const Flag = z.preprocess(
  (value) => (value === "true" || value === "1" ? true : value === "false" || value === "0" ? false : value),
  z.boolean({ error: "all_runs must be true or false" }),
);

/** Which run a timeline read is about (the current one by default), and which page. */
const PageParams = z.object({
  run_id: RunId.optional(),
  all_runs: Flag.default(false),
  limit: PageLimit,
  cursor: PageCursor,
});

const exclusiveRuns = (params: { run_id?: string; all_runs: boolean }): boolean =>
  !(params.all_runs && params.run_id !== undefined);
const EXCLUSIVE_RUNS = { path: ["all_runs"], message: "all_runs and run_id exclude each other" };

export const TrackTimelineParams = PageParams.extend({ phrase: TrackPhrase.transform(normalizePhrase) }).refine(
  exclusiveRuns,
  EXCLUSIVE_RUNS,
);
export type TrackTimelineParams = z.infer<typeof TrackTimelineParams>;

/** An X rule as a run gave it; X's longest (enterprise) rules are 2,048 characters. */
export const RuleTimelineParams = PageParams.extend({
  rule: z.string().trim().min(1, "rule must not be blank").max(2048, "rule must be at most 2048 characters"),
}).refine(exclusiveRuns, EXCLUSIVE_RUNS);
export type RuleTimelineParams = z.infer<typeof RuleTimelineParams>;

export const AuthorTimelineParams = PageParams.extend({ author: AuthorRef }).refine(exclusiveRuns, EXCLUSIVE_RUNS);
export type AuthorTimelineParams = z.infer<typeof AuthorTimelineParams>;

export const HomeTimelineParams = PageParams.extend({ subscriber: SubscriberId }).refine(exclusiveRuns, EXCLUSIVE_RUNS);
export type HomeTimelineParams = z.infer<typeof HomeTimelineParams>;

export const TweetParams = z.object({ id: z.preprocess(digitsOf, TweetId) });

/** A tweet as timelines show it: its body joined in at read time. */
export const HydratedTweet = z.object({
  id: TweetId,
  text: z.string(),
  author: Author,
  created_at: z.string(),
  lang: z.string().nullable(),
  /** The track phrases it matched (in the run that stored it last). */
  phrases: z.array(z.string()),
});
export type HydratedTweet = z.infer<typeof HydratedTweet>;

const TimelineReadPage = z.object({
  /** The run read; null across runs, or before any run. */
  run_id: RunId.nullable(),
  all_runs: z.boolean(),
  tweets: z.array(HydratedTweet),
  next_cursor: z.string().nullable(),
});

export const TrackTimelinePage = TimelineReadPage.extend({ track: z.string() });
export type TrackTimelinePage = z.infer<typeof TrackTimelinePage>;

export const RuleTimelinePage = TimelineReadPage.extend({ rule: z.string() });
export type RuleTimelinePage = z.infer<typeof RuleTimelinePage>;

export const AuthorTimelinePage = TimelineReadPage.extend({
  author: z.string(),
  /** The user id behind a screen name; null when no tweet of that name is known. */
  author_id: z.string().nullable(),
});
export type AuthorTimelinePage = z.infer<typeof AuthorTimelinePage>;

export const HomeTimelinePage = TimelineReadPage.extend({ subscriber: SubscriberId });
export type HomeTimelinePage = z.infer<typeof HomeTimelinePage>;
