import type { IncomingMessage, ServerResponse } from "node:http";
import { delayFor, RETRY_POLICIES } from "../core/retry";
import { Errors } from "moleculer";
import type { RunStatistics } from "../contracts/actions";
import { type MatchedNotice, StreamEventId, type StreamParams } from "../contracts/stream";
import { matchesSearch, readSearch } from "../matching/search/query";
import { RecentTweets, type TweetEvent, wordsOf } from "./recent-tweets";

export interface LiveStreamOptions {
  /** Statistics updates per second a client gets at most (STREAM_MAX_RATE). */
  maxRate: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** While a run is running, figures are read this often even without notices (elapsed time, speed). */
  refreshMs: number;
  /** Clients one gateway worker serves at once; beyond, 503. */
  maxClients: number;
  /**
   * Bytes one client's answer may hold unsent (STREAM_BUFFER); beyond, its tweets are dropped and
   * counted. The recent tweets replayed to a reconnecting client are bounded alike.
   */
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
 * The new tweets of one matched notice, and the text each filter gets of them: built once for all
 * clients sharing that filter (each tweet is serialized once, by RecentTweets).
 */
class MatchedEvents {
  private readonly byFilter = new Map<string, TweetBatch>();

  constructor(private readonly events: readonly TweetEvent[]) {}

  /** The newest tweet's id: where every client stands once it got (or passed over) these. */
  get newestId(): string | null {
    return this.events.at(-1)?.id ?? null;
  }

  /** The events a client of `filter` gets. */
  for(filter: TweetFilter | null): TweetBatch {
    const key = filter?.key ?? "";
    let batch = this.byFilter.get(key);
    if (!batch) {
      batch = tweetBatch(this.events, filter);
      this.byFilter.set(key, batch);
    }
    return batch;
  }
}

/** Tweet events as one text to write, and how many tweets it holds. */
interface TweetBatch {
  text: string;
  tweets: number;
}

function tweetBatch(events: readonly TweetEvent[], filter: TweetFilter | null): TweetBatch {
  const kept = filter ? events.filter((event) => filter.keeps(event)) : events;
  return { text: kept.map((event) => event.text).join(""), tweets: kept.length };
}

/**
 * The tweets a client asked for: of its `track` phrases and matching its `search`, both when given.
 * `key` names the filter, so that clients of the same one share their events.
 */
interface TweetFilter {
  keeps(event: TweetEvent): boolean;
  key: string;
}

/**
 * One `/stream` client. Its answer may hold `bufferBytes` unsent; a write that would go past marks
 * it congested until the buffer empties: meanwhile its tweets are dropped and counted, and only the
 * newest figures are kept for it. So a slow client costs a bounded buffer and never holds anyone
 * else up; one that stays congested for the stall timeout is disconnected.
 *
 * Its `position` is the id of the newest tweet it was sent or passed over (its track did not match
 * it): every event it gets that is not a tweet carries it as `id:`, so that a reconnect names it.
 * A tweet dropped while congested does not move it: the client is told of those by `dropped`.
 */
class StreamClient {
  /** Since when the buffer is full; null while the client keeps up. */
  congestedSince: number | null = null;
  private pendingFigures: string | null = null;
  private dropped = 0;

  constructor(
    private readonly res: ServerResponse,
    readonly filter: TweetFilter | null,
    private readonly bufferBytes: number,
    private position: string | null,
  ) {
    res.on("drain", () => this.resume());
  }

  /** The figures' event, sent with this client's `id:`; the newest only are kept while congested. */
  figures(text: string, now = Date.now()): void {
    if (!this.send(this.identified(text), now)) this.pendingFigures = text;
  }

  /** Tweets this client's filter kept of a notice whose newest tweet is `newestId`. */
  tweets(batch: TweetBatch, newestId: string, now = Date.now()): void {
    const keptUp = batch.tweets === 0 ? this.keepsUp() : this.send(batch.text, now);
    if (keptUp) this.position = newestId;
    else this.dropped += batch.tweets;
  }

