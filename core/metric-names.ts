/**
 * Every metric the project keeps, by name, with what it counts: each node registers them in
 * Moleculer's registry (`$node.metrics`), and the gateway's `/metrics` renders them for Prometheus
 * with dots as underscores (`tweetmesh_tweets_total`).
 */
export const METRICS = {
  /** Counter, by `stage`: `received` and `matched` by the filter, `counted` by statistics. */
  tweets: "tweetmesh.tweets",
  /** Counter, by `queue` and `outcome`: pipeline messages a worker settled (how work spreads). */
  pipelineMessages: "tweetmesh.pipeline.messages",
  /** Counter: times a worker's pipeline connection came back after RabbitMQ went away. */
  pipelineReconnects: "tweetmesh.pipeline.reconnects",
  /** Histogram: ms from the launcher pulling a batch's first tweet to the batch counted. */
  ingestToCounted: "tweetmesh.pipeline.ingest_to_counted",
  /** Counter, by `method`, `route` and `status`: HTTP requests a gateway worker answered. */
  httpRequests: "tweetmesh.http.requests",
  /** Histogram, by `method` and `route`: seconds from an HTTP request's arrival to its answer. */
  httpDuration: "tweetmesh.http.request.duration",
  /** Gauge, by `queue`: messages (batches) ready in a pipeline queue, asked of RabbitMQ at scrape time. */
  queueMessages: "tweetmesh.queue.messages",
  /** Gauge, by `queue`: consumers of a pipeline queue. */
  queueConsumers: "tweetmesh.queue.consumers",
  /** Gauge: clients of `/stream` on a gateway worker. */
  streamClients: "tweetmesh.stream.clients",
  /** Counter: `/stream` clients a gateway worker disconnected because they took nothing for STREAM_STALL_SECS. */
  streamStalledDisconnects: "tweetmesh.stream.stalled_disconnects",
} as const;

/** The prefix `/metrics` gathers of every node, besides Moleculer's own request and process metrics. */
export const METRIC_PREFIX = "tweetmesh";

/**
 * Where in the pipeline a tweet was counted (`METRICS.tweets`'s `stage`); `late`: matched, but older
 * than its run's de-duplication window and not found in it, so not admitted.
 */
export type TweetStage = "received" | "matched" | "late" | "counted";

/** What a handler needs of its worker's metrics: tweets counted by stage. */
export interface TweetCounter {
  countTweets(stage: TweetStage, tweets: number): void;
}
