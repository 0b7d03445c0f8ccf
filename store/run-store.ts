import { randomBytes } from "node:crypto";
import { SCRIPT_CODES } from "./script-codes";
import type { RedisClient } from "./redis";
import { z } from "zod";
import type { Match, MatchBatch } from "../contracts/messages";
import { Run, type EndReason } from "../contracts/run";
import { originalIdOf } from "../contracts/tweet";
import { DEFAULT_DEDUP_WINDOW_SECONDS } from "../config/environment";
import { RefusedMessage } from "../core/refused-message";
import { snowflakeTime } from "../sources/payloads/snowflake";
import { eventSecond, SERIES_RESOLUTIONS } from "../contracts/series";
import { TOP_FIELDS } from "../contracts/top-values";
import {
  BUCKET_TOP_CAPACITY,
  RUN_TOP_CAPACITY,
  tallyTopValues,
  windowBucketsOf,
  windowBucketExpiry,
} from "./top-values";
import type { RedisKeys } from "./keys";
import { scripts } from "./scripts";

/** What count-matches-7+.lua adds to one top-value set: [capacity, trim flag field, expiry, counts]. */
type TopEntry = [number, string, number, Record<string, number>];

/** The resolutions the count script keeps, finest first, as it takes them. */
const SERIES_RESOLUTIONS_JSON = JSON.stringify(Object.entries(SERIES_RESOLUTIONS));

/** What a launch sets; the figures start at zero. */
export type RunSettings = Pick<Run, "track" | "rules" | "languages" | "max_tweets" | "duration" | "source" | "seed">;

export interface LaunchResult {
  run: Run;
  replacedRunId: string | null;
}

/** Sortable by start time, unique across workers launching in the same millisecond. */
export function newRunId(now: number): string {
  return `${now.toString(36).padStart(9, "0")}-${randomBytes(4).toString("hex")}`;
}

/**
 * A matched tweet's bucket of admitted ids: its snowflake time in quarter seconds. -1 for an id that
 * is no snowflake (from before November 2010) or one dated past `latest`, which would carry the
 * window away: those are kept in the run's set for good instead.
 */
function tweetBucket(id: string, latest: number): number {
  const time = snowflakeTime(id);
  return time === undefined || time > latest ? -1 : Math.floor(time / TWEET_BUCKET_MS);
}

/** Runs as Redis hashes: lists are JSON, numbers decimal, absent fields null. */
export function encodeRun(run: Run): string[] {
  const fields: Record<string, string | null> = {
    id: run.id,
    track: JSON.stringify(run.track),
    rules: JSON.stringify(run.rules),
    languages: JSON.stringify(run.languages),
    max_tweets: run.max_tweets === null ? null : String(run.max_tweets),
    duration: run.duration === null ? null : String(run.duration),
    source: run.source,
    seed: run.seed === null ? null : String(run.seed),
    started_at: String(run.started_at),
    ended_at: run.ended_at === null ? null : String(run.ended_at),
    end_reason: run.end_reason,
    end_detail: run.end_detail,
    reconnects: String(run.reconnects),
    dropped: String(run.dropped),
    streamed_at: run.streamed_at === null ? null : String(run.streamed_at),
    position: String(run.position),
    published: String(run.published),
    examined: String(run.examined),
    amount: String(run.amount),
    edits: String(run.edits),
    peak_speed: String(run.peak_speed),
    peak_at: run.peak_at === null ? null : String(run.peak_at),
  };
  return Object.entries(fields).flatMap(([field, value]) => (value === null ? [] : [field, value]));
}

