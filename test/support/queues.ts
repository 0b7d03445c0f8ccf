import amqp from "amqplib";
import { AMQP_URL } from "./mesh";

/** Messages waiting in a queue: those delivered and not yet acked are not among them. */
export async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}
