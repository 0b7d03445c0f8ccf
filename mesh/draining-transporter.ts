import { Transporters } from "moleculer";

/** Moleculer's packet type of requests, as its AMQP transporter names the request queues. */
const REQUEST = "REQ";

type RequestPacket = Parameters<Transporters.AMQP["publishBalancedRequest"]>[0];

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
 *
 * It also declares an action's request queue before the first request to it, as a caller: Moleculer
 * declares it only when the action's workers subscribe, a second after they started (and after
 * /ready), and RabbitMQ drops a message sent to a queue that does not exist yet.
 */
export class DrainingAmqpTransporter extends Transporters.AMQP {
  private readonly requestConsumers = new Map<string, string>();
  private draining = false;
  /** Request queues declared on the current channel, by name: each is declared once per channel. */
  private declaredQueues = new Map<string, Promise<unknown>>();
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
    // A new connection comes with a new channel, and RabbitMQ may have lost its queues meanwhile.
    this.declaredQueues = new Map();
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
    const queue = this.requestQueue(action);
    await channel.assertQueue(queue, this._getQueueOptions(REQUEST, true));
    const { consumerTag } = await channel.consume(queue, this._consumeCB(REQUEST, true), this.opts.consumeOptions);
    this.requestConsumers.set(action, consumerTag);
  }

  /** As the transporter sends a request to an action's shared queue, once that queue exists. */
  override async publishBalancedRequest(packet: RequestPacket): Promise<void> {
    await this.declareRequestQueue(this.requestQueue(packet.payload.action));
    return super.publishBalancedRequest(packet);
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

  private requestQueue(action: string): string {
    return `${this.prefix}.${REQUEST}B.${action}`;
  }

  /**
   * Declares a request queue with the options its workers declare it with (a queue declared again
   * with others is refused). A failed declaration is forgotten: the request is sent anyway, as
   * Moleculer would, and the next one tries again.
   */
  private async declareRequestQueue(queue: string): Promise<void> {
    const channel = this.channel as RequestChannel | null;
    if (!channel) return;
    let declared = this.declaredQueues.get(queue);
    if (!declared) {
      declared = channel.assertQueue(queue, this._getQueueOptions(REQUEST, true)).catch(() => {
        this.declaredQueues.delete(queue);
      });
      this.declaredQueues.set(queue, declared);
    }
    await declared;
  }
}
