import type { Redis } from "ioredis";
import { METRICS } from "../core/metric-names";
import type { MetricRegistry } from "moleculer";
import type { z } from "zod";
import type { Environment } from "../config/environment";
import type { Logger } from "../core/logger";
import { Consumer } from "../pipeline/consumer";
import { openPipeline, type Pipeline } from "../pipeline";
import { Publisher } from "../pipeline/publisher";
import type { PipelineTopology } from "../pipeline/topology";
import { redisKeys, type RedisKeys } from "../store/keys";
import { connectRedis } from "../store/redis";
import { RunStore } from "../store/run-store";

type QueueName = keyof PipelineTopology["queues"];

type ExchangeName = "tweetsExchange" | "matchesExchange";
export type TweetStage = "received" | "matched" | "counted";

/**
 * The clients a worker uses (Nameko's dependency providers): Redis with the run store, and the
 * pipeline connection with the worker's consumers and publishers. `stop` drains in the safe order:
 * consumers finish and ack what they hold, then the connections close.
 */
export class WorkerDependencies {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly runs: RunStore;
  private readonly pipeline: Pipeline;
  private readonly consumers: Consumer<unknown>[] = [];

  constructor(
    env: Environment,
    private readonly logger: Logger,
    private readonly metrics?: MetricRegistry,
  ) {
    this.redis = connectRedis(env.REDIS_URL, logger);
    this.keys = redisKeys(env.NAMESPACE);
    this.runs = new RunStore(this.redis, this.keys);
    this.pipeline = openPipeline(env, logger);
    this.countReconnects();
  }

  /** Handles each message of a work queue; acked once `handle` resolved. */
  consume<T>(queue: QueueName, schema: z.ZodType<T>, prefetch: number, handle: (message: T) => Promise<void>): Consumer<T> {
    if (!this.metrics?.hasMetric(METRICS.pipelineMessages)) this.metrics?.register({ name: METRICS.pipelineMessages, type: "counter", labelNames: ["queue", "outcome"], description: "Pipeline messages settled by this worker" });
    const observe = (outcome: string) => this.metrics?.increment(METRICS.pipelineMessages, { queue, outcome });
    const consumer = new Consumer(this.pipeline.connection, { queue: this.pipeline.topology.queues[queue], schema, prefetch, handle, observe }, this.logger);
    this.consumers.push(consumer as Consumer<unknown>);
    return consumer;
  }

  publisher(exchange: ExchangeName): Publisher {
    return new Publisher(this.pipeline.connection, this.pipeline.topology[exchange], this.logger);
  }

  /** Adds to this worker's count of tweets at a stage (`/metrics`). */
  countTweets(stage: TweetStage, tweets: number): void {
    if (!this.metrics?.hasMetric(METRICS.tweets)) this.metrics?.register({ name: METRICS.tweets, type: "counter", labelNames: ["stage"], description: "Tweets handled by this worker, by stage" });
    this.metrics?.increment(METRICS.tweets, { stage }, tweets);
  }

  private countReconnects(): void {
    if (!this.metrics) return;
    if (!this.metrics.hasMetric(METRICS.pipelineReconnects)) this.metrics.register({ name: METRICS.pipelineReconnects, type: "counter", description: "Pipeline connections made again after RabbitMQ went away" });
    let connections = 0;
    this.pipeline.connection.onConnected(async () => {
      connections += 1;
      if (connections > 1) this.metrics?.increment(METRICS.pipelineReconnects);
    });
  }

  /** Connects to the pipeline (retrying until RabbitMQ answers); Redis connects by itself. */
  async start(): Promise<void> {
    await this.pipeline.connection.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.drain()));
    await this.pipeline.connection.close();
    this.redis.disconnect();
  }
}
