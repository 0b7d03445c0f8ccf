import { once } from "node:events";
import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";
import type { ConfirmChannel } from "amqplib";
import { Backoff, RETRY_POLICIES } from "../core/retry";
import { sleep } from "../core/sleep";
import type { PipelineConnection } from "./connection";

/**
 * Publishes pipeline messages durably: persistent, and done only once RabbitMQ confirmed them.
 * A full socket buffer (`publish()` answering false) is waited out on `drain`; a nack (a full queue
 * rejects publishes) or a lost connection is retried with the same bytes, so a message is never
 * dropped: consumers de-duplicate by batch and tweet ids.
 */
export class Publisher {
  private drained: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: PipelineConnection,
    private readonly exchange: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves once confirmed; rejects only when the connection is closed for good. */
  async publish(message: object, messageId: string): Promise<void> {
    const body = Buffer.from(JSON.stringify(message));
    const lost = new Backoff(RETRY_POLICIES.amqpReconnect);
    const full = new Backoff(RETRY_POLICIES.fullQueue);
    for (;;) {
      try {
        await this.publishOnce(await this.connection.confirmChannel(), body, messageId);
        return;
      } catch (error) {
        if (this.connection.closed.aborted)
          throw new Error(`pipeline closed before ${messageId} was confirmed`, { cause: error });
        const nacked = errorText(error) === "message nacked";
        const delay = nacked ? full.next() : lost.next();
        // A full queue is backpressure doing its job, not news for an operator.
        if (nacked)
          this.logger.debug(`Publish of ${messageId} to ${this.exchange} refused: queue full; retrying in ${delay} ms`);
        else
          this.logger.warn(
            `Publish of ${messageId} to ${this.exchange} not confirmed (${errorText(error)}); retrying in ${delay} ms`,
          );
        await sleep(delay, this.connection.closed);
      }
    }
  }

  private async publishOnce(channel: ConfirmChannel, body: Buffer, messageId: string): Promise<void> {
    await this.drained;
    await new Promise<void>((resolve, reject) => {
      const options = { persistent: true, contentType: "application/json", messageId };
      // amqplib types the confirm callback's error as `any`: it is null (confirmed) or an Error (nacked, channel closed).
      const accepted = channel.publish(this.exchange, "", body, options, (error: Error | null) =>
        error ? reject(error) : resolve(),
      );
      if (!accepted) this.drained = Promise.race([once(channel, "drain"), once(channel, "close")]);
    });
  }
}
