import { Transporters } from "moleculer";

/** Moleculer's packet type of requests, as its AMQP transporter names the request queues. */
const REQUEST = "REQ";

interface RequestChannel {
  assertQueue(queue: string, options: object): Promise<unknown>;
  consume(queue: string, onMessage: unknown, options?: object): Promise<{ consumerTag: string }>;
  cancel(consumerTag: string): Promise<unknown>;
}

/**
 * Moleculer's AMQP transporter, able to stop taking requests before its node stops.
 *
 * With the balancer disabled, every worker of a service consumes the action's shared request queue.
 * Moleculer's own stop announces the node's departure, waits, then refuses what still arrives with
 * ServiceNotAvailableError, which fails a launch or a stop back to its client. Cancelling the
 * request consumers first leaves new requests in the queue for the other workers, while the
 * requests already delivered here finish and are acked.
 */
export class DrainingAmqpTransporter extends Transporters.AMQP {
  private readonly requestConsumers = new Map<string, string>();
  private draining = false;
  /** Why the last attempt to connect failed: for the start-up line that names what to fix. */
  lastConnectError: unknown = null;

  /**
   * As the transporter connects. `onLost` is how Moleculer's transit learns of a lost connection, to
   * reconnect: it must reach the AMQP transporter's own `connect`, whose typings leave it out.
   */
  override async connect(onLost?: unknown): Promise<void> {
    const reportLost = (error: unknown) => {
      this.lastConnectError = error;
      if (typeof onLost === "function") (onLost as (error: unknown) => void)(error);
    };
    try {
      await (super.connect as (onLost: (error: unknown) => void) => Promise<void>)(reportLost);
      this.lastConnectError = null;
    } catch (error) {
      this.lastConnectError = error;
      throw error;
    }
  }

  /** As the transporter subscribes, keeping the consumer tag that it drops. */
  override async subscribeBalancedRequest(action: string): Promise<void> {
    const channel = this.channel as RequestChannel | null;
    if (!channel || this.draining) return;
    const queue = `${this.prefix}.${REQUEST}B.${action}`;
    await channel.assertQueue(queue, this._getQueueOptions(REQUEST, true));
    const { consumerTag } = await channel.consume(queue, this._consumeCB(REQUEST, true), this.opts.consumeOptions);
    this.requestConsumers.set(action, consumerTag);
  }

  /** Cancels this node's request consumers: RabbitMQ gives new requests to the other workers. */
  async stopTakingRequests(): Promise<number> {
    this.draining = true;
    const channel = this.channel as RequestChannel | null;
    const tags = [...this.requestConsumers.values()];
    this.requestConsumers.clear();
    if (!channel) return 0;
    await Promise.all(tags.map((tag) => channel.cancel(tag).catch(() => undefined)));
    return tags.length;
  }
}
