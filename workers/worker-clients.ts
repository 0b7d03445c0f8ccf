import type { MetricRegistry } from "moleculer";
import type { z } from "zod";
import type { Environment } from "../config/environment";
import type { Logger } from "../core/logger";
import { openPipeline, type Pipeline } from "../pipeline";
import { Consumer } from "../pipeline/consumer";
import { Publisher } from "../pipeline/publisher";
import type { PipelineTopology } from "../pipeline/topology";
import { redisKeys, type RedisKeys } from "../store/keys";
import { awaitReplicas, connectRedis, isRedisOutage, type RedisClient } from "../store/redis";
import { MeshEpoch } from "../store/epoch";
import { RunStore } from "../store/run-store";
import { WorkerMetrics } from "./worker-metrics";

/** How often a worker checks its mesh's epoch marker. */
const EPOCH_CHECK_MS = 5000;

type QueueName = keyof PipelineTopology["queues"];
type ExchangeName = "tweetsExchange" | "matchesExchange";

/** What a worker's clients are made of; `WorkerClients.open` makes them from the environment. */
export interface WorkerParts {
  redis: RedisClient;
  keys: RedisKeys;
  pipeline: Pipeline;
  metrics: WorkerMetrics;
  /** Whether the statistics keep each run's series and top values (STATISTICS_STATE; off for the bench only). */
  statisticsState: boolean;
  /** DEDUP_WINDOW: seconds a run's exactly-once state keeps what it proves. */
  deduplicationWindow: number;
  /** Replicas a handler's Redis writes must reach before its message is acked, and how long to wait for them. */
  replication: { replicas: number; timeoutMs: number };
}

/** The store a consumer's handler writes to: which of its errors are outages, and when its writes are safe to ack. */
export interface MessageStore {
  isOutage(error: unknown): boolean;
  /** Resolves once what the handler wrote would survive the store's primary dying. */
  settled(): Promise<void>;
}

/**
 * The clients a worker uses (Nameko's dependency providers): Redis with the run store, the pipeline
 * connection with the worker's consumers and publishers, and its metrics. Handlers never see this
 * class: a service file hands each handler the narrow parts it needs. `stop` drains in the safe
 * order: consumers finish and ack what they hold, then the connections close.
 */
export class WorkerClients {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  readonly runs: RunStore;
  readonly metrics: WorkerMetrics;
  /** This mesh's epoch marker in Redis: tells when Redis lost the mesh's state. */
  readonly epoch: MeshEpoch;
  private epochChecks: NodeJS.Timeout | null = null;
  private readonly pipeline: Pipeline;
  private readonly consumers: Consumer<unknown>[] = [];
  /** Redis, written by most consumers: settled once the writes reached REDIS_MIN_REPLICAS replicas. */
  private readonly redisStore: MessageStore;

  constructor(
    parts: WorkerParts,
    private readonly logger: Logger,
  ) {
    this.redis = parts.redis;
    this.keys = parts.keys;
    this.pipeline = parts.pipeline;
    this.metrics = parts.metrics;
    const { replicas, timeoutMs } = parts.replication;
    this.redisStore = { isOutage: isRedisOutage, settled: () => awaitReplicas(this.redis, replicas, timeoutMs) };
    this.runs = new RunStore(this.redis, this.keys, {
      statisticsState: parts.statisticsState,
      deduplicationWindow: parts.deduplicationWindow,
    });
    this.epoch = new MeshEpoch(this.redis, this.keys, logger);
    this.countReconnects();
  }

  /** Clients of the configured Redis and pipeline broker; Redis connects by itself, the pipeline in `start`. */
  static open(env: Environment, logger: Logger, registry: MetricRegistry): WorkerClients {
    const parts = {
      redis: connectRedis(env.REDIS, logger),
      keys: redisKeys(env.NAMESPACE, { hashTags: env.REDIS.cluster }),
      pipeline: openPipeline(env, logger),
      metrics: new WorkerMetrics(registry),
      statisticsState: env.STATISTICS_STATE === "on",
      deduplicationWindow: env.DEDUP_WINDOW,
      replication: { replicas: env.REDIS_MIN_REPLICAS, timeoutMs: env.REDIS_WAIT_TIMEOUT_MS },
    };
    return new WorkerClients(parts, logger);
  }

  /**
   * Handles each message of a work queue; acked once `handle` resolved and its writes settled in the
   * store it writes to (Redis by default). An outage of that store, a replica falling behind
   * included, is waited out in place: it is not the message's fault.
   */
  consume<T>(
    queue: QueueName,
    schema: z.ZodType<T>,
    prefetch: number,
    handle: (message: T) => Promise<void>,
    store: MessageStore = this.redisStore,
  ): Consumer<T> {
    const observe = (outcome: string) => this.metrics.countMessage(queue, outcome);
    const options = {
      queue: this.pipeline.topology.queues[queue],
      schema,
      prefetch,
      handle: async (message: T) => {
        await handle(message);
        await store.settled();
      },
      observe,
      isOutage: (error: unknown) => store.isOutage(error),
    };
    const consumer = new Consumer(this.pipeline.connection, options, this.logger);
    this.consumers.push(consumer);
    return consumer;
  }

  publisher(exchange: ExchangeName): Publisher {
    return new Publisher(this.pipeline.connection, this.pipeline.topology[exchange], this.logger);
  }

  private countReconnects(): void {
    let connections = 0;
    this.pipeline.connection.onConnected(async () => {
      connections += 1;
      if (connections > 1) this.metrics.countReconnect();
    });
  }

  /** Connects to the pipeline (retrying until RabbitMQ answers); Redis connects by itself. */
  async start(): Promise<void> {
    await this.pipeline.connection.start();
    // Checked at start, every few seconds, and each time Redis comes back: a restart without
    // persistence shows as the marker gone. A check that fails (Redis away) is left to the next.
    const check = () => void this.epoch.check().catch(() => undefined);
    check();
    this.redis.on("ready", check);
    this.epochChecks = setInterval(check, EPOCH_CHECK_MS);
    this.epochChecks.unref();
  }

  async stop(): Promise<void> {
    if (this.epochChecks) clearInterval(this.epochChecks);
    await Promise.all(this.consumers.map((consumer) => consumer.drain()));
    await this.pipeline.connection.close();
    this.redis.disconnect();
  }
}
