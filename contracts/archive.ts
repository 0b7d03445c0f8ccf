import { z } from "zod";
import { RunId } from "./messages";
import { normalizePhrase, TrackPhrase } from "./track";
import { AuthorRef } from "./timelines";
import { Tweet, TweetId } from "./tweet";

/**
 * Params and answers of the archive service: search over every archived tweet, a run's export, and
 * the archived row of a tweet as both show it.
 */

/** `q` in the syntax of matching/search/query.ts (docs/archive.md); its handler reads it, naming where it cannot. */
export const SearchText = z.string().max(500, "q must be at most 500 characters");

/** A date (`2026-12-03`, midnight UTC) or a date-time with its offset (`2026-12-03T10:00:00Z`), as epoch ms. */
const Instant = (name: string) =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: `${name} must be a date such as 2026-12-03 or a date-time such as 2026-12-03T10:00:00Z`,
    })
    .transform((value) => Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));

/** Where the next page of a search starts: the last tweet of this one, opaque to callers. */
export interface SearchPlace {
  createdAt: number;
  tweetId: string;
  runId: string;
}

const CURSOR = /^(\d{1,15})_(\d{1,20})_([a-z0-9-]{1,64})$/;

export function searchCursor(place: SearchPlace): string {
  return Buffer.from(`${place.createdAt}_${place.tweetId}_${place.runId}`).toString("base64url");
}

export const SearchCursor = z.string().transform((cursor, ctx): SearchPlace => {
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(cursor)
    ? CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"))
    : null;
  if (!match) {
    ctx.addIssue({ code: "custom", message: "cursor must be the next_cursor of a previous search page" });
    return z.NEVER;
  }
  return { createdAt: Number(match[1]), tweetId: match[2] ?? "", runId: match[3] ?? "" };
});

export const SearchParams = z
  .object({
    /** Words, "phrases" and -exclusions; absent: every archived tweet the other filters keep. */
    q: SearchText.optional(),
    run_id: RunId.optional(),
    /** A track phrase the tweet matched. */
    phrase: TrackPhrase.transform(normalizePhrase).optional(),
    lang: z
      .string()
      .regex(/^([a-z]{2,3}(-[A-Za-z0-9]{2,8})?|und)$/, "lang must be a BCP 47 code such as en or pt-BR, or und")
      .optional(),
    /** `123` by user id, `@name` or `name` by screen name. */
    author: AuthorRef.optional(),
    /** Tweets created at or after this. */
    from: Instant("from").optional(),
    /** Tweets created before this. */
    to: Instant("to").optional(),
    limit: z.coerce
      .number()
      .int("limit must be a whole number")
      .min(1, "limit must be at least 1")
      .max(100, "limit must be at most 100")
      .default(20),
    cursor: SearchCursor.optional(),
  })
  .refine((params) => params.from === undefined || params.to === undefined || params.from < params.to, {
    path: ["to"],
    message: "to must be later than from",
  });
export type SearchParams = z.infer<typeof SearchParams>;

/** A tweet as the archive keeps it; a deleted one keeps its ids, run and time, not its content. */
export const ArchivedTweet = z.object({
  run_id: RunId,
  id: TweetId,
  created_at: z.iso.datetime(),
  phrases: z.array(z.string()),
  rules: z.array(z.string()),
  author: z.object({ id: z.string(), username: z.string() }),
  lang: z.string().nullable(),
  text: z.string().nullable(),
  hashtags: z.array(z.string()),
  mentions: z.array(z.string()),
  domains: z.array(z.string()),
  /** When its delete notice came; null for a tweet not deleted. */
  deleted_at: z.iso.datetime().nullable(),
  /** The tweet as the pipeline carried it (its newest version); null once deleted. */
  tweet: Tweet.nullable(),
});
export type ArchivedTweet = z.infer<typeof ArchivedTweet>;

export const SearchPage = z.object({
  q: z.string().nullable(),
  tweets: z.array(ArchivedTweet),
  next_cursor: z.string().nullable(),
});
export type SearchPage = z.infer<typeof SearchPage>;

/** `archive.export`: a page of a run's archived tweets in id order, after `after`. */
export const ExportParams = z.object({
  run_id: RunId,
  after: TweetId.optional(),
  limit: z.coerce
    .number()
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(5000, "limit must be at most 5000")
    .default(1000),
});
export type ExportParams = z.infer<typeof ExportParams>;

export const ExportPage = z.object({
  run_id: RunId,
  tweets: z.array(ArchivedTweet),
  /** Pass as `after` for the next page; null after the last. */
  next_after: TweetId.nullable(),
});
export type ExportPage = z.infer<typeof ExportPage>;

/** `GET /runs/:run_id/tweets.ndjson`. */
export const RunExportParams = z.object({ run_id: RunId });
