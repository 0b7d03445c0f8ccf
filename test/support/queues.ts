import amqp from "amqplib";
import { AMQP_URL } from "./mesh";

/** What RabbitMQ says of a queue: messages ready for delivery (delivered, unacked ones are not among them) and consumers. */
async function checkQueue(queue: string): Promise<{ messageCount: number; consumerCount: number }> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    return await (await connection.createChannel()).checkQueue(queue);
  } finally {
    await connection.close();
  }
}

/** Messages waiting in a queue. */
export async function queueDepth(queue: string): Promise<number> {
  return (await checkQueue(queue)).messageCount;
}

/** Consumers subscribed to a queue. */
export async function queueConsumers(queue: string): Promise<number> {
  return (await checkQueue(queue)).consumerCount;
}
