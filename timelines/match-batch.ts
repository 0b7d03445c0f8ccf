import type { Match, MatchBatch } from "../contracts/messages";
import type { DeleteNotice } from "../contracts/tweet";

/** What the timeline worker's handler needs. */
export interface MatchStorePorts {
  /** Fans matches out to their timelines and applies delete notices; idempotent (TimelineStore). */
  timelines: {
    add(
      runId: string,
      matches: readonly Match[],
      deletes: readonly DeleteNotice[],
      edits?: readonly Match[],
    ): Promise<void>;
  };
  /** Shows the newest stored tweets on /stream; never waits. */
  feed: { matched(runId: string, matches: readonly Match[]): void };
}

/**
 * The timeline worker's work on one batch of admitted matches: store them, show its edits of posts
 * already stored in their place, then tell the live view.
 */
export async function storeMatchBatch(ports: MatchStorePorts, batch: MatchBatch): Promise<void> {
  await ports.timelines.add(batch.run_id, batch.matches, batch.deletes, batch.edits ?? []);
  ports.feed.matched(batch.run_id, batch.matches);
}
