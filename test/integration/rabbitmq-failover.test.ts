import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Context, ServiceBroker } from "moleculer";
import { readEnvironment, redactUrl } from "../../config/environment";
import { brokerOptions } from "../../mesh/broker-options";
import { PipelineConnection } from "../../pipeline/connection";
import { Consumer } from "../../pipeline/consumer";
import { Publisher } from "../../pipeline/publisher";
import { pipelineTopology } from "../../pipeline/topology";
import { RecordingLogger } from "../support/batches";
import { waitUntil } from "../support/eventually";
import {
  CLUSTER_START_MS,
  CLUSTER_STOP_MS,
  type LocalRabbitmqCluster,
  rabbitmqInstalled,
  startLocalRabbitmqCluster,
} from "../support/local-rabbitmq-cluster";

/**
 * Issue #17's RabbitMQ cluster: a pipeline connection given the three nodes' URLs publishes with confirms
 * to a quorum queue of three members while a consumer acks; the node it is connected to (which also
 * leads the queue, having declared it) is killed mid-stream. The connection fails over, and every
 * confirmed message is consumed: unconfirmed publishes are sent again, unacked messages delivered again.
 */

const describeInstalled = rabbitmqInstalled() ? describe : describe.skip;
if (!rabbitmqInstalled()) console.warn("RabbitMQ failover test skipped: rabbitmq-server not installed");

const MESSAGES = 3000;
/** Publishes in flight at once, as a launcher's batches are. */
const IN_FLIGHT = 20;
const Message = z.object({ n: z.number().int() });

describeInstalled("the pipeline on a 3-node RabbitMQ cluster, its node killed mid-stream", () => {
  let cluster: LocalRabbitmqCluster | null = null;
  let connection: PipelineConnection | null = null;
  /** The node the first test killed. */
  let killedUrl: string | null = null;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    cluster = await startLocalRabbitmqCluster();
  }, CLUSTER_START_MS + 30_000);

  afterAll(async () => {
    await connection?.close();
    await cluster?.stop();
  }, CLUSTER_STOP_MS + 10_000);

  it("fails over to another node, and every confirmed message is consumed once de-duplicated", async () => {
    if (!cluster) throw new Error("no cluster");
    const { urls, nodes } = cluster;
    const topology = pipelineTopology(`test-${randomBytes(4).toString("hex")}`);
    connection = new PipelineConnection(urls, topology, { deliveryLimit: 5, maxLength: 100_000, replicas: 3 }, logger);
    const deliveries = new Map<number, number>();
    new Consumer(
      connection,
      {
        queue: topology.queues.filter,
        schema: Message,
        prefetch: 50,
        handle: async ({ n }) => {
          deliveries.set(n, (deliveries.get(n) ?? 0) + 1);
        },
      },
      logger,
    );
    await connection.start();
    // The first node answers first, and the queue it declares has its leader there and three members.
    expect(connection.connectedUrl).toBe(urls[0]);
    const listed = JSON.parse(
      await cluster.ctl(
        "-q",
        "-n",
        nodes[1] ?? "",
        "list_queues",
        "name",
        "type",
        "members",
        "leader",
        "--formatter",
        "json",
      ),
    ) as { name: string; type: string; members: string[]; leader: string }[];
    const queue = listed.find((row) => row.name === topology.queues.filter);
    expect(queue).toMatchObject({ type: "quorum", leader: nodes[0] });
    expect([...(queue?.members ?? [])].sort()).toEqual([...nodes].sort());

    const publisher = new Publisher(connection, topology.tweetsExchange, logger);
    const confirmed = new Set<number>();
    let next = 0;
    const publishing = Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < MESSAGES; n = next++) {
          await publisher.publish({ n }, `message-${n}`);
          confirmed.add(n);
        }
      }),
    );

    await waitUntil(() => deliveries.size >= MESSAGES / 5, "a fifth of the messages consumed", 60_000);
    const killed = urls.indexOf(connection.connectedUrl ?? "");
    const pid = (await cluster.pids())[killed];
    expect(pid).toBeGreaterThan(0);
    process.kill(pid ?? 0, "SIGKILL");
    killedUrl = urls[killed] ?? null;
    const atKill = confirmed.size;
    expect(atKill).toBeLessThan(MESSAGES);

    await publishing;
    await waitUntil(() => deliveries.size === MESSAGES, `all ${MESSAGES} messages consumed`, 90_000);

    expect(connection.isConnected).toBe(true);
    expect(connection.connectedUrl).not.toBe(urls[killed]);
    const logged = logger.lines.map((line) => line.text);
    expect(logged).toContain("Pipeline connection lost; reconnecting");
    expect(logged).toContain(`Pipeline connected to ${redactUrl(connection.connectedUrl ?? "")}`);
    // IN_FLIGHT publishes are always awaiting their confirm: those the killed node held are sent again.
    expect(logged).toContainEqual(
      expect.stringMatching(/^Publish of message-\d+ to \S+ not confirmed \(.*\); retrying/),
    );
    // Every publish was confirmed (publish resolves only then), and each was consumed: nothing lost.
    expect(confirmed.size).toBe(MESSAGES);
    const missing = [...confirmed].filter((n) => !deliveries.has(n));
    expect(missing).toEqual([]);
    expect([...deliveries.keys()].every((n) => n >= 0 && n < MESSAGES)).toBe(true);
  }, 150_000);

  it("connects RPC to the first node that answers, the killed node listed first", async () => {
    if (!cluster || killedUrl === null) throw new Error("no cluster, or no node killed");
    const dead = killedUrl;
    // Moleculer tries the killed node first, then (after its 5 s reconnect delay) the next one.
    const order = [dead, ...cluster.urls.filter((url) => url !== dead)];
    const env = readEnvironment({
      TRANSPORTER: order.join(","),
      NAMESPACE: `test-${randomBytes(4).toString("hex")}`,
      LOG_LEVEL: "fatal",
    });
    const serving = new ServiceBroker({ ...brokerOptions(env), nodeID: `${env.NAMESPACE}-serving` });
    const calling = new ServiceBroker({ ...brokerOptions(env), nodeID: `${env.NAMESPACE}-calling` });
    serving.createService({ name: "echo", actions: { say: (ctx: Context<{ text: string }>) => ctx.params.text } });
    try {
      await Promise.all([serving.start(), calling.start()]);
      await calling.waitForServices(["echo"], 30_000);
      await expect(calling.call("echo.say", { text: "across the cluster" })).resolves.toBe("across the cluster");
    } finally {
      await Promise.all([serving.stop(), calling.stop()]);
    }
  }, 60_000);
});
