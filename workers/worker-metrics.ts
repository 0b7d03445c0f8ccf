import type { MetricRegistry } from "moleculer";
import { METRICS, type TweetCounter, type TweetStage } from "../core/metric-names";

/**
 * A worker's figures in Moleculer's metric registry (`$node.metrics`, and the gateway's `/metrics`).
 * Each metric is registered on first use, so that a node shows only those of the services it runs.
 */
export class WorkerMetrics implements TweetCounter {
  constructor(private readonly registry: MetricRegistry) {}

  countTweets(stage: TweetStage, tweets: number): void {
    this.ensure(METRICS.tweets, "counter", "Tweets handled by this worker, by stage", ["stage"]);
    this.registry.increment(METRICS.tweets, { stage }, tweets);
  }

  /** One pipeline message settled by this worker, by queue and outcome. */
  countMessage(queue: string, outcome: string): void {
    this.ensure(METRICS.pipelineMessages, "counter", "Pipeline messages settled by this worker", ["queue", "outcome"]);
    this.registry.increment(METRICS.pipelineMessages, { queue, outcome });
  }

  countReconnect(): void {
    this.ensure(METRICS.pipelineReconnects, "counter", "Pipeline connections made again after RabbitMQ went away");
    this.registry.increment(METRICS.pipelineReconnects);
  }

  observeIngestLatency(ms: number): void {
    if (!this.registry.hasMetric(METRICS.ingestToCounted)) {
      this.registry.register({
        name: METRICS.ingestToCounted,
        type: "histogram",
        quantiles: [0.5, 0.9, 0.99],
        description: "ms from the launcher pulling a batch's first tweet to the batch counted",
      });
    }
    this.registry.observe(METRICS.ingestToCounted, ms);
  }

  private ensure(name: string, type: "counter", description: string, labelNames?: string[]): void {
    if (!this.registry.hasMetric(name))
      this.registry.register({ name, type, description, ...(labelNames ? { labelNames } : {}) });
  }
}
