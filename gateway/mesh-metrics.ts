import type { IncomingMessage, ServerResponse } from "node:http";
import { METRIC_PREFIX, METRICS } from "../core/metric-names";
import type { ChannelModel } from "amqplib";
import type { MetricRegistry, ServiceBroker } from "moleculer";
import { z } from "zod";
import type { PipelineConnection } from "../pipeline/connection";
import type { PipelineTopology } from "../pipeline/topology";
import { MetricSnapshot, type NodeMetrics, renderPrometheus } from "./prometheus";

/**
 * What `/metrics` shows, and how it is gathered. Each node keeps its own figures in Moleculer's metric
 * registry; at scrape time the gateway asks every reachable node for them over the transporter
 * (`$node.metrics`, in parallel, each with a short timeout) and RabbitMQ for the depth of each
 * pipeline queue. One scrape of any gateway worker thus shows the whole mesh, with no Prometheus
 * service discovery of workers that have no port, and nothing is stored twice.
 */

/** The metrics of each node that `/metrics` shows. */
const SCRAPED_METRICS = [
  `${METRIC_PREFIX}.**`,
  "moleculer.request.total",
  "moleculer.request.error.total",
  "moleculer.request.active",
  "moleculer.request.time",
  "process.memory.rss",
  "process.uptime",
];

/** How long `/metrics` waits for each node's figures. */
const NODE_METRICS_TIMEOUT_MS = 2000;
/** Seconds: upper bounds of the latency histogram's buckets. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every reachable node's metrics; a node that does not answer in time is left out of this scrape. */
export async function gatherNodeMetrics(broker: ServiceBroker, timeoutMs: number): Promise<NodeMetrics[]> {
  const nodes = z
    .array(z.looseObject({ id: z.string() }))
    .parse(broker.registry.getNodeList({ onlyAvailable: true, withServices: false }));
  const answers = await Promise.all(
    nodes.map(async ({ id }) => {
      try {
        const metrics = await broker.call(
          "$node.metrics",
          { includes: SCRAPED_METRICS },
          { nodeID: id, timeout: timeoutMs, retries: 0 },
        );
        return { node: id, metrics: z.array(MetricSnapshot).parse(metrics) };
      } catch {
        return null;
      }
    }),
  );
  return answers.filter((answer): answer is NodeMetrics => answer !== null);
}

/**
 * The depth and consumers of each pipeline queue, asked of RabbitMQ at scrape time (a passive
 * `checkQueue`, on a channel of its own so that a missing queue closes only that channel).
 */
export class QueueDepths {
  private connection: ChannelModel | null = null;

  constructor(
    pipeline: PipelineConnection,
    private readonly topology: PipelineTopology,
  ) {
    pipeline.onConnected(async (connection) => {
      this.connection = connection;
      connection.once("close", () => {
        if (this.connection === connection) this.connection = null;
      });
    });
  }

  async snapshot(): Promise<MetricSnapshot[]> {
    const connection = this.connection;
    if (!connection) return [];
    const depths: MetricSnapshot = {
      name: METRICS.queueMessages,
      type: "gauge",
      description: "Messages (batches) ready in a pipeline queue",
      values: [],
    };
    const consumers: MetricSnapshot = {
      name: METRICS.queueConsumers,
      type: "gauge",
      description: "Consumers of a pipeline queue",
      values: [],
    };
    for (const [role, queue] of Object.entries(this.topology.queues)) {
      const channel = await connection.createChannel().catch(() => null);
      if (!channel) break;
      channel.on("error", () => undefined);
      const answer = await channel.checkQueue(queue).catch(() => null);
      await channel.close().catch(() => undefined);
      if (!answer) continue;
      depths.values.push({ labels: { queue: role }, value: answer.messageCount });
      consumers.values.push({ labels: { queue: role }, value: answer.consumerCount });
    }
    return [depths, consumers];
  }
}

/** Registers the gateway's request metrics. */
export function registerHttpMetrics(metrics: MetricRegistry): void {
  metrics.register({
    name: METRICS.httpRequests,
    type: "counter",
    labelNames: ["method", "route", "status"],
    description: "HTTP requests answered by this gateway worker",
  });
  metrics.register({
    name: METRICS.httpDuration,
    type: "histogram",
    labelNames: ["method", "route"],
    buckets: DURATION_BUCKETS,
    description: "Seconds from an HTTP request's arrival to its answer sent",
  });
}

/**
 * Counts a request once answered, labelled by the route it matched (`unmatched` otherwise: never the
 * raw path, whose values are unbounded). A `/stream` request counts when it ends.
 */
export function observeHttpRequest(
  metrics: MetricRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf: (req: IncomingMessage) => string,
): void {
  const started = process.hrtime.bigint();
  res.once("close", () => {
    const route = routeOf(req);
    const method = route === "unmatched" ? "other" : (req.method ?? "other");
    metrics.increment(METRICS.httpRequests, { method, route, status: String(res.statusCode) });
    metrics.observe(METRICS.httpDuration, Number(process.hrtime.bigint() - started) / 1e9, { method, route });
  });
}

/** `/metrics`: Prometheus text of every node's metrics, of the pipeline queues, and of this worker's /stream clients. */
export async function scrapeMesh(broker: ServiceBroker, queues: QueueDepths, streamClients: number): Promise<string> {
  const [nodes, depths] = await Promise.all([gatherNodeMetrics(broker, NODE_METRICS_TIMEOUT_MS), queues.snapshot()]);
  const clients: MetricSnapshot = {
    name: METRICS.streamClients,
    type: "gauge",
    description: "Clients of /stream on this gateway worker",
    values: [{ labels: {}, value: streamClients }],
  };
  return renderPrometheus([...nodes, { node: broker.nodeID, metrics: [...depths, clients] }]);
}
