import type { ConfirmChannel, ConsumeMessage } from "amqplib";
import { errorText } from "../core/error-text";
import { RefusedMessage } from "../core/refused-message";
import type { Logger } from "../core/logger";
import type { z } from "zod";
import { delayFor, RETRY_POLICIES } from "../core/retry";
import { sleep, sleepUnlessAborted } from "../core/sleep";
import { type PipelineConnection } from "./connection";
import { REFUSAL_HEADERS } from "./dead-letters";

/**
 * How a delivery ended; `redelivered` also counts deliveries RabbitMQ had made before (after a crash
 * or a failure); `refused`, messages a handler refused for good (`RefusedMessage`).
 */
export type Outcome = "handled" | "failed" | "rejected" | "refused" | "redelivered";

export interface ConsumerOptions<T> {
  queue: string;
  schema: z.ZodType<T>;
  /** Messages a worker holds unacked at once. */
  prefetch: number;
  handle(message: T): Promise<void>;
  /** Told of each message's outcome: for the worker's metrics. */
  observe?(outcome: Outcome): void;
  /**
   * Whether a handler's error is an outage of a dependency (Redis away or refusing writes) rather
   * than the message's own fault. Such a message is kept and handled again in place, with backoff,
   * until the outage ends: its delivery count does not grow and it is never dead-lettered for it.
   */
  isOutage?(error: unknown): boolean;
}

/** Pause before handing a failed message back, growing with its deliveries: no hot retry loop. */
export function retryDelay(deliveryCount: number): number {
  return delayFor(RETRY_POLICIES.failedMessage, deliveryCount);
}

/**
 * Consumes one durable queue: a message is acked only after its handler resolved. A handler that
 * throws has its message requeued after a pause; the quorum queue counts deliveries and dead-letters
 * the message at its delivery limit. A handler that fails for an outage (`isOutage`) is retried in
 * place instead; a worker that stops meanwhile leaves the message unacked for RabbitMQ to redeliver. A message that is not valid JSON or fails its schema can never
 * succeed, so it goes to the dead-letter queue at once. A crash leaves messages unacked, and RabbitMQ
 * delivers them again to another worker.
 */
export class Consumer<T> {
  private channel: ConfirmChannel | null = null;
  private consumerTag: string | null = null;
  private inFlight = 0;
  private idle: (() => void) | null = null;
  private draining = false;
  private readonly stopping = new AbortController();
  /** When the outage the handlers wait out began, for one log line at its start and one at its end. */
  private outage: { since: number; retries: number } | null = null;
  /** Messages of this worker by outcome. */
  readonly counts: Record<Outcome, number> = { handled: 0, failed: 0, rejected: 0, refused: 0, redelivered: 0 };

  constructor(
    private readonly connection: PipelineConnection,
    private readonly options: ConsumerOptions<T>,
    private readonly logger: Logger,
  ) {
    connection.onConnected(async (model) => {
      if (this.draining) return;
      // A confirm channel: a refused message's dead letter is confirmed before the message is acked.
      const channel = await model.createConfirmChannel();
      channel.on("error", (error) => this.logger.warn(`Consumer channel of ${options.queue}: ${errorText(error)}`));
      await channel.prefetch(options.prefetch);
      const { consumerTag } = await channel.consume(options.queue, (message) => {
        // amqplib ignores this callback's result: a rejection (a throwing `observe`) is logged here.
        if (message)
          this.receive(channel, message).catch((error) =>
            this.logger.error(`Consumer of ${options.queue}: ${errorText(error)}`),
          );
      });
      this.channel = channel;
      this.consumerTag = consumerTag;
    });
  }

  /** Stops taking messages, waits for those in hand to be handled and acked, then closes. */
  async drain(): Promise<void> {
    this.draining = true;
    this.stopping.abort();
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await channel?.close().catch(() => undefined);
    this.channel = null;
  }

