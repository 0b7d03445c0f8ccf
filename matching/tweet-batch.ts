import type { Match, MatchBatch, TweetBatch } from "../contracts/messages";
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
  await ports.matches.publish({ ...filtered, matches: admitted }, batch.batch_id);
  ports.metrics.countTweets("received", batch.tweets.length);
  ports.metrics.countTweets("matched", admitted.length);
}
