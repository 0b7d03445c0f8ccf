import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { bucketStart } from "../contracts/series";
import { TOP_FIELDS, TOP_WINDOWS, type TopField } from "../contracts/top-values";
import type { Match } from "../contracts/messages";
import type { SourceItem } from "../contracts/tweet";
import { filterBatch, runFilter } from "../matching/filter";
import { tweetBatch } from "../runs/stream";
import { TweetGenerator } from "../sources/generator/generator";
import { Random } from "../sources/generator/random";
import { redisKeys, type RedisKeys } from "../store/keys";
import { RunStore } from "../store/run-store";
import { BUCKET_TOP_CAPACITY, RUN_TOP_CAPACITY, windowBucketExpiry } from "../store/top-values";
import { removeKeys } from "../test/support/mesh";
import { BENCH_TRACK, runWithin } from "./pipeline";

/**
 * What a run's statistics state costs in Redis (issue #13, "Cost"): a run of `seconds` at
 * `matchesPerSecond` matched tweets with the bench's 10 phrases, simulated by counting its batches
 * through RunStore.countMatches, as the statistics workers do, as fast as Redis takes them. Then the
 * memory of the run's keys, by structure.
 */

export interface StatisticsCostOptions {
  /** Seconds of the simulated run, on both clocks. */
  seconds: number;
  matchesPerSecond: number;
  /** countMatches calls in flight at once, as several statistics workers with their prefetch would have. */
  inFlight: number;
}

/** Keys of one structure and what `MEMORY USAGE … SAMPLES 0` says they take. */
export interface StructureCost {
  keys: number;
  bytes: number;
}

export interface StatisticsCostResult {
  seconds: number;
  phrases: number;
  examined: number;
  matches: number;
  batches: number;
  /** Real seconds the simulation took. */
  elapsedSeconds: number;
  /** Both series hashes (event and ingest clocks), and how many fields they hold. */
  series: StructureCost & { fields: number };
  /** The run's top-value set of each field, and how many distinct values each holds. */
  runTop: StructureCost & { distinct: Record<string, number> };
  /** The window buckets a real run of this length still keeps at its end: the newest of each window. */
  windowsOfRealRun: StructureCost;
  /** The same by window (`60s`, `10m`, `1h`). */
  windowsOfRealRunByWindow: Record<string, StructureCost>;
  /** The window buckets still in Redis after the simulation: their TTLs run in real time, so more of them. */
  windowsAliveNow: StructureCost;
  /** The sets of the fields that are not open-ended (languages, phrases): the run's and a real run's buckets. */
  boundedFields: StructureCost;
  /** The run's hash, its per-phrase counts and its counted batch ids: not part of the statistics state. */
  other: StructureCost;
  /** Series, run top sets and the window buckets of a real run: what the 16 MB budget is about. */
  stateBytes: number;
  /** A run's top-value set, and a window bucket's, filled to where they are trimmed. */
  fullRunSet: { values: number; bytes: number };
  fullBucketSet: { values: number; bytes: number };
  /**
   * The state when a real stream's distinct values fill the sets of OPEN_ENDED_FIELDS, the run's and
   * every window bucket's a real run keeps: the series and the other fields' sets as measured.
   */
  boundBytes: number;
}

/**
 * The fields whose distinct values grow with a stream: the generator draws them from a world of
 * 20,000 authors and a small vocabulary, a real stream of 3.6 M tweets has hundreds of thousands.
 * Languages and phrases stay a few dozen.
 */
export const OPEN_ENDED_FIELDS: readonly TopField[] = ["hashtags", "mentions", "authors", "domains"];

/** Source items per pipeline message, as the launcher sends them (BATCH_SIZE's default). */
const BATCH_SIZE = 200;
/** A tweet reaches the stream this long after it was posted, at most: its event second is that much before its ingest second. */
const MAX_DELIVERY_LAG_MS = 3000;
const SEED = 7;
/** Generated tweets whose matches the simulated run draws from in turn (see matchPool). */
const POOL_TWEETS = 600_000;

