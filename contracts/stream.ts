import { z } from "zod";
import { RunStatistics } from "./actions";
import { Match, RunId } from "./messages";

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

/** `/stream?track=a,b`: only matched tweets of these phrases (statistics updates always). */
export const StreamParams = z.object({
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

/** Events of `/stream`, each the `data:` of an SSE event of that name. */
export const StreamEvents = {
  statistics: RunStatistics,
  tweet: z.object({ run_id: RunId, tweet: Match.shape.tweet, phrases: z.array(z.string()) }),
  /** Tweets this client missed because its connection did not keep up. */
  dropped: z.object({ tweets: z.number().int() }),
};
