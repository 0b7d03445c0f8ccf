import type { Match, MatchBatch, TweetBatch } from "../../contracts/messages";
import { Tweet } from "../../contracts/tweet";

/** A tweet with just what matching and timelines read; `text` decides what it matches. */
export function aTweet(id: string, text: string, username = "author"): Tweet {
  return Tweet.parse({ id, text, author: { id: `1${id}`, username }, created_at: "2026-12-02T18:00:00.000Z" });
}

export function aTweetBatch(runId: string, batchId: string, tweets: Tweet[]): TweetBatch {
  return { v: 1, run_id: runId, batch_id: batchId, sent_at: 1_000, tweets, deletes: [] };
}

export function aMatchBatch(runId: string, batchId: string, matches: Match[], sentAt = 1_000): MatchBatch {
  return { v: 1, run_id: runId, batch_id: batchId, sent_at: sentAt, examined: matches.length, matches, deletes: [] };
}

/** A logger that keeps what it was told, for assertions. */
export class RecordingLogger {
  readonly lines: { level: string; text: string }[] = [];
  info = (...args: unknown[]): void => this.record("info", args);
  warn = (...args: unknown[]): void => this.record("warn", args);
  error = (...args: unknown[]): void => this.record("error", args);
  debug = (...args: unknown[]): void => this.record("debug", args);

  private record(level: string, args: unknown[]): void {
    this.lines.push({ level, text: args.map(String).join(" ") });
  }
}

/** Tweets counted by stage, as a worker's metrics would count them. */
export class CountingMetrics {
  readonly tweets: Record<string, number> = {};
  readonly latencies: number[] = [];
  countTweets(stage: string, tweets: number): void {
    this.tweets[stage] = (this.tweets[stage] ?? 0) + tweets;
  }
  observeIngestLatency(ms: number): void {
    this.latencies.push(ms);
  }
}