export async function measureStatisticsCost(
  redisUrl: string,
  options: StatisticsCostOptions,
  progress: (line: string) => void,
): Promise<StatisticsCostResult> {
  const redis = new Redis(redisUrl);
  const namespace = `bench-cost-${randomBytes(4).toString("hex")}`;
  const keys = redisKeys(namespace);
  try {
    // The simulated hour ends after the simulation itself will have: window buckets expire at times
    // of the simulated clock, and those a real run keeps at its last second must still be there.
    const lastSecond = Math.floor(Date.now() / 1000) + SIMULATION_LEAD_SECONDS;
    const firstSecond = lastSecond - options.seconds + 1;
    const runs = new RunStore(redis, keys);
    const { run } = await runs.launch(
      {
        track: BENCH_TRACK,
        rules: [],
        languages: [],
        max_tweets: null,
        duration: null,
        source: "generator",
        seed: SEED,
      },
      firstSecond * 1000,
    );
    const started = performance.now();
    const counted = await countSimulatedRun(runs, run.id, firstSecond, options, progress);
    const elapsedSeconds = (performance.now() - started) / 1000;
    const buckets = windowBuckets(keys, run.id, firstSecond, lastSecond);
    const memory = await measureRunMemory(redis, keys, run.id, buckets);
    const fullRunSet = await fullSet(redis, keys.topValues(run.id, "full"), RUN_TOP_CAPACITY);
    const fullBucketSet = await fullSet(redis, keys.topValues(run.id, "full-bucket"), BUCKET_TOP_CAPACITY);
    // Every field has the same buckets.
    const bucketsPerField = buckets.filter((bucket) => bucket.aliveInRealRun && bucket.field === "authors").length;
    return {
      seconds: options.seconds,
      phrases: BENCH_TRACK.length,
      ...counted,
      elapsedSeconds,
      ...memory,
      stateBytes: memory.series.bytes + memory.runTop.bytes + memory.windowsOfRealRun.bytes,
      fullRunSet,
      fullBucketSet,
      boundBytes:
        memory.series.bytes +
        memory.boundedFields.bytes +
        OPEN_ENDED_FIELDS.length * (fullRunSet.bytes + bucketsPerField * fullBucketSet.bytes),
    };
  } finally {
    await removeKeys(redis, namespace);
    redis.disconnect();
  }
}

/**
 * Counts the simulated run second by second, as the launcher and the filter would send it: the
 * source's tweets in batches of up to BATCH_SIZE that never span an ingest second, the matches of
 * each counted by RunStore.countMatches, `inFlight` at a time. The tweets come from the match pool
 * in turn, each posted a little before it is pulled.
 */
async function countSimulatedRun(
  runs: RunStore,
  runId: string,
  firstSecond: number,
  options: StatisticsCostOptions,
  progress: (line: string) => void,
) {
  const pool = matchPool();
  const share = pool.filter((match) => match !== null).length / pool.length;
  const examinedPerSecond = Math.round(options.matchesPerSecond / share);
  progress(
    `statistics cost: ${number(share * pool.length)} matches in a pool of ${number(pool.length)} generated tweets; ${number(examinedPerSecond)} tweets examined a second`,
  );
  const lag = new Random(SEED);
  const pending = new Set<Promise<unknown>>();
  const totals = { examined: 0, matches: 0, batches: 0 };
  let position = 0;
  let reported = 0;
  for (let second = 0; second < options.seconds; second++) {
    for (let inSecond = 0; inSecond < examinedPerSecond; inSecond += BATCH_SIZE) {
      const examined = Math.min(BATCH_SIZE, examinedPerSecond - inSecond);
      // Each tweet's place in its ingest second, spread evenly.
      const ingestMsOf = (index: number) =>
        (firstSecond + second) * 1000 + Math.floor(((inSecond + index) * 1000) / examinedPerSecond);
      const matches = Array.from({ length: examined }, (_, index): Match[] => {
        const match = pool[(position + index) % pool.length];
        if (!match) return [];
        const postedAt = ingestMsOf(index) - lag.below(MAX_DELIVERY_LAG_MS);
        return [{ ...match, tweet: { ...match.tweet, created_at: new Date(postedAt).toISOString() } }];
      }).flat();
      const batch = {
        run_id: runId,
        batch_id: `${runId}:${position}-${position + examined}`,
        sent_at: ingestMsOf(0),
        examined,
        matches,
      };
      position += examined;
      totals.examined += examined;
      totals.matches += matches.length;
      totals.batches++;
      await runWithin(pending, options.inFlight, () => runs.countMatches(batch));
    }
    if ((second + 1) / options.seconds >= reported + 0.1) {
      reported = Math.floor(((second + 1) * 10) / options.seconds) / 10;
      progress(
        `statistics cost: ${Math.round(reported * 100)}% of the simulated run, ${number(totals.matches)} matches counted`,
      );
    }
  }
  await Promise.all(pending);
  return totals;
}

/**
 * The generator's first POOL_TWEETS tweets through the bench's track, as the filter matches them:
 * each a match with its phrases, or null. Generating and matching the 12 M tweets of an hour would
 * take minutes of the CPU that Redis shares; the pool's 180,000 matches already hold nearly all of
 * the generator's 20,000 authors, its mentions and hashtags, so an hour drawn from it in turn keeps
 * the same distinct values, and each window bucket the same mix.
 */
function matchPool(): (Match | null)[] {
  const generator = new TweetGenerator({ rate: 0, seed: SEED, epoch: 0 });
  const filter = runFilter({ track: BENCH_TRACK, languages: [] });
  const pool: (Match | null)[] = [];
  for (let start = 0; start < POOL_TWEETS; start += BATCH_SIZE) {
    const tweets = Array.from({ length: BATCH_SIZE }, (_, index) => generator.tweetAt(start + index));
    const items = tweets.map((tweet): SourceItem => ({ kind: "tweet", tweet }));
    const matched = new Map(filterBatch(tweetBatch("pool", start, items), filter).matches.map((m) => [m.tweet, m]));
    pool.push(...tweets.map((tweet) => matched.get(tweet) ?? null));
  }
  return pool;
}