export function decodeRun(hash: Record<string, string>): Run {
  const number = (field: string) => (hash[field] === undefined ? undefined : Number(hash[field]));
  return Run.parse({
    id: hash.id,
    track: JSON.parse(hash.track ?? "[]") as unknown,
    rules: JSON.parse(hash.rules ?? "[]") as unknown,
    languages: JSON.parse(hash.languages ?? "[]") as unknown,
    max_tweets: number("max_tweets"),
    duration: number("duration"),
    source: hash.source,
    seed: number("seed"),
    started_at: number("started_at"),
    ended_at: number("ended_at"),
    end_reason: hash.end_reason,
    position: number("position"),
    published: number("published"),
    examined: number("examined"),
    amount: number("amount"),
    edits: number("edits"),
    end_detail: hash.end_detail,
    reconnects: number("reconnects"),
    dropped: number("dropped"),
    streamed_at: number("streamed_at"),
    peak_speed: number("peak_speed"),
    peak_at: number("peak_at"),
  });
}

/** The summed figures of every ended run; `elapsed` in whole seconds. */
export interface EndedRunTotals {
  runs: number;
  amount: number;
  examined: number;
  elapsed: number;
}

function decodeEndedRunTotals(hash: Record<string, string>): EndedRunTotals {
  const number = (field: string) => Number(hash[field] ?? 0);
  return { runs: number("runs"), amount: number("amount"), examined: number("examined"), elapsed: number("elapsed") };
}

/** A hash of counts by phrase or rule. */
function decodeCounts(hash: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(hash).map(([phrase, count]) => [phrase, Number(count)]));
}

/**
 * How long the last window of a run's de-duplication state (admitted tweet ids, admission records,
 * counted batch ids) outlives its last write: while the run streams, the window itself deletes what it
 * left behind; once the run ended, this does. The run's figures are kept for good.
 */
export const DEDUPLICATION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Milliseconds of snowflake time per bucket of admitted tweet ids: at 1,000 matched tweets a second a
 * bucket holds about 250 ids, under Redis's `set-max-intset-entries` (512), so it stays an intset of
 * 8 bytes an id instead of a hash table of about 60 (docs/decisions/0033).
 */
const TWEET_BUCKET_MS = 250;

/**
 * Source items per bucket of batch records. A batch's bucket is its range's, not its send time's: a
 * launcher that takes a run over may cut a batch of the very same range again, later. 10,000 items are
 * 50 full batches, under Redis's `hash-max-listpack-entries` (128): a compact hash.
 */
const BATCH_BUCKET_ITEMS = 10_000;

/** A batch record's field in its bucket: the batch id without its run's, which the key names already. */
function batchField(batch: Pick<MatchBatch, "run_id" | "batch_id">): string {
  const prefix = `${batch.run_id}:`;
  return batch.batch_id.startsWith(prefix) ? batch.batch_id.slice(prefix.length) : batch.batch_id;
}

/** A batch's bucket of records: `p<n>` by its source range; `s<second>` by its send time for an id without a range. */
function batchBucket(batch: Pick<MatchBatch, "run_id" | "batch_id" | "sent_at">): string {
  const range = /^(\d+)-\d+$/.exec(batchField(batch));
  return range?.[1] === undefined
    ? `s${Math.floor(batch.sent_at / 1000)}`
    : `p${Math.floor(Number(range[1]) / BATCH_BUCKET_ITEMS)}`;
}

/** What the filter's admission of a batch answers. */
export interface Admission {
  admitted: Match[];
  /** Matched tweets older than the run's window and not found in it: not admitted, as they cannot be told from new. */
  late: number;
}

/** What an idempotency key holds while a launch attempt runs: this, then the attempt's id. */
const LAUNCH_PENDING = "pending:";
/**
 * How long a claim waits for its launch's answer: longer than a launch may take (its RPC times out
 * at 10 s), and short, since a claim that reached a stalled Redis after its own timeout is only
 * freed by this.
 */
const LAUNCH_PENDING_SECONDS = 15;

/** How a RunStore keeps a run's state. */
export interface RunStoreOptions {
  deduplicationTtl: number;
  /** DEDUP_WINDOW: seconds a run's exactly-once state proves a tweet or batch was seen, by its own clock. */
  deduplicationWindow: number;
  /** Distinct values kept exactly per top-value set: a test makes them small to see the trim. */
  topCapacity: { run: number; bucket: number };
  /**
   * False (`STATISTICS_STATE=off`, for the bench only): batches are counted without the series, the
   * top values and the peak second, so that the bench can show what keeping them costs.
   */
  statisticsState: boolean;
}

