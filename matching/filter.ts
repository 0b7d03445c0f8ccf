import type { Match, MatchBatch, TweetBatch } from "../contracts/messages";
import type { Run } from "../contracts/run";
import { isEdit, type Tweet } from "../contracts/tweet";
import { compileRules, type RuleMatcher } from "./rules";
import { compileTrack, type TrackMatcher } from "./track";

/** What the filter needs of a run: its compiled track and rules, and its language filter. */
export interface RunFilter {
  matcher: TrackMatcher;
  /** Null when the run has no rules: a tweet's facts for rules are then never worked out. */
  rules: { matcher: RuleMatcher; texts: readonly string[] } | null;
  /** Empty: every language. */
  languages: ReadonlySet<string>;
}

/** A run of rules alone has no track phrases to match. */
const NO_TRACK: TrackMatcher = { phrases: [], match: () => [] };

/** The launch checked the rules against the limits; a stored run's rules are compiled as they are. */
const STORED_RULES = { maxLength: Number.MAX_SAFE_INTEGER };

/** What matching needs of a run; a run stored before rules existed has none. */
export type RunMatching = Pick<Run, "track" | "languages"> & { rules?: readonly string[] };

export function runFilter(run: RunMatching): RunFilter {
  const rules = run.rules ?? [];
  return {
    matcher: run.track.length > 0 ? compileTrack(run.track) : NO_TRACK,
    rules: rules.length > 0 ? { matcher: compileRules(rules, STORED_RULES), texts: rules } : null,
    languages: new Set(run.languages),
  };
}

/** The rules of the run a tweet matches, by their text. */
function matchedRules(filter: RunFilter, tweet: Tweet): string[] {
  if (!filter.rules) return [];
  const { matcher, texts } = filter.rules;
  return matcher.matches(tweet).map((index) => texts[index] ?? "");
}

/** The filter's work on one batch, as a pure function: which tweets match, and with which phrases and rules. */
export function filterBatch(batch: TweetBatch, filter: RunFilter): MatchBatch {
  const matches: Match[] = [];
  for (const tweet of batch.tweets) {
    if (filter.languages.size > 0 && !filter.languages.has(tweet.lang ?? "")) continue;
    const phrases = filter.matcher.match(tweet);
    const rules = matchedRules(filter, tweet);
    if (rules.length > 0) matches.push({ tweet, phrases, rules });
    else if (phrases.length > 0) matches.push({ tweet, phrases });
  }
  const edited = batch.tweets.filter(isEdit).length;
  return {
    v: 1,
    run_id: batch.run_id,
    batch_id: batch.batch_id,
    sent_at: batch.sent_at,
    examined: batch.tweets.length,
    matches,
    ...(edited > 0 ? { edited } : {}),
    deletes: batch.deletes,
  };
}

/**
 * Compiled filters by run id. A run's track and rules never change, so a compiled one is kept for the
 * few runs whose batches may still be in flight; it is derived state, and the worker stays stateless.
 */
export class RunFilterCache {
  private readonly filters = new Map<string, Promise<RunFilter | null>>();

  constructor(
    private readonly loadRun: (runId: string) => Promise<RunMatching | null>,
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