  /**
   * The tweets it missed, then the `replay` event saying how that went, in one write: the first
   * write to an empty buffer always goes, and the replay is bounded like the buffer.
   */
  replay(batch: TweetBatch, complete: boolean, newestId: string | null): void {
    if (newestId) this.position = newestId;
    const told = this.identified(sseEvent("replay", { complete, tweets: batch.tweets }));
    if (!this.send(batch.text + told, Date.now())) this.dropped += batch.tweets;
  }

  heartbeat(): void {
    if (this.congestedSince === null) this.send(": heartbeat\n\n", Date.now());
  }

  /** Whether it has been congested for `timeoutMs` by `now`; a buffer emptied meanwhile resumes it first. */
  stalled(now: number, timeoutMs: number): boolean {
    return !this.keepsUp() && now - (this.congestedSince ?? now) >= timeoutMs;
  }

  end(): void {
    this.res.end();
  }

  /** Frees its buffer and socket at once: `end` would wait for a client that does not read. */
  cut(): void {
    this.res.destroy();
  }

  /** Whether it is not congested, once a buffer emptied meanwhile resumed it. */
  private keepsUp(): boolean {
    if (this.congestedSince !== null && this.res.writableLength === 0) this.resume();
    return this.congestedSince === null;
  }

  private resume(): void {
    if (this.congestedSince === null) return;
    this.congestedSince = null;
    const dropped = this.dropped;
    const figures = this.pendingFigures;
    this.dropped = 0;
    this.pendingFigures = null;
    const told = this.identified(sseEvent("dropped", { tweets: dropped }));
    if (dropped > 0 && !this.send(told, Date.now())) this.dropped += dropped;
    if (figures) this.figures(figures);
  }

  /** `event` with this client's position as its `id:`. */
  private identified(event: string): string {
    return this.position === null ? event : `id: ${this.position}\n${event}`;
  }

  /** Writes `text` unless the client is congested or it would overflow the buffer; false when not written. */
  private send(text: string, now: number): boolean {
    if (this.res.writableEnded || this.res.destroyed) return true;
    if (this.keepsUp() && this.res.writableLength > 0 && this.res.writableLength + text.length > this.bufferBytes)
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
 *
 * A client's first figures are read for it, at the first tick after it opened: never figures read
 * before, however recent. Clients opening in the same tick share that read; one opening while a read
 * is in flight waits for the next.
 *
 * Every tweet event carries its id; a client reconnecting with `Last-Event-ID` is sent the recent
 * tweets it missed (RecentTweets), then a `replay` event.
 */
export class LiveStream {
  private readonly clients = new Set<StreamClient>();
  /** Clients sent no figures yet. */
  private readonly waiting = new Set<StreamClient>();
  private readonly recent: RecentTweets;
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
    private readonly observer: LiveStreamObserver = { stalledClientCut: () => undefined },
  ) {
    this.recent = new RecentTweets(options.clientBufferBytes);
  }

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
    this.waiting.clear();
  }

  /** Turns an HTTP request into a stream client, until it disconnects. */
  open(req: IncomingMessage, res: ServerResponse, params: StreamParams): void {
    // An unreadable search is refused (422) before the stream opens.
    const filter = tweetFilter(params);
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
    const client = new StreamClient(res, filter, this.options.clientBufferBytes, this.recent.newestId);
    this.clients.add(client);
    this.waiting.add(client);
    const forget = () => {
      this.clients.delete(client);
      this.waiting.delete(client);
    };
    res.once("close", forget);
    req.once("close", forget);
    const asked = lastEventId(req.headers["last-event-id"]);
    if (asked !== undefined) this.replay(client, asked);
  }

  /** A statistics worker counted: the figures changed. */
  counted(): void {
    this.stale = true;
  }

  /** A timeline worker stored matches: kept for replays, and pushed to each client whose filter they pass. */
  matched(notice: MatchedNotice): void {
    const events = new MatchedEvents(this.recent.record(notice));
    const newestId = events.newestId;
    if (this.clients.size === 0 || newestId === null) return;
    const now = Date.now();
    for (const client of this.clients) client.tweets(events.for(client.filter), newestId, now);
  }

