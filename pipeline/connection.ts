import amqp, { type ChannelModel, type ConfirmChannel } from "amqplib";
import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";
import { redactUrl } from "../config/environment";
import { Backoff, type BackoffPolicy, RETRY_POLICIES } from "../core/retry";
import { sleep } from "../core/sleep";
import { firstThatAnswers } from "./nodes";
import { assertTopology, type PipelineTopology, type QueueLimits } from "./topology";

type ConnectedHook = (connection: ChannelModel) => Promise<void>;

/** Opens an AMQP connection to one node: amqplib's `connect`, or a fake in tests. */
export type ConnectNode = (url: string) => Promise<ChannelModel>;

// amqplib leaves Nagle's algorithm on; a batch's confirm should not wait for more bytes.
const connectNode: ConnectNode = (url) => amqp.connect(url, { timeout: 5000, noDelay: true });

/**
 * One AMQP connection of a worker to the pipeline's broker, kept up: it reconnects with backoff
 * whenever the broker goes away, declares the topology again, and lets consumers re-subscribe
 * (`onConnected`). It owns only the wire; what to publish and when to ack is decided one layer up.
 *
 * Given a cluster's nodes, it connects to the first that answers; when that connection drops it tries
 * the nodes after it in turn, round the list, and waits its backoff only once every node failed.
 */
export class PipelineConnection {
  private connection: ChannelModel | null = null;
  private publishChannel: ConfirmChannel | null = null;
  private connected: Promise<void>;
  private markConnected: () => void = () => {};
  private readonly hooks: ConnectedHook[] = [];
  private readonly stopping = new AbortController();
  /** The node tried first on the next connect: the one after the node last connected to. */
  private firstNode = 0;
  /** The node connected to (its index in `urls`), or null. */
  private currentNode: number | null = null;

  constructor(
    private readonly urls: readonly string[],
    readonly topology: PipelineTopology,
    readonly limits: QueueLimits,
    private readonly logger: Logger,
    private readonly policy: BackoffPolicy = RETRY_POLICIES.amqpReconnect,
    private readonly connectTo: ConnectNode = connectNode,
  ) {
    this.connected = this.nextConnection();
  }

  /** Connects, retrying until the broker answers; resolves once the topology is declared. */
  async start(): Promise<void> {
    // connectLoop cannot reject: it catches every failed attempt, and sleep never rejects.
    void this.connectLoop();
    await this.whenConnected();
  }

  /** Runs on every (re)connection, after the topology is declared. */
  onConnected(hook: ConnectedHook): void {
    this.hooks.push(hook);
    // runHook cannot reject: it logs a hook's failure and closes the connection, ignoring close's own error.
    if (this.connection) void this.runHook(hook, this.connection);
  }

  /** Resolves when connected; rejects if the connection is being closed. */
  whenConnected(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.reject(new Error("pipeline connection closed"));
    return this.connected;
  }

  /** The channel publishers share: RabbitMQ confirms each message on it. */
  async confirmChannel(): Promise<ConfirmChannel> {
    for (;;) {
      await this.whenConnected();
      if (this.publishChannel) return this.publishChannel;
    }
  }

  get isConnected(): boolean {
    return this.connection !== null;
  }

  /** The URL of the node connected to, or null: for tests and diagnostics, never logged unredacted. */
  get connectedUrl(): string | null {
    return this.currentNode === null ? null : (this.urls[this.currentNode] ?? null);
  }

  get closed(): AbortSignal {
    return this.stopping.signal;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    const connection = this.connection;
    this.connection = null;
    this.publishChannel = null;
    this.currentNode = null;
    await connection?.close().catch(() => undefined);
  }

  private nextConnection(): Promise<void> {
    return new Promise((resolve) => {
      this.markConnected = resolve;
    });
  }

  private async connectLoop(): Promise<void> {
    const backoff = new Backoff(this.policy);
    while (!this.stopping.signal.aborted) {
      try {
        await this.connect();
        backoff.reset();
        return;
      } catch (error) {
        const delay = backoff.next();
        this.logger.warn(
          `Pipeline broker ${redactUrl(this.urls)} unreachable (${errorText(error)}); retrying in ${delay} ms`,
        );
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private async connect(): Promise<void> {
    const { connection: opened, node } = await firstThatAnswers(this.urls, this.firstNode, (url) => this.open(url));
    const { connection, channel } = opened;
    connection.on("error", (error) => this.logger.warn(`Pipeline connection error: ${errorText(error)}`));
    connection.once("close", () => this.lost(connection));
    this.connection = connection;
    this.publishChannel = channel;
    this.currentNode = node;
    this.firstNode = (node + 1) % this.urls.length;
    this.logger.info(`Pipeline connected to ${redactUrl(this.urls[node] ?? "")}`);
    for (const hook of this.hooks) await this.runHook(hook, connection);
    this.markConnected();
  }

  /** A node answers once it took a connection and the topology's declaration. */
  private async open(url: string): Promise<{ connection: ChannelModel; channel: ConfirmChannel }> {
    const connection = await this.connectTo(url);
    try {
      const channel = await connection.createConfirmChannel();
      channel.on("error", (error) => this.logger.warn(`Pipeline publish channel error: ${errorText(error)}`));
      await assertTopology(channel, this.topology, this.limits);
      return { connection, channel };
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.publishChannel = null;
    this.currentNode = null;
    this.connected = this.nextConnection();
    if (this.stopping.signal.aborted) return;
    this.logger.warn("Pipeline connection lost; reconnecting");
    void this.connectLoop(); // cannot reject (see start)
  }

  private async runHook(hook: ConnectedHook, connection: ChannelModel): Promise<void> {
    try {
      await hook(connection);
    } catch (error) {
      this.logger.error(`Pipeline subscription failed: ${errorText(error)}`);
      await connection.close().catch(() => undefined);
    }
  }
}
