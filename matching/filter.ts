import type { Match, MatchBatch, TweetBatch } from "../contracts/messages";
import type { Run } from "../contracts/run";
import { compileTrack, type TrackMatcher } from "./track";

/** What the filter needs of a run: its compiled track and its language filter. */
export interface RunFilter {
  matcher: TrackMatcher;
  /** Empty: every language. */
  languages: ReadonlySet<string>;
}

export function runFilter(run: Pick<Run, "track" | "languages">): RunFilter {
  return { matcher: compileTrack(run.track), languages: new Set(run.languages) };
}

/** The filter's work on one batch, as a pure function: which tweets match, and with which phrases. */
export function filterBatch(batch: TweetBatch, filter: RunFilter): MatchBatch {
  const matches: Match[] = [];
  for (const tweet of batch.tweets) {
    if (filter.languages.size > 0 && !filter.languages.has(tweet.lang ?? "")) continue;
    const phrases = filter.matcher.match(tweet);
    if (phrases.length > 0) matches.push({ tweet, phrases });
  }
  return {
    v: 1,
    run_id: batch.run_id,
    batch_id: batch.batch_id,
    sent_at: batch.sent_at,
    examined: batch.tweets.length,
    matches,
    deletes: batch.deletes,
  };
}

/**
 * Compiled filters by run id. A run's track never changes, so a compiled one is kept for the
 * few runs whose batches may still be in flight; it is derived state, and the worker stays stateless.
 */
export class RunFilterCache {
  private readonly filters = new Map<string, Promise<RunFilter | null>>();

  constructor(
    private readonly loadRun: (runId: string) => Promise<Pick<Run, "track" | "languages"> | null>,
    private readonly capacity = 8,
  ) {}

  get(runId: string): Promise<RunFilter | null> {
    let filter = this.filters.get(runId);
    if (!filter) {
      filter = this.loadRun(runId).then((run) => (run ? runFilter(run) : null));
      filter.catch(() => this.filters.delete(runId));
      this.filters.set(runId, filter);
      if (this.filters.size > this.capacity) this.filters.delete(this.filters.keys().next().value ?? runId);
    }
    return filter;
  }
}
