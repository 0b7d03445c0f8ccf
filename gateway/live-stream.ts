import type { IncomingMessage, ServerResponse } from "node:http";
import { delayFor, RETRY_POLICIES } from "../core/retry";
import { Errors } from "moleculer";
import type { RunStatistics } from "../contracts/actions";
import type { MatchedNotice, StreamParams } from "../contracts/stream";

export interface LiveStreamOptions {
  /** Statistics updates per second a client gets at most (STREAM_MAX_RATE). */
  maxRate: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** While a run is running, figures are read this often even without notices (elapsed time, speed). */
  refreshMs: number;
  /** Clients one gateway worker serves at once; beyond, 503. */
  maxClients: number;
}

/** The longest pause between reads of the figures while they fail (no statistics worker, say). */

export const LIVE_STREAM_DEFAULTS: Omit<LiveStreamOptions, "maxRate"> = {
  heartbeatMs: 15_000,
  refreshMs: 1000,
  maxClients: 1000,
};

/** Reads the current figures (the gateway calls `statistics.get`). */
export type ReadFigures = () => Promise<RunStatistics>;

interface StreamLogger {
  debug(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/**
 * One `/stream` client. A write that the socket cannot take at once (`write` answers false) marks it
 * congested until `drain`: meanwhile its tweets are dropped and counted, and only the newest figures
 * are kept for it, so a slow client costs a bounded buffer and never holds anyone else up.
 */
class StreamClient {
  private congested = false;
  private pendingFigures: RunStatistics | null = null;
  private dropped = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly phrases: Set<string> | null,
  ) {
    res.on("drain", () => this.drained());
  }

  figures(figures: RunStatistics): void {
    if (this.congested) this.pendingFigures = figures;
    else this.write("statistics", figures);
  }

  tweet(notice: MatchedNotice, match: MatchedNotice["matches"][number]): void {
    if (this.phrases && !match.phrases.some((phrase) => this.phrases?.has(phrase.toLowerCase()))) return;
    if (this.congested) this.dropped += 1;
    else this.write("tweet", { run_id: notice.run_id, tweet: match.tweet, phrases: match.phrases });
  }

  heartbeat(): void {
    if (!this.congested) this.writeRaw(": heartbeat\n\n");
  }

  end(): void {
    this.res.end();
  }

  private drained(): void {
    this.congested = false;
    if (this.dropped > 0) this.write("dropped", { tweets: this.dropped });
    this.dropped = 0;
    const figures = this.pendingFigures;
    this.pendingFigures = null;
    if (figures && !this.congested) this.write("statistics", figures);
  }

  private write(event: string, data: unknown): void {
    this.writeRaw(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private writeRaw(text: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    if (!this.res.write(text)) this.congested = true;
  }
}

/**
 * The live feed of one gateway worker: its `/stream` clients, fed by the notices every gateway
 * receives (see workers/live-feed.ts). Statistics notices only mark the figures stale; a tick
 * at `maxRate` reads them once (one `statistics.get` for all clients) and sends them to everyone,
 * so however fast tweets arrive, a client gets at most `maxRate` updates a second.
 */
export class LiveStream {
  private readonly clients = new Set<StreamClient>();
  private stale = true;
  private reading = false;
  private lastRead = 0;
  private failedReads = 0;
  private retryAt = 0;
  private latest: RunStatistics | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly readFigures: ReadFigures,
    private readonly options: LiveStreamOptions,
    private readonly logger: StreamLogger,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  start(): void {
    this.timers = [
      setInterval(() => void this.tick(), Math.ceil(1000 / this.options.maxRate)),
      setInterval(() => this.heartbeat(), this.options.heartbeatMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Ends every stream (the gateway is stopping). */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  /** Turns an HTTP request into a stream client, until it disconnects. */
  open(req: IncomingMessage, res: ServerResponse, params: StreamParams): void {
    if (this.clients.size >= this.options.maxClients) {
      throw new Errors.MoleculerError(
        "too many live streams on this gateway worker; retry later",
        503,
        "STREAM_CAPACITY",
        { clients: this.clients.size },
      );
    }
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      // nginx buffers answers unless told not to.
      "X-Accel-Buffering": "no",
    });
    // HEAD asks only whether the stream is there.
    if (req.method === "HEAD") return void res.end();
    res.write("retry: 3000\n\n");
    req.socket.setNoDelay(true);
    const phrases = params.track ? new Set(params.track.map((phrase) => phrase.toLowerCase())) : null;
    const client = new StreamClient(res, phrases);
    this.clients.add(client);
    const forget = () => this.clients.delete(client);
    res.once("close", forget);
    req.once("close", forget);
    if (this.latest) client.figures(this.latest);
    this.stale = true;
  }

  /** A statistics worker counted: the figures changed. */
  counted(): void {
    this.stale = true;
  }

  /** A timeline worker stored matches: pushed to each client whose filter they pass. */
  matched(notice: MatchedNotice): void {
    for (const client of this.clients) for (const match of notice.matches) client.tweet(notice, match);
  }

  /** Reads and sends the figures when stale, or when a run is running and they are older than `refreshMs`. */
  async tick(now = Date.now()): Promise<void> {
    if (this.clients.size === 0 || this.reading || now < this.retryAt) return;
    const due = this.stale || (this.latest?.running === true && now - this.lastRead >= this.options.refreshMs);
    if (!due) return;
    this.reading = true;
    this.stale = false;
    this.lastRead = now;
    try {
      const figures = await this.readFigures();
      this.failedReads = 0;
      this.retryAt = 0;
      this.latest = figures;
      for (const client of this.clients) client.figures(figures);
    } catch (error) {
      // Retried later and later, rather than at every tick while no statistics worker answers.
      this.stale = true;
      this.failedReads += 1;
      this.retryAt =
        now + delayFor({ ...RETRY_POLICIES.liveFigures, initialMs: this.options.refreshMs }, this.failedReads - 1);
      this.logger.debug(
        `Live stream could not read the figures: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.reading = false;
    }
  }

  private heartbeat(): void {
    for (const client of this.clients) client.heartbeat();
  }
}
