import type { Match, MatchBatch, TweetBatch } from "../contracts/messages";
import type { Admission } from "../store/run-store";
import { isEdit } from "../contracts/tweet";
import type { Logger } from "../core/logger";
import type { TweetCounter } from "../core/metric-names";
import { dropBatchOfUnknownRun } from "../runs/unknown-run";
import { filterBatch, type RunFilter } from "./filter";

/** What the filter's handler needs, each as narrow as it is used. */
export interface TweetBatchPorts {
  /** The compiled filter of a run (RunFilterCache); null for a run that does not exist. */
  filters: { get(runId: string): Promise<RunFilter | null> };
  /**
   * Admits matched tweets to their run, each once, up to max_tweets (RunStore); null when the run is
   * gone. Throws `RefusedMessage` for a batch come back after the run's de-duplication window.
   */
  admissions: { admitMatches(batch: MatchBatch): Promise<Admission | null> };
  /** The matches exchange, read by statistics and timeline. */
  matches: { publish(batch: MatchBatch, messageId: string): Promise<void> };
  metrics: TweetCounter;
  logger: Pick<Logger, "warn">;
}

/**
 * The batch as it goes on: its admitted matches, and the matched edits that were not admitted because
 * their original was (a post counts once), for the timelines to show the newer version.
 */
function withEdits(filtered: MatchBatch, admitted: readonly Match[]): MatchBatch {
  const kept = new Set(admitted);
  const edits = filtered.matches.filter((match) => !kept.has(match) && isEdit(match.tweet));
  return { ...filtered, matches: [...admitted], ...(edits.length > 0 ? { edits } : {}) };
}

/** The admission of a batch without matches. */
const NONE: Admission = { admitted: [], late: 0 };

/**
 * The filter's work on one batch of tweets: match each against its run's track, admit the matches
 * (so that a tweet counts once per run, and a redelivered batch is admitted as before), pass them on.
 * The batch keeps its id downstream, which makes every later stage idempotent.
 */
export async function handleTweetBatch(ports: TweetBatchPorts, batch: TweetBatch): Promise<void> {
  const filter = await ports.filters.get(batch.run_id);
  if (!filter) return dropBatchOfUnknownRun(ports.logger, batch);
  const filtered = filterBatch(batch, filter);
  const admission = filtered.matches.length === 0 ? NONE : await ports.admissions.admitMatches(filtered);
  if (!admission) return dropBatchOfUnknownRun(ports.logger, batch);
  if (admission.late > 0)
    ports.logger.warn(
      `Batch ${batch.batch_id}: ${admission.late} matched tweet(s) older than the run's DEDUP_WINDOW and not found in it; not admitted, as they cannot be told from tweets already counted`,
    );
  await ports.matches.publish(withEdits(filtered, admission.admitted), batch.batch_id);
  ports.metrics.countTweets("received", batch.tweets.length);
  ports.metrics.countTweets("matched", admission.admitted.length);
  if (admission.late > 0) ports.metrics.countTweets("late", admission.late);
}
