import amqp, { type ChannelModel, type GetMessage } from "amqplib";
import { firstThatAnswers } from "./nodes";
import type { PipelineTopology } from "./topology";

/** Headers of a message a consumer refused (`RefusedMessage`): the queue it was refused in, and why. */
export const REFUSAL_HEADERS = { queue: "x-refused-queue", reason: "x-refused-reason" } as const;

/** What an operator needs to know of a dead-lettered pipeline message. */
export interface DeadLetter {
  messageId: string | null;
  /** The work queue it died in, where a requeue sends it back. */
  queue: string | null;
  /** `delivery_limit` (it kept failing), `rejected` (unreadable), or why its handler refused it. */
  reason: string | null;
  runId: string | null;
  bytes: number;
}

export interface DeadLetterReport {
  total: number;
  letters: DeadLetter[];
}

/**
 * The dead-letter queue, seen from the REPL. Listing takes messages and puts them back unacked, so
 * it changes nothing; a requeue sends a message back to the queue it died in, confirmed by RabbitMQ
 * before the dead letter is acked, so a crash in between duplicates it at worst (consumers de-duplicate).
 */
export class DeadLetters {
  constructor(
    /** The pipeline's nodes: the first that answers is used. */
    private readonly urls: readonly string[],
    private readonly topology: PipelineTopology,
  ) {}

  private async connect(): Promise<ChannelModel> {
    return (await firstThatAnswers(this.urls, 0, (url) => amqp.connect(url))).connection;
  }

  async list(limit: number): Promise<DeadLetterReport> {
    const connection = await this.connect();
    try {
      const channel = await connection.createChannel();
      const { messageCount } = await channel.checkQueue(this.topology.queues.deadLetter);
      const taken: GetMessage[] = [];
      while (taken.length < limit) {
        const message = await this.next(channel);
        if (!message) break;
        taken.push(message);
      }
      if (taken.length > 0) channel.nackAll(true);
      await channel.close();
      return { total: messageCount, letters: taken.map(describeLetter) };
    } finally {
      await connection.close();
    }
  }

  /** Sends up to `count` dead letters back to their work queues; answers how many. */
  async requeue(count: number): Promise<number> {
    const connection = await this.connect();
    try {
      const channel = await connection.createConfirmChannel();
      let requeued = 0;
      while (requeued < count) {
        const message = await this.next(channel);
        if (!message) break;
        const letter = describeLetter(message);
        if (!letter.queue || !Object.values(this.topology.queues).includes(letter.queue)) {
          channel.nack(message, false, true);
          throw new Error(
            `dead letter ${letter.messageId ?? "(no id)"} names no work queue of this mesh (${letter.queue ?? "none"}); left in place`,
          );
        }
        // Without its death record, the message starts afresh: a full delivery limit again.
        const headers = Object.fromEntries(
          Object.entries(message.properties.headers ?? {}).filter(
            ([name]) => !/^x-(death|first-death|last-death|refused)/.test(name),
          ),
        );
        // amqplib types these properties as `any`; AMQP carries both as short strings.
        const { contentType, messageId } = message.properties as { contentType?: string; messageId?: string };
        channel.sendToQueue(letter.queue, message.content, { persistent: true, contentType, messageId, headers });
        await channel.waitForConfirms();
        channel.ack(message);
        requeued++;
      }
      await channel.close();
      return requeued;
    } finally {
      await connection.close();
    }
  }

  private next(channel: amqp.Channel): Promise<GetMessage | false> {
    return channel.get(this.topology.queues.deadLetter, { noAck: false });
  }
}

function describeLetter(message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const death = Array.isArray(headers["x-death"])
    ? (headers["x-death"][0] as Record<string, unknown> | undefined)
    : undefined;
  return {
    messageId: stringOrNull(message.properties.messageId),
    queue: stringOrNull(headers["x-first-death-queue"] ?? death?.queue ?? headers[REFUSAL_HEADERS.queue]),
    reason: stringOrNull(headers[REFUSAL_HEADERS.reason] ?? headers["x-first-death-reason"] ?? death?.reason),
    runId: runIdOf(message.content),
    bytes: message.content.length,
  };
}

function stringOrNull(value: unknown): string | null {
  if (typeof value === "string") return value;
  return Buffer.isBuffer(value) ? value.toString() : null;
}

function runIdOf(content: Buffer): string | null {
  try {
    const body: unknown = JSON.parse(content.toString("utf8"));
    return typeof body === "object" && body !== null && "run_id" in body && typeof body.run_id === "string"
      ? body.run_id
      : null;
  } catch {
    return null;
  }
}
