import { createHash } from "node:crypto";

/**
 * Every Redis key the mesh uses, in one place. All keys carry the namespace, so that meshes (and
 * test runs) sharing one Redis never see each other's data.
 */
export interface RedisKeys {
  /** String: the id of the active run, or of the last one once it ended. */
  currentRun: string;
  /** Sorted set: run ids scored by their start time. */
  runs: string;
  /**
   * Hash: the summed figures of every ended run (`runs`, `amount`, `examined`, `elapsed` seconds),
   * kept by the scripts that end runs and count their late batches: totals across runs without
   * reading every run.
   */
  endedRunTotals: string;
  /** Hash: a run's settings and figures (see `contracts/run.ts`). */
  run(runId: string): string;
  /** Set: batch ids 0.2 statistics workers counted for a run; read, never written, since. */
  countedBatches(runId: string): string;
  /** Set: tweet ids admitted to a run for good: ids that are no snowflakes, and every id 0.2 filters admitted. */
  admittedTweets(runId: string): string;
  /** Hash: batch id -> the indexes of the matches a 0.2 filter admitted from it; read, never written, since. */
  admittedBatches(runId: string): string;
  /**
   * A run's exactly-once state of one kind, kept for its de-duplication window (store/dedup-window.lib.lua):
   * `index`, a sorted set of bucket numbers; `prefix`, which a bucket's number follows to name its key.
   * `tweets`: sets of admitted tweet ids by snowflake time; `admitted`: hashes of the filter's batch
   * records by the second a batch was sent; `counted`: hashes of the batches the statistics counted, the same way.
   */
  dedupBuckets(runId: string, kind: DedupKind): { index: string; prefix: string };
  /** Hash: matched tweets per track phrase for a run. */
  phraseCounts(runId: string): string;
  /** Hash: matched tweets per X rule (by its text) for a run. */
  ruleCounts(runId: string): string;
  /**
   * Hash: a run's matched tweets per bucket on one clock (`event` or `ingest`), fields as
   * `seriesField` names them, plus `first` and `last`, the seconds the series spans.
   */
  runSeries(runId: string, clock: "event" | "ingest"): string;
  /** Sorted set: a run's matched tweets by value of one top field (`hashtags`, `authors`, ...). */
  topValues(runId: string, field: string): string;
  /** Sorted set with a TTL: the same for one bucket of a window (`60s`, `10m`, `1h`) on the ingest clock. */
  topWindowBucket(runId: string, field: string, window: string, start: number): string;
  /** Sorted set, deleted by the script that fills it: a window's buckets summed for one read. */
  topScratch(runId: string, token: string): string;
  /** String with a TTL: who holds a run's stream, renewed while it streams. */
  streamLease: string;
  /** String (JSON): the mesh's epoch marker, gone when Redis lost the mesh's state (store/epoch.ts). */
  epoch: string;
  /** String with a TTL: what the launch of an `Idempotency-Key` answered (`pending` while it runs). */
  launchByKey(idempotencyKey: string): string;
  /** String with a TTL: a tweet's body, stored once and joined into timelines when read. */
  tweet(tweetId: string): string;
  /**
   * Sorted set (all scores 0, members zero-padded tweet ids): a run's timeline, or one track phrase's
   * (normalized, see `normalizePhrase`). `ALL_RUNS` for the run id: the phrase's timeline across runs.
   */
  timeline(runId: string, phrase?: string): string;
  /**
   * Sorted set, as `timeline`: the matched tweets of one X rule of a run, or across runs. The rule is
   * named by a digest of its text, which may be 1,024 characters of any kind.
   */
  ruleTimeline(runId: string, rule: string): string;
  /** Sorted set, as `timeline`: the matched tweets of one author (by user id), in a run or across runs. */
  authorTimeline(runId: string, authorId: string): string;
  /** Sorted set, as `timeline`: a subscriber's home timeline, in a run or across runs. */
  homeTimeline(runId: string, subscriberId: string): string;
  /** String with a TTL (longer than a body's): the tweet was deleted by its author; never show it again. */
  deletedTweet(tweetId: string): string;
  /** Set with the body's TTL: every timeline key the tweet was fanned out to, for its delete. */
  tweetTimelines(tweetId: string): string;
  /** String with the body's TTL: the user id behind a lowercase screen name, as its last tweet gave it. */
  authorId(screenName: string): string;
  /** Set of subscriber ids following an author (`123` by user id, `@name` by lowercase screen name). */
  authorFollowers(author: string): string;
  /** Set of subscriber ids following a normalized track phrase. */
  phraseFollowers(phrase: string): string;
  /** Set: every subscriber who follows something (counted against MAX_SUBSCRIBERS). */
  subscribers: string;
  /** Set: the authors (`123` or `@name`) a subscriber follows. */
  followedAuthors(subscriberId: string): string;
  /** Set: the normalized track phrases a subscriber follows. */
  followedPhrases(subscriberId: string): string;
  /** Sorted set: the mesh's POSTs to X's rules endpoint in the last 15 minutes, scored by their time (ms). */
  xRuleRequests: string;
  /** String (JSON): the app's latest post usage as X reported it, with when it was read. */
  xUsage: string;
  /** String with a TTL: a worker is reading the usage from X; nobody else reads it meanwhile. */
  xUsageReadClaim: string;
  /** Hash: usage threshold (`80`, `95`) -> `<cap>:<usage>` when it was last said: said once per cap period. */
  xUsageWarnings: string;
}

