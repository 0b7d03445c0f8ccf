import { z } from "zod";
import { DeleteNotice, Tweet } from "./tweet";

/**
 * Messages of the durable tweet pipeline: launcher -> filter (`TweetBatch`), filter -> statistics
 * and timeline (`MatchBatch`). Each carries a version; readers accept unknown fields so that a newer
 * writer stays readable during a rolling deploy.
 *
 * A batch id is unique per run and stable across redeliveries: consumers use it to count each batch
 * once, and tweet ids to count each tweet once.
 */

export const RunId = z.string().regex(/^[a-z0-9-]{1,64}$/, "must be a run id");

export const TweetBatch = z.looseObject({
  v: z.literal(1),
  run_id: RunId,
  batch_id: z.string().min(1),
  /** When the launcher pulled the batch's first item from the source (ms since the epoch): where ingest-to-counted latency starts. */
  sent_at: z.number(),
  tweets: z.array(Tweet),
  deletes: z.array(DeleteNotice).default([]),
});
export type TweetBatch = z.infer<typeof TweetBatch>;

/** A tweet the run matched: by at least one of its track phrases or rules. */
export const Match = z.looseObject({
  tweet: Tweet,
  /** The run's track phrases that this tweet matched, in track order. */
  phrases: z.array(z.string()),
  /** The run's rules that it matched, in the run's order; absent when none. */
  rules: z.array(z.string()).optional(),
});
export type Match = z.infer<typeof Match>;

export const MatchBatch = z.looseObject({
  v: z.literal(1),
  run_id: RunId,
  batch_id: z.string().min(1),
  sent_at: z.number(),
  /** How many tweets the filter examined in this batch, matched or not. */
  examined: z.number().int().min(0),
  matches: z.array(Match),
  /**
   * Matched edits of posts the run had already admitted: timelines show the newest version in its
   * original's place; they count nothing. Absent when none.
   */
  edits: z.array(Match).optional(),
  /** Edited versions among the examined tweets (`edits` of the run's figures). */
  edited: z.number().int().min(0).optional(),
  deletes: z.array(DeleteNotice).default([]),
});
export type MatchBatch = z.infer<typeof MatchBatch>;
