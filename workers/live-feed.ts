import type { Match } from "../contracts/messages";
import { type CountedNotice, LIVE_EVENTS, type MatchedNotice } from "../contracts/stream";

export interface LiveFeedOptions {
  /** Notices are sent at most this often: a worker counting 60 batches a second sends 10 notices. */
  intervalMs: number;
  /** Matched tweets one notice carries at most, the newest: the live view shows a few, `/timeline` has them all. */
  maxMatches: number;
}

const DEFAULTS: LiveFeedOptions = { intervalMs: 100, maxMatches: 50 };

/** Sends one broadcast event to every node listening (the gateways); it may throw or reject. */
export type Broadcast = (event: string, payload: CountedNotice | MatchedNotice) => unknown;

/**
 * The pipeline's side of the live view: workers tell the gateways that figures changed (statistics)
 * or which tweets were stored (timeline). Never slows nor fails the pipeline: the handler only
 * records what to send, a timer sends it coalesced, and a failed send is forgotten (the next notice,
 * or the gateway's periodic refresh, brings the figures up to date). What waits is bounded: one flag
 * per run and the newest `maxMatches` tweets.
 */
export class LiveFeed {
  private readonly options: LiveFeedOptions;
  private readonly countedRuns = new Set<string>();
  private readonly matches = new Map<string, Match[]>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly broadcast: Broadcast,
    options: Partial<LiveFeedOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** A run's figures changed. */
  counted(runId: string): void {
    this.countedRuns.add(runId);
    this.schedule();
  }

  /** Matches of a run were stored. */
  matched(runId: string, matches: readonly Match[]): void {
    if (matches.length === 0) return;
    // The newest across runs: a run replaced meanwhile has nobody watching it.
    for (const other of this.matches.keys()) if (other !== runId) this.matches.delete(other);
    const kept = [...(this.matches.get(runId) ?? []), ...matches].slice(-this.options.maxMatches);
    this.matches.set(runId, kept);
    this.schedule();
  }

  /** Sends what waits now, and nothing after. */
  stop(): void {
    this.flush();
    this.stopped = true;
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [runId, matches] of this.matches) this.send(LIVE_EVENTS.matched, { run_id: runId, matches });
    for (const runId of this.countedRuns) this.send(LIVE_EVENTS.counted, { run_id: runId });
    this.matches.clear();
    this.countedRuns.clear();
  }

  private send(event: string, payload: CountedNotice | MatchedNotice): void {
    if (this.stopped) return;
    try {
      const sent = this.broadcast(event, payload);
      if (sent instanceof Promise) sent.catch(() => undefined);
    } catch {
      // Best effort by design: see the class comment.
    }
  }
}