/** Longer than the simulated hour takes to count here (2 to 8 minutes on 2 busy cores). */
const SIMULATION_LEAD_SECONDS = 1800;

/** The memory of the run's keys, by structure, after its last second. */
async function measureRunMemory(redis: Redis, keys: RedisKeys, runId: string, buckets: WindowBucket[]) {
  const seriesKeys = [keys.runSeries(runId, "event"), keys.runSeries(runId, "ingest")];
  const runTopKeys = TOP_FIELDS.map((field) => keys.topValues(runId, field));
  const ofRealRun = buckets.filter((bucket) => bucket.aliveInRealRun);
  const bounded = (field: TopField) => !OPEN_ENDED_FIELDS.includes(field);
  const [series, runTop, windowsOfRealRun, windowsAliveNow, other, boundedFields] = await Promise.all([
    memoryOf(redis, seriesKeys),
    memoryOf(redis, runTopKeys),
    memoryOf(redis, keysOf(ofRealRun)),
    memoryOf(redis, keysOf(buckets)),
    memoryOf(redis, [keys.run(runId), keys.phraseCounts(runId), keys.countedBatches(runId)]),
    memoryOf(redis, [
      ...TOP_FIELDS.filter(bounded).map((field) => keys.topValues(runId, field)),
      ...keysOf(ofRealRun.filter((bucket) => bounded(bucket.field))),
    ]),
  ]);
  const byWindow = await Promise.all(
    Object.keys(TOP_WINDOWS).map(async (window) => {
      const of = ofRealRun.filter((bucket) => bucket.window === window);
      return [window, await memoryOf(redis, keysOf(of))] as const;
    }),
  );
  const fields = await Promise.all(seriesKeys.map((key) => redis.hlen(key)));
  const distinct = await Promise.all(runTopKeys.map((key) => redis.zcard(key)));
  return {
    series: { ...series, fields: fields.reduce((sum, count) => sum + count, 0) },
    runTop: { ...runTop, distinct: Object.fromEntries(TOP_FIELDS.map((field, i) => [field, distinct[i] ?? 0])) },
    windowsOfRealRun,
    windowsOfRealRunByWindow: Object.fromEntries(byWindow),
    windowsAliveNow,
    other,
    boundedFields,
  };
}

interface WindowBucket {
  key: string;
  window: string;
  field: TopField;
  aliveInRealRun: boolean;
}

const number = (value: number) => value.toLocaleString("en", { maximumFractionDigits: 0 });

const keysOf = (buckets: readonly WindowBucket[]) => buckets.map((bucket) => bucket.key);

/**
 * Every window bucket the run wrote, and whether a real run would still keep it at its last second.
 * A bucket expires at its start, its window's length and the clocks' skew later (`windowBucketExpiry`),
 * in real time, which the simulated hour ends at: the buckets a real run would have seen expire are
 * gone after it too.
 */
function windowBuckets(keys: RedisKeys, runId: string, firstSecond: number, lastSecond: number): WindowBucket[] {
  return Object.entries(TOP_WINDOWS).flatMap(([window, { bucketSeconds }]) => {
    const starts: number[] = [];
    for (let start = bucketStart(firstSecond, bucketSeconds); start <= lastSecond; start += bucketSeconds)
      starts.push(start);
    return starts.flatMap((start) =>
      TOP_FIELDS.map((field) => ({
        key: keys.topWindowBucket(runId, field, window, start),
        window,
        field,
        aliveInRealRun: windowBucketExpiry(window as keyof typeof TOP_WINDOWS, start) > lastSecond,
      })),
    );
  });
}

/** How many of `keys` exist and the bytes they take, by `MEMORY USAGE <key> SAMPLES 0` (every element counted). */
async function memoryOf(redis: Redis, keys: readonly string[]): Promise<StructureCost> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.memory("USAGE", key, "SAMPLES", 0);
  const sizes = ((await pipeline.exec()) ?? []).map(([error, bytes]) => (error ? null : (bytes as number | null)));
  const present = sizes.filter((bytes): bytes is number => bytes !== null);
  return { keys: present.length, bytes: present.reduce((sum, bytes) => sum + bytes, 0) };
}

/**
 * The bytes of one top-value set at the size where it is trimmed (its capacity and a tenth): what
 * each set costs once a stream's distinct values fill it, as a real stream's authors and mentions
 * soon do. The values have 11 characters, a user name's usual length.
 */
async function fullSet(redis: Redis, key: string, capacity: number): Promise<{ values: number; bytes: number }> {
  const size = capacity + Math.floor(capacity / 10);
  for (let from = 0; from < size; from += 10_000) {
    const members = Array.from({ length: Math.min(10_000, size - from) }, (_, i) => [
      size - from - i,
      `user_${(from + i).toString(36).padStart(6, "0")}`,
    ]);
    await redis.zadd(key, ...members.flat());
  }
  const { bytes } = await memoryOf(redis, [key]);
  await redis.del(key);
  return { values: size, bytes };
}
