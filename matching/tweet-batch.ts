import type { Match, MatchBatch, TweetBatch } from "../contracts/messages";
import { isEdit } from "../contracts/tweet";
import type { Logger } from "../core/logger";
import type { TweetCounter } from "../core/metric-names";
import { dropBatchOfUnknownRun } from "../runs/unknown-run";
import { filterBatch, type RunFilter } from "./filter";

/** What the filter's handler needs, each as narrow as it is used. */
export interface TweetBatchPorts {
  /** The compiled filter of a run (RunFilterCache); null for a run that does not exist. */
  filters: { get(runId: string): Promise<RunFilter | null> };
  /** Admits matched tweets to their run, each once, up to max_tweets (RunStore); null when the run is gone. */
  admissions: { admitMatches(batch: MatchBatch): Promise<Match[] | null> };
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

/**
 * The filter's work on one batch of tweets: match each against its run's track, admit the matches
 * (so that a tweet counts once per run, and a redelivered batch is admitted as before), pass them on.
 * The batch keeps its id downstream, which makes every later stage idempotent.
 */
export async function handleTweetBatch(ports: TweetBatchPorts, batch: TweetBatch): Promise<void> {
  const filter = await ports.filters.get(batch.run_id);
  if (!filter) return dropBatchOfUnknownRun(ports.logger, batch);
  const filtered = filterBatch(batch, filter);
  const admitted = filtered.matches.length === 0 ? [] : await ports.admissions.admitMatches(filtered);
  if (!admitted) return dropBatchOfUnknownRun(ports.logger, batch);
  await ports.matches.publish(withEdits(filtered, admitted), batch.batch_id);
  ports.metrics.countTweets("received", batch.tweets.length);
  ports.metrics.countTweets("matched", admitted.length);
}
