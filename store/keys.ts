/**
 * Every Redis key the mesh uses, in one place. All keys carry the namespace, so that meshes (and
 * test runs) sharing one Redis never see each other's data.
 */
export interface RedisKeys {
  /** String: the id of the active run, or of the last one once it ended. */
  currentRun: string;
  /** Sorted set: run ids scored by their start time. */
  runs: string;
  /** Hash: a run's settings and figures (see `contracts/run.ts`). */
  run(runId: string): string;
  /** Set: batch ids the statistics service has counted for a run. */
  countedBatches(runId: string): string;
  /** Set: tweet ids the filter admitted to a run. */
  admittedTweets(runId: string): string;
  /** Hash: batch id -> the indexes of the matches the filter admitted from it. */
  admittedBatches(runId: string): string;
  /** Hash: matched tweets per track phrase for a run. */
  phraseCounts(runId: string): string;
  /** String with a TTL: who holds a run's stream, renewed while it streams. */
  streamLease: string;
  /** String with a TTL: a tweet's body, stored once and joined into timelines when read. */
  tweet(tweetId: string): string;
  /** Sorted set (all scores 0, members zero-padded tweet ids): a run's timeline, or one phrase's. */
  timeline(runId: string, phrase?: string): string;
}

export function redisKeys(namespace: string): RedisKeys {
  const prefix = `${namespace || "tweetmesh"}:`;
  return {
    currentRun: `${prefix}run:current`,
    runs: `${prefix}runs`,
    run: (runId) => `${prefix}run:${runId}`,
    countedBatches: (runId) => `${prefix}run:${runId}:batches`,
    admittedTweets: (runId) => `${prefix}run:${runId}:tweets`,
    admittedBatches: (runId) => `${prefix}run:${runId}:admitted`,
    phraseCounts: (runId) => `${prefix}run:${runId}:phrases`,
    streamLease: `${prefix}stream:lease`,
    tweet: (tweetId) => `${prefix}tweet:${tweetId}`,
    timeline: (runId, phrase) =>
      phrase === undefined ? `${prefix}timeline:${runId}` : `${prefix}timeline:${runId}:track:${phrase.toLowerCase()}`,
  };
}
