import type { MatchBatch } from "../contracts/messages";
import type { Logger } from "../core/logger";
import type { TweetCounter } from "../core/metric-names";
import { dropBatchOfUnknownRun } from "./unknown-run";

/** What the statistics handler needs. */
export interface MatchCountPorts {
  /** Adds a batch to its run's figures once, however often it is delivered (RunStore); null when the run is gone. */
  runs: { countMatches(batch: MatchBatch): Promise<number | null> };
  metrics: TweetCounter & { observeIngestLatency(ms: number): void };
  /** Tells the gateways that the run's figures changed (for /stream); never waits. */
  feed: { counted(runId: string): void };
  logger: Pick<Logger, "warn">;
  now(): number;
}

/**
 * The statistics worker's work on one batch of admitted matches: this is where a run's count goes up
 * (store/count-matches-7+.lua, guarded by the batch id), then the live view hears of it.
 */
export async function countMatchBatch(ports: MatchCountPorts, batch: MatchBatch): Promise<void> {
  if ((await ports.runs.countMatches(batch)) === null) return dropBatchOfUnknownRun(ports.logger, batch);
  ports.metrics.observeIngestLatency(ports.now() - batch.sent_at);
  ports.metrics.countTweets("counted", batch.matches.length);
  ports.feed.counted(batch.run_id);
}