const RUN_STORE_DEFAULTS: RunStoreOptions = {
  deduplicationTtl: DEDUPLICATION_TTL_SECONDS,
  deduplicationWindow: DEFAULT_DEDUP_WINDOW_SECONDS,
  topCapacity: { run: RUN_TOP_CAPACITY, bucket: BUCKET_TOP_CAPACITY },
  statisticsState: true,
};

/** The runs of the mesh, kept in Redis so that every launcher and statistics worker is stateless. */
export class RunStore {
  private readonly options: RunStoreOptions;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    options: Partial<RunStoreOptions> = {},
  ) {
    this.options = { ...RUN_STORE_DEFAULTS, ...options };
  }

  /** Starts a run; the active run, if any, ends as "replaced" in the same step. */
  async launch(settings: RunSettings, now = Date.now()): Promise<LaunchResult> {
    const run: Run = {
      ...settings,
      id: newRunId(now),
      started_at: now,
      ended_at: null,
      end_reason: null,
      end_detail: null,
      reconnects: 0,
      dropped: 0,
      streamed_at: null,
      position: 0,
      published: 0,
      examined: 0,
      amount: 0,
      edits: 0,
      peak_speed: 0,
      peak_at: null,
    };
    for (;;) {
      const seen = (await this.redis.get(this.keys.currentRun)) ?? "";
      const previous = seen ? await this.get(seen) : null;
      const keys = [
        this.keys.currentRun,
        this.keys.runs,
        this.keys.run(run.id),
        this.keys.run(seen || run.id),
        this.keys.endedRunTotals,
      ];
      const started = await scripts.launchRun.run(this.redis, keys, [seen, run.id, now, ...encodeRun(run)]);
      if (started === SCRIPT_CODES.DONE)
        return { run, replacedRunId: previous && previous.ended_at === null ? previous.id : null };
    }
  }

  /** Ends a run if it is still running; answers whether this call ended it. */
  async end(runId: string, reason: EndReason, now = Date.now(), detail = ""): Promise<boolean> {
    const keys = [this.keys.run(runId), this.keys.endedRunTotals];
    return (await scripts.endRun.run(this.redis, keys, [now, reason, detail])) === SCRIPT_CODES.DONE;
  }

  /** Adds a live source's reconnects and drops since its last report to the run's figures. */
  async recordSourceHealth(runId: string, since: { reconnects: number; dropped: number }): Promise<void> {
    if (since.reconnects === 0 && since.dropped === 0) return;
    await this.updateRun(runId, "incr", ["reconnects", since.reconnects, "dropped", since.dropped]);
  }

  /** Updates a run's fields only while the run exists (store/update-run-1.lua); false when it does not. */
  private async updateRun(runId: string, mode: "set" | "incr", fields: (string | number)[]): Promise<boolean> {
    return (await scripts.updateRun.run(this.redis, [this.keys.run(runId)], [mode, ...fields])) === SCRIPT_CODES.DONE;
  }

  async get(runId: string): Promise<Run | null> {
    const hash = await this.redis.hgetall(this.keys.run(runId));
    return hash.id ? decodeRun(hash) : null;
  }

  /** The active run, or the last one once it ended; null before the first launch. */
  async current(): Promise<Run | null> {
    const runId = await this.redis.get(this.keys.currentRun);
    return runId ? this.get(runId) : null;
  }

  /**
   * A page of runs, newest first, starting after `afterRunId` (a previous page's last run); the
   * cursor of the next page is its last run, null when no older run is left.
   */
  async page(limit: number, afterRunId?: string): Promise<{ runs: Run[]; nextCursor: string | null }> {
    const after = afterRunId === undefined ? null : await this.redis.zrevrank(this.keys.runs, afterRunId);
    if (afterRunId !== undefined && after === null) return { runs: [], nextCursor: null };
    const start = after === null ? 0 : after + 1;
    // One more than asked says whether an older page exists.
    const ids = await this.redis.zrevrange(this.keys.runs, start, start + limit);
    return {
      runs: await this.runsOf(ids.slice(0, limit)),
      nextCursor: ids.length > limit ? (ids[limit - 1] ?? null) : null,
    };
  }

  /** These runs in one round trip, in order, leaving out any whose hash is gone. */
  private async runsOf(runIds: readonly string[]): Promise<Run[]> {
    const pipeline = this.redis.pipeline();
    for (const id of runIds) pipeline.hgetall(this.keys.run(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([error, hash]) => (error || !isHash(hash) || !hash.id ? [] : [decodeRun(hash)]));
  }

  /** The matched tweets per phrase of each run, in one round trip. */
  async phraseCountsOf(runIds: readonly string[]): Promise<Record<string, number>[]> {
    return this.countsOf(runIds, (id) => this.keys.phraseCounts(id));
  }

  private async countsOf(
    runIds: readonly string[],
    keyOf: (runId: string) => string,
  ): Promise<Record<string, number>[]> {
    const pipeline = this.redis.pipeline();
    for (const id of runIds) pipeline.hgetall(keyOf(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, hash]) => (error || !isHash(hash) ? {} : decodeCounts(hash)));
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.runs);
  }

  /**
   * The summed figures of every ended run, as the scripts that end runs keep them. `openRuns` runs of
   * the index are not ended (the current one, while it runs): when the sums do not account for every
   * other run of the index, they are summed anew from the runs, once (store/sum-ended-runs-2+.lua).
   */
  async endedRunTotals(openRuns: number): Promise<EndedRunTotals> {
    const [hash, indexed] = await Promise.all([this.redis.hgetall(this.keys.endedRunTotals), this.count()]);
    const totals = decodeEndedRunTotals(hash);
    if (hash.runs !== undefined && totals.runs + openRuns === indexed) return totals;
    for (;;) {
      const ids = await this.redis.zrange(this.keys.runs, 0, -1);
      const keys = [this.keys.endedRunTotals, this.keys.runs, ...ids.map((id) => this.keys.run(id))];
      if ((await scripts.sumEndedRuns.run(this.redis, keys, [])) === SCRIPT_CODES.DONE)
        return decodeEndedRunTotals(await this.redis.hgetall(this.keys.endedRunTotals));
    }
  }

  async phraseCounts(runId: string): Promise<Record<string, number>> {
    return decodeCounts(await this.redis.hgetall(this.keys.phraseCounts(runId)));
  }

  /** Matched tweets per rule of a run, by the rule's text. */
  async ruleCounts(runId: string): Promise<Record<string, number>> {
    return decodeCounts(await this.redis.hgetall(this.keys.ruleCounts(runId)));
  }

  /** The matched tweets per rule of each run, in one round trip. */
  async ruleCountsOf(runIds: readonly string[]): Promise<Record<string, number>[]> {
    return this.countsOf(runIds, (id) => this.keys.ruleCounts(id));
  }

  /**
   * Admits a batch's matched tweets to the run: each tweet once per run, up to max_tweets. A
   * redelivered batch gets the same answer. Null when the run does not exist; throws `RefusedMessage`
   * for a batch that came back after the run's window (store/admit-matches-8.lua).
   */
  async admitMatches(
    batch: Pick<MatchBatch, "run_id" | "batch_id" | "matches" | "sent_at">,
    now = Date.now(),
  ): Promise<Admission | null> {
    const runId = batch.run_id;
    const window = this.options.deduplicationWindow;
    this.refuseFromTheFuture(batch, now);
    const tweets = this.keys.dedupBuckets(runId, "tweets");
    const batches = this.keys.dedupBuckets(runId, "admitted");
    const keys = [
      this.keys.run(runId),
      this.keys.admittedTweets(runId),
      this.keys.admittedBatches(runId),
      this.keys.endedRunTotals,
      tweets.index,
      tweets.prefix,
      batches.index,
      batches.prefix,
    ];
    // An edit is its original, admitted once: the post counts once however often it is edited.
    const ids = batch.matches.map((match) => originalIdOf(match.tweet));
    const reply = await scripts.admitMatches.run(this.redis, keys, [
      batchField(batch),
      now,
      JSON.stringify(ids),
      JSON.stringify(ids.map((id) => tweetBucket(id, now + window * 1000))),
      batchBucket(batch),
      Math.ceil((window * 1000) / TWEET_BUCKET_MS),
      window,
      this.options.deduplicationTtl,
      batch.batch_id,
      Math.floor(batch.sent_at / 1000),
    ]);
    if (reply === SCRIPT_CODES.RUN_MISSING) return null;
    if (reply === SCRIPT_CODES.LATE) throw this.lateBatch(batch);
    const [late = 0, ...indexes] = z.array(z.number().int()).parse(reply);
    return { admitted: indexes.flatMap((index) => batch.matches[index] ?? []), late };
  }

  /** A batch sent later than now by more than the window would move it past every batch to come. */
  private refuseFromTheFuture(batch: Pick<MatchBatch, "batch_id" | "sent_at">, now: number): void {
    if (batch.sent_at > now + this.options.deduplicationWindow * 1000)
      throw new RefusedMessage(
        `batch ${batch.batch_id} was sent at ${new Date(batch.sent_at).toISOString()}, more than DEDUP_WINDOW (${this.options.deduplicationWindow} s) ahead of this worker's clock`,
      );
  }

  private lateBatch(batch: Pick<MatchBatch, "batch_id" | "sent_at">): RefusedMessage {
    return new RefusedMessage(
      `late: batch ${batch.batch_id}, sent at ${new Date(batch.sent_at).toISOString()}, came back more than DEDUP_WINDOW (${this.options.deduplicationWindow} s) after its run's newest batch: it cannot be told from a new one, so it is not counted`,
    );
  }

  /** Counts a batch of admitted matches once, however often it is delivered; null when the run does not exist. */
  async countMatches(
    batch: Pick<MatchBatch, "run_id" | "batch_id" | "examined" | "matches" | "sent_at" | "edited">,
    now = Date.now(),
  ): Promise<number | null> {
    const runId = batch.run_id;
    this.refuseFromTheFuture(batch, now);
    const counted = this.keys.dedupBuckets(runId, "counted");
    // A batch holds items pulled in one second (runs/stream.ts): the second it was first pulled in.
    const ingest = Math.floor(batch.sent_at / 1000);
    const { statisticsState } = this.options;
    const top = statisticsState ? this.topCounts(runId, ingest, batch.matches) : [];
    const keys = [
      this.keys.run(runId),
      this.keys.countedBatches(runId),
      this.keys.phraseCounts(runId),
      this.keys.runSeries(runId, "event"),
      this.keys.runSeries(runId, "ingest"),
      this.keys.endedRunTotals,
      this.keys.ruleCounts(runId),
      counted.index,
      counted.prefix,
      ...top.map(([key]) => key),
    ];
    const reply = Number(
      await scripts.countMatches.run(this.redis, keys, [
        batch.batch_id,
        batch.examined,
        JSON.stringify(batch.matches.map((match) => match.phrases)),
        this.options.deduplicationTtl,
        ingest,
        JSON.stringify(batch.matches.map((match) => eventSecond(match.tweet.created_at, ingest))),
        // No resolution: the script keeps no series, so neither their span nor the peak second.
        statisticsState ? SERIES_RESOLUTIONS_JSON : "[]",
        JSON.stringify(top.map(([, entry]) => entry)),
        JSON.stringify(batch.matches.map((match) => match.rules ?? [])),
        batch.edited ?? 0,
        batchField(batch),
        this.options.deduplicationWindow,
        batchBucket(batch),
      ]),
    );
    if (reply === SCRIPT_CODES.LATE) throw this.lateBatch(batch);
    return reply === SCRIPT_CODES.RUN_MISSING ? null : reply;
  }

  /**
   * The top-value sets a batch adds to, each with what the count script needs: the run's set of each
   * field (trimmed past RUN_TOP_CAPACITY), and the window buckets of its ingest second.
   */
  private topCounts(runId: string, ingest: number, matches: readonly Match[]): [string, TopEntry][] {
    if (matches.length === 0) return [];
    const tally = tallyTopValues(matches);
    return TOP_FIELDS.flatMap((field): [string, TopEntry][] => [
      [this.keys.topValues(runId, field), [this.options.topCapacity.run, `top_trimmed:${field}`, 0, tally[field]]],
      ...windowBucketsOf(ingest).map(([window, start]): [string, TopEntry] => [
        this.keys.topWindowBucket(runId, field, window, start),
        [
          this.options.topCapacity.bucket,
          `top_window_trimmed:${field}`,
          windowBucketExpiry(window, start),
          tally[field],
        ],
      ]),
    ]);
  }

  /**
   * Claims an idempotency key for one launch attempt: `claimed` for the first caller, else what the
   * launch that claimed it answered, or null while that launch still runs. A claim whose launch never
   * answers (its worker died) lapses after LAUNCH_PENDING_SECONDS.
   */
  async claimLaunchKey(
    key: string,
    attempt: string,
  ): Promise<{ claimed: true } | { claimed: false; answer: string | null }> {
    const redisKey = this.keys.launchByKey(key);
    if ((await this.redis.set(redisKey, `${LAUNCH_PENDING}${attempt}`, "EX", LAUNCH_PENDING_SECONDS, "NX")) === "OK")
      return { claimed: true };
    const answer = await this.redis.get(redisKey);
    return { claimed: false, answer: answer === null || answer.startsWith(LAUNCH_PENDING) ? null : answer };
  }

  /** Keeps what a claimed launch answered, for its retries. */
  async recordLaunchAnswer(key: string, answer: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keys.launchByKey(key), answer, "EX", ttlSeconds);
  }

  /**
   * Frees a key whose launch attempt failed, so that a retry launches again; only while the attempt
   * still holds it (a claim that timed out on the client may reach Redis later, and this after it).
   */
  async releaseLaunchKey(key: string, attempt: string): Promise<void> {
    await scripts.releaseLease.run(this.redis, [this.keys.launchByKey(key)], [`${LAUNCH_PENDING}${attempt}`]);
  }

  /** Records how far into its source a run's stream has been confirmed by the broker, and how many tweets that is. */
  async recordPublished(runId: string, progress: Pick<Run, "position" | "published">): Promise<boolean> {
    return this.updateRun(runId, "set", ["position", progress.position, "published", progress.published]);
  }

  /** Records that a launcher streams the run now (its holder's every check), for ORPHAN_TIMEOUT; only while the run exists. */
  async recordStreaming(runId: string, now = Date.now()): Promise<boolean> {
    return this.updateRun(runId, "set", ["streamed_at", now]);
  }

  /** Whether a launcher worker streams (or is finishing streaming) the current run. */
  async streaming(): Promise<boolean> {
    return (await this.redis.exists(this.keys.streamLease)) === 1;
  }

  /** Takes the stream lease, or renews it if the holder already has it. */
  async holdStreamLease(holder: string, ttlMs: number): Promise<boolean> {
    return (await scripts.renewLease.run(this.redis, [this.keys.streamLease], [holder, ttlMs])) === SCRIPT_CODES.DONE;
  }

  async releaseStreamLease(holder: string): Promise<void> {
    await scripts.releaseLease.run(this.redis, [this.keys.streamLease], [holder]);
  }
}

function isHash(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null;
}
