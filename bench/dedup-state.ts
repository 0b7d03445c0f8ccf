import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Match } from "../contracts/messages";
import { TweetGenerator } from "../sources/generator/generator";
import { redisKeys, type RedisKeys } from "../store/keys";
import { RunStore } from "../store/run-store";
import { removeKeys } from "../test/support/mesh";
import { runWithin } from "./pipeline";

/**
 * A run's exactly-once state over time (issue #17, "Bounded exactly-once state"): a generator whose
 * clock is simulated streams `minutes` of event time at `matchesPerSecond` matched tweets, each batch
 * admitted by RunStore.admitMatches and counted by RunStore.countMatches as the filter and the
 * statistics workers do, as fast as Redis takes them. Every `sampleMinutes` of event time the run's
 * de-duplication keys are weighed (`MEMORY USAGE … SAMPLES 0`). The baseline, in the same run: the
 * 0.2 layout, one set of every admitted id, weighed over the first `baselineMinutes`.
 */

export interface DedupStateOptions {
  minutes: number;
  matchesPerSecond: number;
  /** DEDUP_WINDOW, seconds. */
  windowSeconds: number;
  sampleMinutes: number;
  baselineMinutes: number;
  /** Calls in flight at once, as several workers with their prefetch would have. */
  inFlight: number;
}

export interface DedupSample {
  eventMinutes: number;
  matched: number;
  keys: number;
  bytes: number;
}

export interface DedupStateResult {
  options: DedupStateOptions;
  batches: number;
  matched: number;
  elapsedSeconds: number;
  samples: DedupSample[];
  /** The largest sample once the window was full: where the state stays however long the run goes. */
  plateauBytes: number;
  /** The plateau over the matched tweets the window holds. */
  bytesPerTweet: number;
  /** The 0.2 layout's set of every id, per id, and what it would hold after a 24-hour run at this rate. */
  baselineBytesPerTweet: number;
  baselineDayBytes: number;
}

/** Matched tweets per batch: BATCH_SIZE's 200 examined tweets with a fifth of them matched. */
const MATCHES_PER_BATCH = 40;
const SEED = 11;

export async function measureDedupState(
  redisUrl: string,
  options: DedupStateOptions,
  progress: (line: string) => void,
): Promise<DedupStateResult> {
  const redis = new Redis(redisUrl);
  const namespace = `bench-dedup-${randomBytes(4).toString("hex")}`;
  const keys = redisKeys(namespace);
  try {
    // The simulated stream ends now: no batch is dated ahead of the workers' clock.
    const start = Date.now() - options.minutes * 60_000;
    let clock = start;
    const generator = new TweetGenerator({ rate: Infinity, seed: SEED, now: () => clock });
    const runs = new RunStore(redis, keys, { deduplicationWindow: options.windowSeconds, statisticsState: false });
    const { run } = await runs.launch(
      {
        track: ["bench"],
        rules: [],
        languages: [],
        max_tweets: null,
        duration: null,
        source: "generator",
        seed: SEED,
      },
      start,
    );
    const baselineKey = `${namespace}:baseline`;
    const samples: DedupSample[] = [];
    const pending = new Set<Promise<unknown>>();
    const batchesPerSecond = Math.ceil(options.matchesPerSecond / MATCHES_PER_BATCH);
    let index = 0;
    let batches = 0;
    const began = performance.now();
    for (let second = 0; second < options.minutes * 60; second++) {
      for (let slot = 0; slot < batchesPerSecond; slot++) {
        const sentAt = start + second * 1000 + Math.floor((slot * 1000) / batchesPerSecond);
        const matches: Match[] = [];
        for (let n = 0; n < MATCHES_PER_BATCH; n++) {
          // Posted a little before it is sent, as a stream delivers it.
          clock = sentAt - 200 + Math.floor((n * 200) / MATCHES_PER_BATCH);
          matches.push({ tweet: generator.tweetAt(index++), phrases: ["bench"] });
        }
        const batch = {
          run_id: run.id,
          batch_id: `${run.id}:${batches * 200}-${batches * 200 + 200}`,
          sent_at: sentAt,
          examined: 200,
          matches,
        };
        batches++;
        const inBaseline = second < options.baselineMinutes * 60;
        await runWithin(pending, options.inFlight, async () => {
          if (inBaseline) await redis.sadd(baselineKey, ...matches.map((match) => match.tweet.id));
          const admission = await runs.admitMatches(batch, sentAt);
          await runs.countMatches({ ...batch, matches: admission?.admitted ?? [] }, sentAt);
        });
      }
      if ((second + 1) % (options.sampleMinutes * 60) === 0) {
        await Promise.all(pending);
        const weighed = await weigh(redis, keys, run.id);
        const sample = { eventMinutes: (second + 1) / 60, matched: index, ...weighed };
        samples.push(sample);
        progress(
          `dedup state: ${sample.eventMinutes} min of event time, ${index.toLocaleString("en-US")} matched tweets, ${(weighed.bytes / 2 ** 20).toFixed(1)} MB in ${weighed.keys} keys`,
        );
      }
    }
    await Promise.all(pending);
    const elapsedSeconds = (performance.now() - began) / 1000;
    const baselineIds = await redis.scard(baselineKey);
    const baselineBytes = Number(await redis.memory("USAGE", baselineKey, "SAMPLES", "0"));
    const full = samples.filter((sample) => sample.eventMinutes * 60 > options.windowSeconds + 60);
    const plateauBytes = Math.max(0, ...full.map((sample) => sample.bytes));
    const baselineBytesPerTweet = baselineBytes / baselineIds;
    return {
      options,
      batches,
      matched: index,
      elapsedSeconds,
      samples,
      plateauBytes,
      bytesPerTweet: plateauBytes / (options.windowSeconds * batchesPerSecond * MATCHES_PER_BATCH),
      baselineBytesPerTweet,
      baselineDayBytes: baselineBytesPerTweet * 24 * 3600 * batchesPerSecond * MATCHES_PER_BATCH,
    };
  } finally {
    await removeKeys(redis, namespace);
    redis.disconnect();
  }
}

/** The run's de-duplication keys (each kind's index and buckets, and the 0.2 sets) and their memory. */
async function weigh(redis: Redis, keys: RedisKeys, runId: string): Promise<{ keys: number; bytes: number }> {
  const found = new Set<string>();
  for (const pattern of [`${keys.run(runId)}:dedup:*`, keys.admittedTweets(runId), keys.admittedBatches(runId)]) {
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 10_000);
      for (const key of batch) found.add(key);
      cursor = next;
    } while (cursor !== "0");
  }
  const pipeline = redis.pipeline();
  for (const key of found) pipeline.memory("USAGE", key, "SAMPLES", "0");
  const replies = (await pipeline.exec()) ?? [];
  const bytes = replies.reduce((sum, [, usage]) => sum + Number(usage ?? 0), 0);
  return { keys: found.size, bytes };
}
