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
  /** Bytes one client's answer may hold unsent (STREAM_BUFFER); beyond, its tweets are dropped and counted. */
  clientBufferBytes: number;
  /** A client whose buffer stays full this long is cut off (STREAM_STALL_SECS), freeing its buffer and socket. */
  stallTimeoutMs: number;
}

export const LIVE_STREAM_DEFAULTS: Pick<LiveStreamOptions, "heartbeatMs" | "refreshMs" | "maxClients"> = {
  heartbeatMs: 15_000,
  refreshMs: 1000,
  maxClients: 1000,
};

/** How often clients are checked for a stall at most; a short STREAM_STALL_SECS is checked more often. */
const STALL_CHECK_MS = 1000;

/** Reads the current figures (the gateway calls `statistics.get`). */
export type ReadFigures = () => Promise<RunStatistics>;

interface StreamLogger {
  debug(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/** What the stream tells the gateway's metrics. */
export interface LiveStreamObserver {
  /** A client that took nothing for `stallTimeoutMs` was disconnected. */
  stalledClientCut(): void;
}

const sseEvent = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * One matched notice as its SSE text: each tweet serialized once for all clients, and the text
 * each track filter gets built once for all clients sharing that filter.
 */
class MatchedEvents {
  private readonly events: { text: string; phrases: string[] }[];
  private readonly byFilter = new Map<string, { text: string; tweets: number }>();

  constructor(notice: MatchedNotice) {
    this.events = notice.matches.map((match) => ({
      text: sseEvent("tweet", { run_id: notice.run_id, tweet: match.tweet, phrases: match.phrases }),
      phrases: match.phrases.map((phrase) => phrase.toLowerCase()),
    }));
  }

  /** The events a client of `filter` gets: their text, and how many tweets it holds. */
  for(filter: TrackFilter | null): { text: string; tweets: number } {
    const key = filter?.key ?? "";
    let events = this.byFilter.get(key);
    if (!events) {
      const kept = filter
        ? this.events.filter((event) => event.phrases.some((p) => filter.phrases.has(p)))
        : this.events;
      events = { text: kept.map((event) => event.text).join(""), tweets: kept.length };
      this.byFilter.set(key, events);
    }
    return events;
  }
}

/** A client's `track`, lower-cased; `key` names it so that clients of the same track share their events. */
interface TrackFilter {
  phrases: Set<string>;
  key: string;
}

/**
 * One `/stream` client. Its answer may hold `bufferBytes` unsent; a write that would go past marks
 * it congested until the buffer empties: meanwhile its tweets are dropped and counted, and only the
 * newest figures are kept for it. So a slow client costs a bounded buffer and never holds anyone
 * else up; one that stays congested for the stall timeout is disconnected.
 */
class StreamClient {
  /** Since when the buffer is full; null while the client keeps up. */
  congestedSince: number | null = null;
  private pendingFigures: string | null = null;
  private dropped = 0;

  constructor(
    private readonly res: ServerResponse,
    readonly filter: TrackFilter | null,
    private readonly bufferBytes: number,
  ) {
    res.on("drain", () => this.resume());
  }

  figures(text: string, now = Date.now()): void {
    if (!this.send(text, now)) this.pendingFigures = text;
  }

  tweets(events: { text: string; tweets: number }, now = Date.now()): void {
    if (events.tweets > 0 && !this.send(events.text, now)) this.dropped += events.tweets;
  }

  heartbeat(): void {
    if (this.congestedSince === null) this.send(": heartbeat\n\n", Date.now());
  }

  /** Whether it has been congested for `timeoutMs` by `now`; a buffer emptied meanwhile resumes it first. */
  stalled(now: number, timeoutMs: number): boolean {
    if (this.congestedSince !== null && this.res.writableLength === 0) this.resume();
    return this.congestedSince !== null && now - this.congestedSince >= timeoutMs;
  }

  end(): void {
    this.res.end();
  }

  /** Frees its buffer and socket at once: `end` would wait for a client that does not read. */
  cut(): void {
    this.res.destroy();
  }

  private resume(): void {
    if (this.congestedSince === null) return;
    this.congestedSince = null;
    const dropped = this.dropped;
    const figures = this.pendingFigures;
    this.dropped = 0;
    this.pendingFigures = null;
    if (dropped > 0 && !this.send(sseEvent("dropped", { tweets: dropped }), Date.now())) this.dropped += dropped;
    if (figures) this.figures(figures);
  }

  /** Writes `text` unless the client is congested or it would overflow the buffer; false when not written. */
  private send(text: string, now: number): boolean {
    if (this.res.writableEnded || this.res.destroyed) return true;
    if (this.congestedSince !== null && this.res.writableLength === 0) this.resume();
    if (
      this.congestedSince === null &&
      this.res.writableLength > 0 &&
      this.res.writableLength + text.length > this.bufferBytes
    )
      this.congestedSince = now;
    if (this.congestedSince !== null) return false;
    this.res.write(text);
    return true;
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
  /** The latest figures as their SSE event, serialized once for all clients. */
  private latestText: string | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly readFigures: ReadFigures,
    private readonly options: LiveStreamOptions,
    private readonly logger: StreamLogger,
    private readonly observer: LiveStreamObserver = { stalledClientCut: () => undefined },
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  start(): void {
    this.timers = [
      setInterval(() => void this.tick(), Math.ceil(1000 / this.options.maxRate)),
      setInterval(() => this.heartbeat(), this.options.heartbeatMs),
      setInterval(() => this.cutStalled(), Math.min(STALL_CHECK_MS, Math.ceil(this.options.stallTimeoutMs / 2))),
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
    const client = new StreamClient(res, trackFilter(params.track), this.options.clientBufferBytes);
    this.clients.add(client);
    const forget = () => this.clients.delete(client);
    res.once("close", forget);
    req.once("close", forget);
    if (this.latestText) client.figures(this.latestText);
    this.stale = true;
  }

  /** A statistics worker counted: the figures changed. */
  counted(): void {
    this.stale = true;
  }

  /** A timeline worker stored matches: pushed to each client whose filter they pass. */
  matched(notice: MatchedNotice): void {
    if (this.clients.size === 0 || notice.matches.length === 0) return;
    const events = new MatchedEvents(notice);
    const now = Date.now();
    for (const client of this.clients) client.tweets(events.for(client.filter), now);
  }

  /** Disconnects the clients congested for `stallTimeoutMs`: a live one reconnects after `retry:`. */
  cutStalled(now = Date.now()): void {
    for (const client of this.clients) {
      if (!client.stalled(now, this.options.stallTimeoutMs)) continue;
      this.clients.delete(client);
      client.cut();
      this.observer.stalledClientCut();
    }
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
      const text = sseEvent("statistics", figures);
      this.latestText = text;
      const at = Date.now();
      for (const client of this.clients) client.figures(text, at);
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

function trackFilter(track: readonly string[] | undefined): TrackFilter | null {
  if (!track) return null;
  const phrases = new Set(track.map((phrase) => phrase.toLowerCase()));
  return { phrases, key: [...phrases].sort().join("\n") };
}
