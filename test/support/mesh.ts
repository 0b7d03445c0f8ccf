import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import amqp from "amqplib";
import { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import type { TimelinePage } from "../../contracts/actions";
import { readEnvironment, type Environment, type ServiceName } from "../../config/environment";
import { startNode } from "../../bin/server";
import { pipelineTopology } from "../../pipeline/topology";

// The mesh tests and the bench take the wait with the other mesh helpers; unit tests import it alone, without the server.
export { eventually } from "./eventually";

export const AMQP_URL = process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface MeshNode {
  services: ServiceName[];
  env?: Record<string, string>;
}

/**
 * Several Moleculer nodes of one mesh, each a real broker with its own connections to the real
 * RabbitMQ and Redis, under a namespace of the test's own.
 */
export class TestMesh {
  readonly brokers: ServiceBroker[] = [];
  readonly redis: Redis;

  private constructor(readonly namespace: string) {
    this.redis = new Redis(REDIS_URL);
  }

  static async start(nodes: MeshNode[], env: Record<string, string> = {}): Promise<TestMesh> {
    const mesh = new TestMesh(`test-${randomBytes(4).toString("hex")}`);
    try {
      for (const [index, node] of nodes.entries()) await mesh.addNode(node, env, index);
      await mesh.discovered();
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  environment(overrides: Record<string, string>): Environment {
    return readEnvironment({
      TRANSPORTER: AMQP_URL,
      REDIS_URL,
      NAMESPACE: this.namespace,
      PORT: "0",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
      GENERATOR_RATE: "2000",
      // Tests launch many runs a minute from one address; a test of the limit sets it.
      LAUNCH_RATE_LIMIT: "0",
      ...overrides,
    });
  }

  async addNode(node: MeshNode, env: Record<string, string> = {}, index = this.brokers.length): Promise<ServiceBroker> {
    const broker = await startNode(
      this.environment({
        ...env,
        ...node.env,
        SERVICES: node.services.join(","),
        NODE_ID: `${this.namespace}-${index}-${node.services.join("+")}`,
      }),
    );
    this.brokers.push(broker);
    return broker;
  }

  /** Waits until every node sees every service of the mesh. */
  async discovered(): Promise<void> {
    const names = [...new Set(this.brokers.flatMap((broker) => broker.services.map((service) => service.name)))].filter(
      (name) => !name.startsWith("$"),
    );
    await Promise.all(this.brokers.map((broker) => broker.waitForServices(names, 15000)));
  }

  /** The gateway's base URL: the first node running `api`. */
  get url(): string {
    const [first] = this.urls;
    if (!first) throw new Error("no node of this mesh runs the api service");
    return first;
  }

  /** The base URL of each node running `api`, in the order they started. */
  get urls(): string[] {
    return this.brokers.flatMap((broker) => {
      const api = broker.getLocalService("api") as unknown as { server?: Server } | undefined;
      const address = api?.server?.address() as AddressInfo | null | undefined;
      return address ? [`http://127.0.0.1:${address.port}`] : [];
    });
  }

  async stop(): Promise<void> {
    const actions = new Set<string>();
    for (const broker of this.brokers) {
      for (const action of broker.registry.getActionList({})) actions.add(action.name);
    }
    await Promise.all(this.brokers.map((broker) => broker.stop().catch(() => undefined)));
    await removeNamespace(this.namespace, [...actions]);
    this.redis.disconnect();
  }
}

/** The balanced-event queues of the mesh's services (they would expire by themselves after 10 minutes). */
const EVENT_QUEUES = [
  "EVENTB.launcher.launcher.runChanged",
  "EVENTB.api.$services.changed",
  "EVENTB.api.launcher.runChanged",
  "EVENTB.api.live.counted",
  "EVENTB.api.live.matched",
];

/** The request queues of every action a test's mesh may register. */
export const MESH_ACTIONS = [
  "launcher.launch",
  "launcher.stop",
  "launcher.xUsage",
  "statistics.get",
  "statistics.runs",
  "statistics.series",
  "statistics.top",
  ...["get", "track", "rule", "author", "home", "tweet", "follow", "unfollow", "follows"].map(
    (action) => `timeline.${action}`,
  ),
  "archive.search",
  "archive.export",
];

/** Removes what a test's namespace left in RabbitMQ and Redis. */
export async function removeNamespace(namespace: string, actions: string[] = MESH_ACTIONS): Promise<void> {
  await removeQueues(namespace, actions);
  const redis = new Redis(REDIS_URL);
  await removeKeys(redis, namespace);
  redis.disconnect();
}

/** Durable queues outlive their consumers: a test removes those of its namespace. */
async function removeQueues(namespace: string, actions: string[]): Promise<void> {
  const topology = pipelineTopology(namespace);
  const connection = await amqp.connect(AMQP_URL);
  try {
    const moleculerQueues = [...actions.map((action) => `REQB.${action}`), ...EVENT_QUEUES].map(
      (queue) => `MOL-${namespace}.${queue}`,
    );
    for (const queue of [...Object.values(topology.queues), ...moleculerQueues]) {
      const channel = await connection.createChannel();
      channel.on("error", () => undefined);
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    const channel = await connection.createChannel();
    channel.on("error", () => undefined);
    for (const exchange of [topology.tweetsExchange, topology.matchesExchange, topology.deadLetterExchange]) {
      await channel.deleteExchange(exchange).catch(() => undefined);
    }
    await channel.close().catch(() => undefined);
  } finally {
    await connection.close();
  }
}

/** Deletes every key of a namespace. */
export async function removeKeys(redis: Redis, namespace: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${namespace}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  contentType: string | null;
}

export async function request<T = Record<string, unknown>>(
  url: string,
  init: RequestInit = {},
): Promise<HttpAnswer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: response.status, body: body as T, contentType: response.headers.get("content-type") };
}

/** What `curl -d BODY URL` sends: a POST with a form-encoded content type. */
export function curlPost<T = Record<string, unknown>>(url: string, body: string): Promise<HttpAnswer<T>> {
  return request<T>(url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
}

/** Every id of the current run's timeline, page by page, newest first. */
export async function wholeTimeline(url: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const answer: HttpAnswer<TimelinePage> = await request<TimelinePage>(
      `${url}/timeline?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
    );
    if (answer.status !== 200)
      throw new Error(`GET /timeline answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const page: TimelinePage = answer.body;
    ids.push(...page.tweets.map((entry) => entry.tweet.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}