/** The kinds of a run's windowed exactly-once state. */
export type DedupKind = "tweets" | "admitted" | "counted";

/**
 * Stands for the run id in the keys of timelines across runs. Run ids never hold `_` (`RunId`), so
 * it cannot name a run.
 */
export const ALL_RUNS = "_all";

export interface KeyOptions {
  /**
   * Hash tags for a Redis Cluster, where every script's and transaction's keys must share a slot (see
   * docs/decisions/0032): the runs, with every key of each run, share `{<namespace>}`; the follow graph
   * shares `{<namespace>:follows}`; every other key stands alone. Off (one Redis), the names stay as
   * earlier versions wrote them, so that a rolling deploy from one keeps the mesh's state.
   */
  hashTags: boolean;
}

export function redisKeys(namespace: string, options: KeyOptions = { hashTags: false }): RedisKeys {
  const name = namespace || "tweetmesh";
  const prefix = `${name}:`;
  const runs = options.hashTags ? `{${name}}:` : prefix;
  const follows = options.hashTags ? `{${name}:follows}:` : prefix;
  const run = (runId: string) => `${runs}run:${runId}`;
  return {
    currentRun: `${runs}run:current`,
    runs: `${runs}runs`,
    endedRunTotals: `${runs}runs:ended-totals`,
    run,
    countedBatches: (runId) => `${run(runId)}:batches`,
    admittedTweets: (runId) => `${run(runId)}:tweets`,
    admittedBatches: (runId) => `${run(runId)}:admitted`,
    dedupBuckets: (runId, kind) => ({
      index: `${run(runId)}:dedup:${kind}`,
      prefix: `${run(runId)}:dedup:${kind}:`,
    }),
    phraseCounts: (runId) => `${run(runId)}:phrases`,
    ruleCounts: (runId) => `${run(runId)}:rules`,
    runSeries: (runId, clock) => `${run(runId)}:series:${clock}`,
    topValues: (runId, field) => `${run(runId)}:top:${field}`,
    topWindowBucket: (runId, field, window, start) => `${run(runId)}:top:${field}:${window}:${start}`,
    topScratch: (runId, token) => `${run(runId)}:top-scratch:${token}`,
    streamLease: `${prefix}stream:lease`,
    epoch: `${prefix}epoch`,
    launchByKey: (idempotencyKey) => `${prefix}launch:${idempotencyKey}`,
    tweet: (tweetId) => `${prefix}tweet:${tweetId}`,
    timeline: (runId, phrase) =>
      phrase === undefined ? `${prefix}timeline:${runId}` : `${prefix}timeline:${runId}:track:${phrase.toLowerCase()}`,
    ruleTimeline: (runId, rule) => `${prefix}timeline:${runId}:rule:${ruleDigest(rule)}`,
    authorTimeline: (runId, authorId) => `${prefix}timeline:${runId}:author:${authorId}`,
    homeTimeline: (runId, subscriberId) => `${prefix}timeline:${runId}:home:${subscriberId}`,
    deletedTweet: (tweetId) => `${prefix}tweet:${tweetId}:deleted`,
    tweetTimelines: (tweetId) => `${prefix}tweet:${tweetId}:timelines`,
    authorId: (screenName) => `${prefix}author:@${screenName}`,
    authorFollowers: (author) => `${follows}followers:author:${author}`,
    phraseFollowers: (phrase) => `${follows}followers:track:${phrase}`,
    subscribers: `${follows}subscribers`,
    followedAuthors: (subscriberId) => `${follows}subscriber:${subscriberId}:authors`,
    followedPhrases: (subscriberId) => `${follows}subscriber:${subscriberId}:track`,
    xRuleRequests: `${prefix}x:rule-requests`,
    xUsage: `${prefix}x:usage`,
    xUsageReadClaim: `${prefix}x:usage:reading`,
    xUsageWarnings: `${prefix}x:usage:warned`,
  };
}

/** A rule's name in keys: the first 128 bits of the SHA-256 of its text, in hex. */
function ruleDigest(rule: string): string {
  return createHash("sha256").update(rule).digest("hex").slice(0, 32);
}

/**
 * The field of a series hash holding one bucket's count: `<resolution>:<bucket start, epoch
 * seconds>`, then `:<phrase>` for one phrase's. store/count-matches-7+.lua writes the same names.
 */
export function seriesField(resolution: string, start: number, phrase?: string): string {
  return phrase === undefined ? `${resolution}:${start}` : `${resolution}:${start}:${phrase}`;
}
