import { randomBytes } from "node:crypto";
import type { Logger } from "../../core/logger";
import amqp from "amqplib";
import { z } from "zod";
import { RefusedMessage } from "../../core/refused-message";
import { PipelineConnection } from "../../pipeline/connection";
import { Consumer } from "../../pipeline/consumer";
import { DeadLetters } from "../../pipeline/dead-letters";
import { Publisher } from "../../pipeline/publisher";
import { declaredQueues, pipelineTopology } from "../../pipeline/topology";
import { AMQP_URL, eventually } from "../support/mesh";
import { queueDepth } from "../support/queues";
import { RecordingLogger } from "../support/batches";
import { waitUntil } from "../support/eventually";

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const Message = z.looseObject({ n: z.number() });
type Message = z.infer<typeof Message>;

/** The durable pipeline layer alone, on the real RabbitMQ. */
describe("the durable pipeline (real RabbitMQ)", () => {
  const namespace = `test-${randomBytes(4).toString("hex")}`;
  const topology = pipelineTopology(namespace);
  const limits = { deliveryLimit: 3, maxLength: 10_000, replicas: 1 };
  const connections: PipelineConnection[] = [];

  async function connect(): Promise<PipelineConnection> {
    const connection = new PipelineConnection([AMQP_URL], topology, limits, quiet);
    connections.push(connection);
    await connection.start();
    return connection;
  }

  async function drainDeadLetters(): Promise<unknown[]> {
    const admin = await amqp.connect(AMQP_URL);
    const channel = await admin.createChannel();
    const bodies: unknown[] = [];
    for (
      let message = await channel.get(topology.queues.deadLetter);
      message;
      message = await channel.get(topology.queues.deadLetter)
    ) {
      bodies.push(JSON.parse(message.content.toString()));
      channel.ack(message);
    }
    await admin.close();
    return bodies;
  }

  /** A consumer of the statistics queue whose handler throws `error` at every delivery, counting them. */
  function alwaysFailing(connection: PipelineConnection, error: Error, logger: Logger) {
    const tries = { count: 0 };
    const consumer = new Consumer<Message>(
      connection,
      {
        queue: topology.queues.statistics,
        schema: Message,
        prefetch: 1,
        handle: async () => {
          tries.count++;
          throw error;
        },
      },
      logger,
    );
    return { consumer, tries };
  }

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    const admin = await amqp.connect(AMQP_URL);
    const channel = await admin.createChannel();
    for (const queue of declaredQueues(topology)) await channel.purgeQueue(queue);
    await admin.close();
  });

  afterAll(async () => {
    const admin = await amqp.connect(AMQP_URL);
    const channel = await admin.createChannel();
    for (const queue of declaredQueues(topology)) await channel.deleteQueue(queue);
    for (const exchange of [topology.tweetsExchange, topology.matchesExchange, topology.deadLetterExchange])
      await channel.deleteExchange(exchange);
    await admin.close();
  });

  it("delivers every confirmed message of a burst once, across two consumers", async () => {
    const connection = await connect();
    const publisher = new Publisher(connection, topology.tweetsExchange, quiet);
    const seen: number[] = [];
    const consumers = [0, 1].map(
      () =>
        new Consumer<Message>(
          connection,
          { queue: topology.queues.filter, schema: Message, prefetch: 10, handle: async (m) => void seen.push(m.n) },
          quiet,
        ),
    );
    const padding = "x".repeat(64 * 1024);
    await Promise.all(Array.from({ length: 500 }, (_, n) => publisher.publish({ n, padding }, `m${n}`)));
    await eventually(
      async () => seen.length,
      (count) => count >= 500,
      30000,
      "500 deliveries",
    );
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(consumers.every((consumer) => consumer.counts.handled > 0)).toBe(true);
  });

  it("retries a failing message, then dead-letters it at the delivery limit", async () => {
    const logger = new RecordingLogger();
    const connection = await connect();
    const { consumer, tries } = alwaysFailing(connection, new Error("a bug in the handler"), logger);
    await new Publisher(connection, topology.matchesExchange, quiet).publish({ n: 1 }, "poison");
    const dead = await eventually(
      () => drainDeadLetters(),
      (bodies) => bodies.length > 0,
      30000,
      "the dead-letter queue",
    );
    expect(dead).toEqual([{ n: 1 }]);
    expect(tries.count).toBe(limits.deliveryLimit + 1);
    expect(consumer.counts.failed).toBe(tries.count);
    // One warning per failed delivery, then one error naming the message as it is dead-lettered.
    expect(logger.lines.filter((line) => line.level === "warn")).toHaveLength(limits.deliveryLimit);
    expect(logger.lines.filter((line) => line.level === "error")).toEqual([
      {
        level: "error",
        text: expect.stringMatching(
          /^message poison of \S+ dead-lettered after 4 failed deliveries \(DELIVERY_LIMIT 3\): a bug in the handler;/,
        ),
      },
    ]);
    expect(await queueDepth(topology.queues.statistics)).toBe(0);
  });

  it("dead-letters a refused message at once, with the reason and queue in its headers, and lists them", async () => {
    const logger = new RecordingLogger();
    const connection = await connect();
    const { consumer, tries } = alwaysFailing(
      connection,
      new RefusedMessage("late: came back after the window"),
      logger,
    );
    await new Publisher(connection, topology.matchesExchange, quiet).publish({ n: 7 }, "too-late");
    const letters = new DeadLetters([AMQP_URL], topology);
    const listed = await eventually(
      () => letters.list(10),
      (report) => report.total > 0,
      30000,
      "the dead-letter queue",
    );
    expect(listed.letters).toEqual([
      {
        messageId: "too-late",
        queue: topology.queues.statistics,
        reason: "late: came back after the window",
        runId: null,
        bytes: expect.any(Number),
      },
    ]);
    expect(tries.count).toBe(1);
    expect(consumer.counts).toMatchObject({ refused: 1, failed: 0, handled: 0 });
    expect(logger.lines).toEqual([
      {
        level: "warn",
        text: expect.stringMatching(
          /^message too-late of \S+ refused and dead-lettered: late: came back after the window$/,
        ),
      },
    ]);
    expect(await queueDepth(topology.queues.statistics)).toBe(0);
    expect(await drainDeadLetters()).toEqual([{ n: 7 }]);
  });

  it("lists dead letters without taking them, and requeues them to the queue they died in", async () => {
    const connection = await connect();
    const publisher = new Publisher(connection, topology.tweetsExchange, quiet);
    let failing = true;
    const handled: number[] = [];
    new Consumer<Message>(
      connection,
      {
        queue: topology.queues.filter,
        schema: Message,
        prefetch: 1,
        handle: async (m) => {
          if (failing) throw new Error("a bug, fixed later");
          handled.push(m.n);
        },
      },
      quiet,
    );
    await publisher.publish({ n: 41, run_id: "run-9" }, "b41");
    await publisher.publish({ n: 42, run_id: "run-9" }, "b42");
    const deadLetters = new DeadLetters([AMQP_URL], topology);
    await eventually(
      () => deadLetters.list(10),
      (report) => report.total === 2,
      30000,
      "two dead letters",
    );

    const report = await deadLetters.list(10);
    expect(report.letters).toEqual([
      {
        messageId: "b41",
        queue: topology.queues.filter,
        reason: "delivery_limit",
        runId: "run-9",
        bytes: expect.any(Number),
      },
      {
        messageId: "b42",
        queue: topology.queues.filter,
        reason: "delivery_limit",
        runId: "run-9",
        bytes: expect.any(Number),
      },
    ]);
    expect((await deadLetters.list(10)).total).toBe(2);

    failing = false;
    expect(await deadLetters.requeue(10)).toBe(2);
    await eventually(
      async () => handled,
      (n) => n.length === 2,
      10000,
      "the requeued messages",
    );
    expect(handled.sort()).toEqual([41, 42]);
    expect((await deadLetters.list(10)).total).toBe(0);
  });

  it("acks a message whose handler succeeds on a retry", async () => {
    const connection = await connect();
    let attempts = 0;
    const consumer = new Consumer<Message>(
      connection,
      {
        queue: topology.queues.timeline,
        schema: Message,
        prefetch: 1,
        handle: async () => {
          if (++attempts === 1) throw new Error("transient");
        },
      },
      quiet,
    );
    await new Publisher(connection, topology.matchesExchange, quiet).publish({ n: 2 }, "flaky");
    await eventually(
      async () => attempts,
      (count) => count === 2,
      10000,
      "the retry",
    );
    await eventually(
      async () => consumer.counts.handled,
      (handled) => handled === 1,
      10000,
      "the retried message to be acked",
    );
    expect(await queueDepth(topology.queues.timeline)).toBe(0);
    expect(await drainDeadLetters()).toEqual([]);
  });

  it("dead-letters a message that fails its schema at once, without calling the handler", async () => {
    const connection = await connect();
    const handle = jest.fn(async () => {});
    const logger = new RecordingLogger();
    const consumer = new Consumer<Message>(
      connection,
      { queue: topology.queues.filter, schema: Message, prefetch: 1, handle },
      logger,
    );
    await new Publisher(connection, topology.tweetsExchange, quiet).publish({ n: "not a number" }, "unreadable");
    const dead = await eventually(
      () => drainDeadLetters(),
      (bodies) => bodies.length > 0,
      10000,
      "the dead-letter queue",
    );
    expect(dead).toEqual([{ n: "not a number" }]);
    expect(logger.lines.map((line) => line.text)).toEqual([
      expect.stringMatching(/^Unreadable message unreadable on \S+: n: .*; dead-lettered$/),
    ]);
    expect(handle).not.toHaveBeenCalled();
    expect(consumer.counts.rejected).toBe(1);
  });

  it("delivers what a dead worker held to another worker", async () => {
    const doomed = await connect();
    const survivor = await connect();
    let startedOnDoomed: () => void = () => {};
    const heldByDoomed = new Promise<void>((resolve) => (startedOnDoomed = resolve));
    new Consumer<Message>(
      doomed,
      {
        queue: topology.queues.filter,
        schema: Message,
        prefetch: 1,
        handle: () => {
          startedOnDoomed();
          return new Promise(() => {});
        },
      },
      quiet,
    );
    const publisher = new Publisher(survivor, topology.tweetsExchange, quiet);
    const handled: number[] = [];
    await publisher.publish({ n: 7 }, "held");
    await heldByDoomed;
    new Consumer<Message>(
      survivor,
      { queue: topology.queues.filter, schema: Message, prefetch: 1, handle: async (m) => void handled.push(m.n) },
      quiet,
    );
    await doomed.close();
    await eventually(
      async () => handled,
      (ids) => ids.includes(7),
      10000,
      "the redelivery",
    );
    expect(handled).toEqual([7]);
  });

  it("drains: a consumer finishes and acks what it holds before it closes", async () => {
    const connection = await connect();
    const started: number[] = [];
    const finished: number[] = [];
    let beginWork: () => void = () => {};
    const drainBegun = new Promise<void>((resolve) => (beginWork = resolve));
    const consumer = new Consumer<Message>(
      connection,
      {
        queue: topology.queues.filter,
        schema: Message,
        prefetch: 5,
        // Work that takes a while and starts only once the drain has: the drain must wait for it.
        handle: async (m) => {
          started.push(m.n);
          await drainBegun;
          await new Promise((resolve) => setTimeout(resolve, 200));
          finished.push(m.n);
        },
      },
      quiet,
    );
    const publisher = new Publisher(connection, topology.tweetsExchange, quiet);
    await Promise.all([1, 2, 3].map((n) => publisher.publish({ n }, `d${n}`)));
    // All three are in hand (prefetch 5) and none is finished when the drain begins.
    await waitUntil(() => started.length === 3, "all three messages to be in hand");
    expect(finished).toEqual([]);
    const draining = consumer.drain();
    beginWork();
    await draining;
    expect(finished.sort()).toEqual([1, 2, 3]);
    expect(await queueDepth(topology.queues.filter)).toBe(0);
  });
});