  /** Disconnects the clients congested for `stallTimeoutMs`: a live one reconnects after `retry:`. */
  cutStalled(now = Date.now()): void {
    for (const client of this.clients) {
      if (!client.stalled(now, this.options.stallTimeoutMs)) continue;
      this.clients.delete(client);
      this.waiting.delete(client);
      client.cut();
      this.observer.stalledClientCut();
    }
  }

  /**
   * Reads the figures when stale, when a run is running and they are older than `refreshMs`, or when
   * a client waits for its first: one read at a time.
   */
  async tick(now = Date.now()): Promise<void> {
    if (this.clients.size === 0 || this.reading || now < this.retryAt) return;
    const forAll = this.stale || (this.latest?.running === true && now - this.lastRead >= this.options.refreshMs);
    if (forAll || this.waiting.size > 0) await this.read(now, forAll);
  }

  /**
   * One read, sent to the clients waiting since before it started and, `forAll`, to every client but
   * those that opened during the read: their first figures come from a read started after they opened.
   */
  private async read(now: number, forAll: boolean): Promise<void> {
    const firsts = new Set(this.waiting);
    this.reading = true;
    if (forAll) {
      this.stale = false;
      this.lastRead = now;
    }
    try {
      const figures = await this.readFigures();
      this.failedReads = 0;
      this.retryAt = 0;
      this.latest = figures;
      this.sendFigures(sseEvent("statistics", figures), forAll ? this.clientsServedBy(firsts) : firsts);
    } catch (error) {
      this.readFailed(now, error, forAll);
    } finally {
      this.reading = false;
    }
  }

  /** Every client but those still waiting for a read that started after they opened. */
  private clientsServedBy(firsts: ReadonlySet<StreamClient>): StreamClient[] {
    return [...this.clients].filter((client) => firsts.has(client) || !this.waiting.has(client));
  }

  /** Sends the figures' event, serialized once, to `recipients` still connected. */
  private sendFigures(text: string, recipients: Iterable<StreamClient>): void {
    const at = Date.now();
    for (const client of recipients) {
      if (!this.clients.has(client)) continue;
      this.waiting.delete(client);
      client.figures(text, at);
    }
  }

  /** Retried later and later, rather than at every tick while no statistics worker answers. */
  private readFailed(now: number, error: unknown, forAll: boolean): void {
    if (forAll) this.stale = true;
    this.failedReads += 1;
    this.retryAt =
      now + delayFor({ ...RETRY_POLICIES.liveFigures, initialMs: this.options.refreshMs }, this.failedReads - 1);
    this.logger.debug(
      `Live stream could not read the figures: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** Sends a reconnecting client the recent tweets after the one it names, of its track; none when unknown. */
  private replay(client: StreamClient, asked: string | null): void {
    const missed = asked === null ? null : this.recent.after(asked);
    client.replay(tweetBatch(missed ?? [], client.filter), missed !== null, this.recent.newestId);
  }

  private heartbeat(): void {
    for (const client of this.clients) client.heartbeat();
  }
}

/**
 * The `Last-Event-ID` a reconnecting client sent: undefined when none, null when it names no tweet
 * (malformed, or several), to be answered as an unknown one rather than refused.
 */
function lastEventId(header: string | string[] | undefined): string | null | undefined {
  if (header === undefined || header === "") return undefined;
  const parsed = StreamEventId.safeParse(header);
  return parsed.success ? parsed.data : null;
}

function tweetFilter(params: StreamParams): TweetFilter | null {
  const phrases = params.track ? new Set(params.track.map((phrase) => phrase.toLowerCase())) : null;
  const query = params.search === undefined ? null : readSearch("search", params.search);
  if (!phrases && !query) return null;
  return {
    keeps: (event) =>
      (!phrases || event.phrases.some((phrase) => phrases.has(phrase))) &&
      (!query || matchesSearch(query, wordsOf(event))),
    key: `${phrases ? [...phrases].sort().join("\n") : "*"}\u0000${query?.text ?? ""}`,
  };
}
