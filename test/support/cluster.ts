import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import type { ServiceName } from "../../config/environment";
import { startNodeProcess } from "./node-process";
import { randomPort } from "./ports";
import { projectRoot } from "./project";
import { AMQP_URL, eventually, REDIS_URL, removeNamespace, request } from "./mesh";

const ROOT = projectRoot();
export const SERVER = path.join(ROOT, "dist/bin/server.js");
export const serverBuilt = (): boolean => existsSync(SERVER);
/** The heap limits every worker runs with (config/worker-node-options), as the image and cluster.sh start them. */
const WORKER_NODE_OPTIONS = readFileSync(path.join(ROOT, "config/worker-node-options"), "utf8").trim();

export interface Worker {
  service: ServiceName;
  nodeId: string;
  /** Where its `/health` and `/ready` probes answer (HEALTH_PORT). */
  probePort: number;
  process: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

/**
 * The mesh as separate processes of the built server, one per worker, as `make cluster` runs it:
 * workers can be killed with SIGKILL or drained with SIGTERM like real ones.
 */
export class ProcessCluster {
  readonly namespace = `test-${randomBytes(4).toString("hex")}`;
  readonly port = randomPort("gateways");
  private readonly probePorts = randomPort("probes");
  readonly workers: Worker[] = [];
  private client: ServiceBroker | null = null;

  constructor(
    private readonly env: Record<string, string>,
    private readonly redisUrl = REDIS_URL,
    /** The built server the workers run: this tree's, or an earlier release's. */
    private readonly server = SERVER,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(service: ServiceName, extraEnv: Record<string, string> = {}, server = this.server): Worker {
    const nodeId = `${this.namespace}-${service}-${this.workers.filter((w) => w.service === service).length + 1}`;
    const probePort = this.probePorts + this.workers.length;
    const started = startNodeProcess(server, {
      env: {
        ...this.workerEnvironment(),
        ...extraEnv,
        SERVICES: service,
        NODE_ID: nodeId,
        HEALTH_PORT: String(probePort),
      },
    });
    const worker = { service, nodeId, probePort, process: started.child, log: started.output, exited: started.exited };
    this.workers.push(worker);
    return worker;
  }

  /** Starts the workers, then waits until the gateway is ready and every node is discovered. */
  async up(counts: Partial<Record<ServiceName, number>>): Promise<void> {
    for (const [service, count] of Object.entries(counts) as [ServiceName, number][]) {
      for (let i = 0; i < count; i++) this.start(service);
    }
    // Ready: the gateway itself sees a worker of each service it routes to (its own discovery).
    await eventually(
      () => request(`${this.url}/ready`).catch(() => ({ status: 0 })),
      (answer) => answer.status === 200,
      60000,
      "the gateway to be ready",
    );
    const client = await this.connectClient();
    await client.waitForServices(
      Object.keys(counts).filter((name) => name !== "api"),
      30000,
    );
    await eventually(
      async () => client.registry.getNodeList({ onlyAvailable: true }).length,
      (nodes) => nodes > this.workers.length,
      30000,
      "every node to be discovered",
    ).catch((error: Error) => {
      const exited = this.workers.filter((worker) => worker.process.exitCode !== null);
      throw exited.length === 0
        ? error
        : new Error(
            `${error.message}; exited: ${exited.map((worker) => `${worker.nodeId}:\n${worker.log().slice(-2000)}`).join("\n")}`,
          );
    });
  }

  /** Waits until one worker's own `/ready` probe (HEALTH_PORT) answers 200. */
  async ready(worker: Worker, timeoutMs = 60000): Promise<void> {
    const status = () =>
      fetch(`http://127.0.0.1:${worker.probePort}/ready`).then(
        (answer) => answer.status,
        () => 0,
      );
    await eventually(status, (code) => code === 200, timeoutMs, `${worker.nodeId} to be ready`);
  }

  /** A node of the test's own in the mesh, to call actions of one node (`$node.metrics`). */
  async connectClient(): Promise<ServiceBroker> {
    if (this.client) return this.client;
    this.client = new ServiceBroker({
      namespace: this.namespace,
      nodeID: `${this.namespace}-test-client`,
      // The mesh's own broker (a cluster's nodes, comma-separated), else the shared one.
      transporter: {
        type: "AMQP",
        options: { url: (this.env.TRANSPORTER ?? AMQP_URL).split(","), autoDeleteQueues: 60000 },
      },
      disableBalancer: true,
      logger: false,
      skipProcessEventRegistration: true,
    });
    await this.client.start();
    return this.client;
  }

  /** The worker streaming the current run: the holder the stream lease names. */
  async leaseHolder(): Promise<Worker | undefined> {
    const redis = new Redis(this.redisUrl);
    try {
      const holder = await redis.get(`${this.namespace}:stream:lease`);
      return this.workers.find((worker) => holder?.startsWith(`${worker.nodeId}@`));
    } finally {
      redis.disconnect();
    }
  }

  /** The environment its workers run with: what a script starting more of them must pass on. */
  workerEnvironment(): Record<string, string> {
    return {
      TRANSPORTER: AMQP_URL,
      REDIS_URL: this.redisUrl,
      NAMESPACE: this.namespace,
      PORT: String(this.port),
      // Gateways of a test cluster share its port, as in `make cluster`.
      GATEWAY_SHARE_PORT: "true",
      LOG_LEVEL: "info",
      NODE_OPTIONS: WORKER_NODE_OPTIONS,
      // Tests launch many runs a minute from one address; a test of the limit sets it.
      LAUNCH_RATE_LIMIT: "0",
      ...this.env,
    };
  }

  kill(worker: Worker, signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    worker.process.kill(signal);
    return worker.exited;
  }

  async stop(): Promise<void> {
    await this.client?.stop().catch(() => undefined);
    await Promise.all(
      this.workers
        .filter((w) => w.process.exitCode === null && w.process.signalCode === null)
        .map((w) => this.kill(w, "SIGTERM")),
    );
    await removeNamespace(this.namespace);
  }

  /** Counts of pipeline messages one node settled, by queue and outcome, from its `$node.metrics`. */
  async pipelineCounts(worker: Worker): Promise<Record<string, number>> {
    const client = await this.connectClient();
    const metrics = await client.call<
      Array<{ name: string; values: Array<{ labels: { queue: string; outcome: string }; value: number }> }>,
      { includes: string[] }
    >("$node.metrics", { includes: ["tweetmesh.pipeline.*"] }, { nodeID: worker.nodeId });
    const counts: Record<string, number> = {};
    for (const metric of metrics)
      for (const value of metric.values) counts[`${value.labels.queue}.${value.labels.outcome}`] = value.value;
    return counts;
  }
}
