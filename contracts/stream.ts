import { z } from "zod";
import { RunStatistics } from "./actions";
import { Match, RunId } from "./messages";
import { TweetId } from "./tweet";

/**
 * The live feed: notices the pipeline's workers broadcast to every gateway worker, and the events a
 * gateway sends its `/stream` clients. Notices are small and best-effort; the figures themselves
 * stay in Redis and are read when a client is sent an update.
 */

/** Broadcast events of the live feed. */
export const LIVE_EVENTS = { counted: "live.counted", matched: "live.matched" } as const;

/** The statistics service counted batches of a run: its figures changed. */
export const CountedNotice = z.looseObject({ run_id: RunId });
export type CountedNotice = z.infer<typeof CountedNotice>;

/** The timeline service stored matches of a run: the newest of them, at most a few per notice. */
export const MatchedNotice = z.looseObject({ run_id: RunId, matches: z.array(Match) });
export type MatchedNotice = z.infer<typeof MatchedNotice>;

/**
 * `/stream?track=a,b`: only matched tweets of these phrases; `search=`: only those a search of the
 * archive's syntax finds (both: both). Statistics updates always.
 */
export const StreamParams = z.object({
  search: z.string().max(500, "search must be at most 500 characters").optional(),
  track: z
    .preprocess(
      (value) => (typeof value === "string" ? value.split(",").map((phrase) => phrase.trim()) : value),
      z
        .array(
          z
            .string()
            .min(1, "each track phrase must not be blank")
            .max(60, "each track phrase must be at most 60 characters"),
        )
        .max(400, "track may name at most 400 phrases"),
    )
    .optional(),
});
export type StreamParams = z.infer<typeof StreamParams>;

/**
 * The SSE `id:` of `/stream`'s events: `<run_id>/<tweet_id>` of the newest tweet the client was sent
 * or passed over (its track did not match it), so that every gateway worker names a place in the
 * feed alike. A reconnecting client sends it back as `Last-Event-ID`.
 */
export const StreamEventId = z
  .string()
  .max(100)
  .refine((id) => {
    const [runId, tweetId, ...rest] = id.split("/");
    return rest.length === 0 && RunId.safeParse(runId).success && TweetId.safeParse(tweetId).success;
  }, "must be <run_id>/<tweet_id>");

export function tweetEventId(runId: string, tweetId: string): string {
  return `${runId}/${tweetId}`;
}

/** Events of `/stream`, each the `data:` of an SSE event of that name. */
export const StreamEvents = {
  statistics: RunStatistics,
  tweet: z.object({ run_id: RunId, tweet: Match.shape.tweet, phrases: z.array(z.string()) }),
  /** Tweets this client missed because its connection did not keep up. */
  dropped: z.object({ tweets: z.number().int() }),
  /**
   * After a reconnect with `Last-Event-ID`: the `tweets` it missed were sent before this event
   * (`complete`), or the id was not among this gateway's recent tweets and none were (`complete: false`).
   */
  replay: z.object({ complete: z.boolean(), tweets: z.number().int() }),
};