  private async receive(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    if (message.fields.redelivered) this.count("redelivered");
    const payload = this.parse(message);
    if (payload === undefined) {
      this.count("rejected");
      safely(() => channel.nack(message, false, false));
      return;
    }
    this.inFlight++;
    try {
      if (!(await this.handleThroughOutages(payload, message))) return;
      this.count("handled");
      safely(() => channel.ack(message));
    } catch (error) {
      if (error instanceof RefusedMessage) return await this.refuse(channel, message, error);
      this.count("failed");
      const deliveries = Number(message.properties.headers?.["x-delivery-count"] ?? 0);
      const { deliveryLimit } = this.connection.limits;
      // The quorum queue dead-letters a message returned more than its delivery limit.
      if (deliveries + 1 > deliveryLimit)
        this.logger.error(
          `${messageName(message)} of ${this.options.queue} dead-lettered after ${deliveries + 1} failed deliveries (DELIVERY_LIMIT ${deliveryLimit}): ${errorText(error)}; the REPL's dead-letters lists and requeues it`,
        );
      else
        this.logger.warn(
          `Handling ${messageName(message)} from ${this.options.queue} failed (delivery ${deliveries + 1} of ${deliveryLimit + 1}): ${errorText(error)}`,
        );
      await sleep(retryDelay(deliveries));
      safely(() => channel.nack(message, false, true));
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /**
   * Dead-letters a message its handler refused, with the reason in its headers: published to the
   * dead-letter exchange and confirmed, then acked, so a crash in between leaves a copy at worst.
   */
  private async refuse(channel: ConfirmChannel, message: ConsumeMessage, refusal: RefusedMessage): Promise<void> {
    this.count("refused");
    this.logger.warn(`${messageName(message)} of ${this.options.queue} refused and dead-lettered: ${refusal.reason}`);
    const { contentType, messageId } = message.properties as { contentType?: string; messageId?: string };
    const headers = {
      ...message.properties.headers,
      [REFUSAL_HEADERS.queue]: this.options.queue,
      [REFUSAL_HEADERS.reason]: refusal.reason,
    };
    try {
      channel.publish(this.connection.topology.deadLetterExchange, "", message.content, {
        persistent: true,
        contentType,
        messageId,
        headers,
      });
      await channel.waitForConfirms();
      channel.ack(message);
    } catch (error) {
      // Not confirmed: the message stays unacked and RabbitMQ delivers it again, to be refused again.
      this.logger.warn(`Dead letter of ${messageName(message)} not confirmed: ${errorText(error)}`);
    }
  }

  /** Handles a message, again and again while its handler fails for an outage; false when the worker stopped first. */
  private async handleThroughOutages(payload: T, message: ConsumeMessage): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.handle(payload);
        this.outageEnded();
        return true;
      } catch (error) {
        if (!this.options.isOutage?.(error)) throw error;
        this.outageBegan(message, error);
        if (!(await sleepUnlessAborted(delayFor(RETRY_POLICIES.outage, attempt), this.stopping.signal))) {
          this.logger.warn(
            `${messageName(message)} of ${this.options.queue} left unacked at stop, during an outage: RabbitMQ redelivers it`,
          );
          return false;
        }
      }
    }
  }

  private outageBegan(message: ConsumeMessage, error: unknown): void {
    if (this.outage) {
      this.outage.retries++;
      return;
    }
    this.outage = { since: Date.now(), retries: 0 };
    this.logger.warn(
      `Handling ${messageName(message)} from ${this.options.queue} waits out an outage (${errorText(error)}): messages are kept and retried, none dead-lettered`,
    );
  }

  private outageEnded(): void {
    if (!this.outage) return;
    this.logger.info(
      `${this.options.queue}: outage over after ${Math.round((Date.now() - this.outage.since) / 1000)} s (${this.outage.retries + 1} retries); handling again`,
    );
    this.outage = null;
  }

  private count(outcome: Outcome): void {
    this.counts[outcome]++;
    this.options.observe?.(outcome);
  }

  private parse(message: ConsumeMessage): T | undefined {
    let json: unknown;
    try {
      json = JSON.parse(message.content.toString("utf8"));
    } catch {
      this.logger.warn(`Unreadable ${messageName(message)} on ${this.options.queue}: not JSON; dead-lettered`);
      return undefined;
    }
    const result = this.options.schema.safeParse(json);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    this.logger.warn(
      `Unreadable ${messageName(message)} on ${this.options.queue}: ${issue?.path.join(".")}: ${issue?.message}; dead-lettered`,
    );
    return undefined;
  }
}

/**
 * A message as a log line names it: its id (a batch id, which names the run and the source range), or
 * for one published without an id (by hand, by another tool) its size, so that it can still be told
 * apart in the REPL's dead-letters.
 */
function messageName(message: ConsumeMessage): string {
  const id: unknown = message.properties.messageId;
  return typeof id === "string" && id !== "" ? `message ${id}` : `message without id (${message.content.length} bytes)`;
}

/** An ack or nack on a channel that closed meanwhile: RabbitMQ redelivers the message anyway. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    // the channel is gone; the broker requeues what it had delivered on it
  }
}
