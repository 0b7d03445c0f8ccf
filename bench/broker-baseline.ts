import { randomBytes } from "node:crypto";
import amqp, { type ConfirmChannel } from "amqplib";
import { errorText } from "../core/error-text";

/**
 * The broker's own ceiling for our pipeline's shape, measured with raw amqplib: the same number of
 * messages of the same size through the same durable hops — a quorum queue, then a fanout to two
 * quorum queues — with publisher confirms and acks, and no work in between.
 */
export interface BaselineResult {
  messages: number;
  bytesPerMessage: number;
  seconds: number;
  messagesPerSecond: number;
}

export async function measureBrokerBaseline(url: string, messages: number, body: Buffer): Promise<BaselineResult> {
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const names = {
    first: `${prefix}.first`,
    fanout: `${prefix}.fanout`,
    left: `${prefix}.left`,
    right: `${prefix}.right`,
  };
  const quorum = { durable: true, arguments: { "x-queue-type": "quorum" } };
  const connections = await Promise.all([0, 1, 2, 3].map(() => amqp.connect(url)));
  const [publisherConnection, relayConnection, leftConnection, rightConnection] = connections as [
    amqp.ChannelModel,
    amqp.ChannelModel,
    amqp.ChannelModel,
    amqp.ChannelModel,
  ];
  try {
    const setup = await publisherConnection.createChannel();
    await setup.assertQueue(names.first, quorum);
    await setup.assertExchange(names.fanout, "fanout", { durable: true });
    for (const queue of [names.left, names.right]) {
      await setup.assertQueue(queue, quorum);
      await setup.bindQueue(queue, names.fanout, "");
    }

    const relayIn = await relayConnection.createChannel();
    const relayOut = await relayConnection.createConfirmChannel();
    await relayIn.prefetch(8);
    await relayIn.consume(names.first, (message) => {
      if (!message) return;
      // A refused relay is put back on the queue to be relayed again, not left as an unhandled rejection.
      publishConfirmed(relayOut, names.fanout, "", message.content).then(
        () => relayIn.ack(message),
        (error) => {
          console.error(`bench: baseline relay not confirmed (${errorText(error)}); requeued`);
          relayIn.nack(message, false, true);
        },
      );
    });
    const done = [leftConnection, rightConnection].map(async (connection, index) => {
      const channel = await connection.createChannel();
      await channel.prefetch(16);
      let received = 0;
      return new Promise<void>((resolve, reject) => {
        channel
          .consume(index === 0 ? names.left : names.right, (message) => {
            if (!message) return;
            channel.ack(message);
            if (++received === messages) resolve();
          })
          .catch(reject);
      });
    });

    const started = performance.now();
    const publisher = await publisherConnection.createConfirmChannel();
    // One confirm outstanding at a time, as the launcher sends its batches.
    for (let i = 0; i < messages; i++) await publishConfirmed(publisher, "", names.first, body);
    await Promise.all(done);
    const seconds = (performance.now() - started) / 1000;

    for (const queue of [names.first, names.left, names.right]) await setup.deleteQueue(queue);
    await setup.deleteExchange(names.fanout);
    return { messages, bytesPerMessage: body.length, seconds, messagesPerSecond: messages / seconds };
  } finally {
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
  }
}

function publishConfirmed(channel: ConfirmChannel, exchange: string, routingKey: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    // amqplib's confirm callback gets null (confirmed) or an Error (nacked, channel closed), typed `any`.
    channel.publish(
      exchange,
      routingKey,
      body,
      { persistent: true, contentType: "application/json" },
      (error: Error | null) => (error ? reject(error) : resolve()),
    );
  });
}
