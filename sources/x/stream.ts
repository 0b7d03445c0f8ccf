import type { Readable } from "node:stream";
import { errorText } from "../../core/error-text";
import { ETwitterStreamEvent, type TweetSearchV2StreamParams, type TweetStream } from "twitter-api-v2";
import { z } from "zod";
import { redactUrl } from "../../config/environment";
import type { SourceItem } from "../../contracts/tweet";
import { Backoff, delayFor, type BackoffPolicy, RETRY_POLICIES } from "../../core/retry";
import { sleep } from "../../core/sleep";
import type { Logger } from "../../core/logger";
import { assertSkip, type SourceHealth, type SourceOptions, type TweetSource } from "../source";
import { V2StreamMessage, v2StreamMessageToTweet } from "../payloads/v2";
import { agentFor, xClient, xFailure, XProblem, type XAgent, type XApiConfig } from "./api";

/**
 * The live source: the X API v2 filtered stream. One HTTP connection delivers the tweets that match
 * the app's rules (kept equal to the run's track by rules.ts); this source reconnects as X
 * documents, and hands tweets to the pull-based consumer through a bounded buffer, since a live
 * stream cannot be paused: when the consumer falls that far behind, new tweets are dropped and counted.
 */

export type SourceLogger = Pick<Logger, "info" | "warn" | "debug">;

/** Why a connection ended or could not be made. */
export type ReconnectCause =
  /** The connection was cut (by X, a proxy or the network) after it had been made. */
  | "dropped"
  /** Neither data nor a keep-alive for the stall timeout: X sends a keep-alive at least every 20 s. */
  | "stalled"
  /** X said so in the stream (`operational-disconnect`), then closed it. */
  | "operational-disconnect"
  /** The connection could not be made: refused, reset, timed out. */
  | "network"
  /** X answered the connection with an HTTP error other than 429. */
  | "http"
  /** HTTP 429: too many connections (the app's one is taken) or requests. */
  | "rate-limited";

/** X's documented reconnect policies, one per kind of failure. */
export interface ReconnectPolicies {
  network: BackoffPolicy;
  http: BackoffPolicy;
  rateLimited: BackoffPolicy;
}

/** X's documented reconnect policies, from the project's table of retries. */
export const X_RECONNECT_POLICIES: ReconnectPolicies = {
  network: RETRY_POLICIES.xNetwork,
  http: RETRY_POLICIES.xHttp,
  rateLimited: RETRY_POLICIES.xRateLimited,
};

const POLICY_OF: Record<ReconnectCause, keyof ReconnectPolicies> = {
  dropped: "network",
  stalled: "network",
  "operational-disconnect": "network",
  network: "network",
  http: "http",
  "rate-limited": "rateLimited",
};

/** A connection that had been made and then ended: X asks to reconnect at once the first time. */
const isDisconnect = (cause: ReconnectCause): boolean => cause === "dropped" || cause === "stalled" || cause === "operational-disconnect";

/** The delay before retry `attempt` (0 = the first) of a failure of this kind, without the immediate first reconnect. */
export function reconnectDelay(cause: ReconnectCause, attempt: number, policies: ReconnectPolicies): number {
  return delayFor(policies[POLICY_OF[cause]], attempt);
}

/**
 * The delays of one outage: an immediate reconnect after a disconnect, then each kind of failure
 * backs off by its own policy. The outage ends when a connection delivers something (data or a
 * keep-alive): a connection that is accepted and then cut at once does not earn another free retry.
 */
export class ReconnectSchedule {
  private readonly backoffs: Record<keyof ReconnectPolicies, Backoff>;
  private immediateUsed = false;

  constructor(policies: ReconnectPolicies) {
    this.backoffs = { network: new Backoff(policies.network), http: new Backoff(policies.http), rateLimited: new Backoff(policies.rateLimited) };
  }

  next(cause: ReconnectCause): number {
    if (isDisconnect(cause) && !this.immediateUsed) {
      this.immediateUsed = true;
      return 0;
    }
    return this.backoffs[POLICY_OF[cause]].next();
  }

  /** A connection delivered: the next failure starts a new outage. */
  held(): void {
    this.immediateUsed = false;
    for (const backoff of Object.values(this.backoffs)) backoff.reset();
  }
}

/**
 * Items between the HTTP reader (pushed as they arrive) and the consumer (pulled when it is ready).
 * Bounded: `offer` answers false, and the caller counts a drop, when it is full.
 */
export class TweetBuffer {
  private items: SourceItem[] = [];
  private head = 0;
  private wake: (() => void) | null = null;
  private ended: { error?: Error } | null = null;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`buffer capacity must be a whole number of 1 or more, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  offer(item: SourceItem): boolean {
    if (this.ended || this.size >= this.capacity) return false;
    this.items.push(item);
    this.notify();
    return true;
  }

  /** No more items will come; `error` is thrown to the consumer once it took what is buffered. */
  close(error?: Error): void {
    this.ended ??= error ? { error } : {};
    this.notify();
  }

  /** The next item; undefined when the buffer ended or `signal` aborted. */
  async take(signal: AbortSignal): Promise<SourceItem | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      if (this.size > 0) return this.shift();
      if (this.ended?.error) throw this.ended.error;
      if (this.ended) return undefined;
      await this.wait(signal);
    }
  }

  private shift(): SourceItem | undefined {
    const item = this.items[this.head];
    this.head += 1;
    // Compact now and then rather than `shift()` each item, which copies the whole array.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener("abort", done);
        this.wake = null;
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private notify(): void {
    this.wake?.();
  }
}

/** Counts dropped tweets and says so at most once per interval, and once more at the end: never silently. */
class DropReport {
  dropped = 0;
  private unreported = 0;
  private lastReport = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly capacity: number,
    private readonly logger: SourceLogger,
  ) {}

  record(): void {
    this.dropped += 1;
    this.unreported += 1;
    const wait = this.lastReport + this.intervalMs - Date.now();
    if (wait <= 0) this.report();
    else this.timer ??= setTimeout(() => this.report(), wait).unref();
  }

  report(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.unreported === 0) return;
    this.logger.warn(
      `X stream: dropped ${this.unreported} tweets (${this.dropped} in all): the consumer is behind and the buffer of ${this.capacity} tweets is full`,
    );
    this.unreported = 0;
    this.lastReport = Date.now();
  }
}

export interface XStreamSettings {
  /** Tweets held between the HTTP reader and the consumer (X_STREAM_BUFFER); beyond, new tweets are dropped and counted. */
  bufferSize: number;
  /** No data and no keep-alive for this long means the connection is dead (X: 20 s). Also bounds the wait for X to answer a connect. */
  stallTimeoutMs: number;
  policies: ReconnectPolicies;
  /** At most one warning about dropped tweets per this long. */
  dropReportIntervalMs: number;
}

export const X_STREAM_DEFAULTS: XStreamSettings = {
  bufferSize: 10_000,
  stallTimeoutMs: 20_000,
  policies: X_RECONNECT_POLICIES,
  dropReportIntervalMs: 10_000,
};

export interface XStreamOptions extends Partial<XStreamSettings> {
  api: XApiConfig;
  logger?: SourceLogger;
}

/** A reconnect the source made: what ended the connection and the delay it chose. */
export interface XReconnect {
  cause: ReconnectCause;
  delayMs: number;
  detail: string;
}

export interface XStreamStats {
  connections: number;
  reconnects: number;
  /** Tweets read from the stream. */
  received: number;
  /** Tweets dropped because the buffer was full. */
  dropped: number;
  /** Messages without a usable tweet (no data, unreadable). */
  unusable: number;
}

/** Statuses that no retry can cure: the token is wrong or lacks access. */
const FATAL_STATUSES: ReadonlySet<number> = new Set([401, 403]);

/** The filtered stream's query: the fields the project's tweet needs, and the users and tweets they refer to. */
export const STREAM_QUERY = {
  "tweet.fields": "created_at,lang,author_id,entities,referenced_tweets,note_tweet",
  expansions: "author_id,referenced_tweets.id",
  "user.fields": "username,name",
} satisfies Partial<TweetSearchV2StreamParams>;

/** Keep the last reconnects only: a stream may run for months. */
const RECONNECT_HISTORY = 100;

const ErrorMessage = z.looseObject({ errors: z.array(XProblem) });

type Ending = { kind: "reconnect"; cause: ReconnectCause; detail: string } | { kind: "fatal"; message: string } | { kind: "aborted" };

interface Connection {
  stream: TweetStream;
  /** Closes the connection now: its agent's sockets are destroyed, whatever state the request is in. */
  cut(): void;
}

export class XStreamError extends Error {
  override name = "XStreamError";
}

export class XStreamSource implements TweetSource {
  readonly name = "x";
  private readonly settings: XStreamSettings;
  private readonly api: XApiConfig;
  private readonly logger: SourceLogger;
  private readonly counts: Omit<XStreamStats, "dropped"> = { connections: 0, reconnects: 0, received: 0, unusable: 0 };
  private drops: DropReport;
  private readonly history: XReconnect[] = [];

  constructor(options: XStreamOptions) {
    const { api, logger, ...settings } = options;
    this.settings = { ...X_STREAM_DEFAULTS, ...definedOnly(settings) };
    this.api = api;
    this.logger = logger ?? console;
    this.drops = new DropReport(this.settings.dropReportIntervalMs, this.settings.bufferSize, this.logger);
  }

  get reconnects(): number {
    return this.counts.reconnects;
  }

  get dropped(): number {
    return this.drops.dropped;
  }

  health(): SourceHealth {
    return { reconnects: this.counts.reconnects, dropped: this.drops.dropped };
  }

  get stats(): XStreamStats {
    return { ...this.counts, dropped: this.drops.dropped };
  }

  /** The latest reconnects, oldest first (a copy). */
  get reconnectHistory(): XReconnect[] {
    return [...this.history];
  }

  /** `skip` is moot: a live stream cannot be replayed; a worker taking a run over carries on from now. */
  async *items({ signal, skip = 0 }: SourceOptions): AsyncGenerator<SourceItem> {
    assertSkip(skip);
    if (signal.aborted) return;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const buffer = new TweetBuffer(this.settings.bufferSize);
    this.drops = new DropReport(this.settings.dropReportIntervalMs, this.settings.bufferSize, this.logger);
    const reading = this.read(buffer, stop.signal).then(
      (error) => buffer.close(error),
      (error: unknown) => buffer.close(new XStreamError(`X stream failed: ${errorText(error)}`)),
    );
    try {
      for (let item = await buffer.take(stop.signal); item !== undefined; item = await buffer.take(stop.signal)) yield item;
    } finally {
      stop.abort();
      signal.removeEventListener("abort", onAbort);
      await reading;
      this.drops.report();
    }
  }

  /** Connects and reconnects until aborted; resolves with the error that ends the run, if any. */
  private async read(buffer: TweetBuffer, signal: AbortSignal): Promise<XStreamError | undefined> {
    const schedule = new ReconnectSchedule(this.settings.policies);
    while (!signal.aborted) {
      const ending = await this.session(buffer, schedule, signal);
      if (ending.kind === "aborted") return undefined;
      if (ending.kind === "fatal") return new XStreamError(ending.message);
      const delayMs = schedule.next(ending.cause);
      this.noteReconnect({ cause: ending.cause, delayMs, detail: ending.detail });
      await sleep(delayMs, signal);
    }
    return undefined;
  }

  private noteReconnect(reconnect: XReconnect): void {
    this.counts.reconnects += 1;
    this.history.push(reconnect);
    if (this.history.length > RECONNECT_HISTORY) this.history.shift();
    this.logger.warn(`X stream: reconnect #${this.counts.reconnects} in ${reconnect.delayMs} ms after ${reconnect.cause}: ${reconnect.detail}`);
  }

  /** One connection, from its request to its end. */
  private async session(buffer: TweetBuffer, schedule: ReconnectSchedule, signal: AbortSignal): Promise<Ending> {
    let connection: Connection;
    try {
      connection = await this.connect(signal);
    } catch (error) {
      return signal.aborted ? { kind: "aborted" } : this.connectFailure(error);
    }
    this.counts.connections += 1;
    this.logger.info(`X stream: connected to ${redactUrl(this.api.baseUrl)}`);
    return this.drain(connection, buffer, schedule, signal);
  }

  private connectFailure(error: unknown): Ending {
    const failure = xFailure(error, this.api.bearerToken);
    if (failure.kind === "network") return { kind: "reconnect", cause: "network", detail: failure.detail };
    if (FATAL_STATUSES.has(failure.status)) {
      return { kind: "fatal", message: `the X API refused the filtered stream (${failure.detail}): check X_BEARER_TOKEN and the app's access level` };
    }
    return { kind: "reconnect", cause: failure.status === 429 ? "rate-limited" : "http", detail: failure.detail };
  }

  private async connect(signal: AbortSignal): Promise<Connection> {
    // An agent per connection: destroying it closes the socket even while the request waits for X's answer.
    const agent: XAgent = agentFor(this.api.baseUrl);
    const stream = xClient(this.api, agent).v2.searchStream({ ...STREAM_QUERY, autoConnect: false });
    const cut = (): void => {
      stream.destroy();
      agent.destroy();
    };
    try {
      await this.withinStallTimeout(stream.connect({ autoReconnect: false, keepAliveTimeout: this.settings.stallTimeoutMs }), signal);
    } catch (error) {
      cut();
      throw error;
    }
    decodeWholeCharacters(stream);
    return { stream, cut };
  }

  /** A connect that X does not answer counts as a network error after the stall timeout. */
  private withinStallTimeout<T>(connecting: Promise<T>, signal: AbortSignal): Promise<T> {
    connecting.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    let onAbort = (): void => undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.settings.stallTimeoutMs} ms`)), this.settings.stallTimeoutMs);
      onAbort = () => reject(new Error("aborted"));
      signal.addEventListener("abort", onAbort, { once: true });
    });
    return Promise.race([connecting, deadline]).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  }

  /** Reads one connection into the buffer until it ends; answers why it ended. */
  private drain(connection: Connection, buffer: TweetBuffer, schedule: ReconnectSchedule, signal: AbortSignal): Promise<Ending> {
    const { stream } = connection;
    return new Promise((resolve) => {
      const end = (ending: Ending): void => {
        signal.removeEventListener("abort", onAbort);
        connection.cut();
        resolve(ending);
      };
      const onAbort = (): void => end({ kind: "aborted" });
      signal.addEventListener("abort", onAbort, { once: true });
      stream.on(ETwitterStreamEvent.Data, (payload: unknown) => {
        schedule.held();
        this.accept(payload, buffer);
      });
      stream.on(ETwitterStreamEvent.DataError, (payload: unknown) => {
        schedule.held();
        const disconnect = this.disconnectIn(payload);
        if (disconnect !== undefined) end({ kind: "reconnect", cause: "operational-disconnect", detail: disconnect });
      });
      stream.on(ETwitterStreamEvent.DataKeepAlive, () => schedule.held());
      stream.on(ETwitterStreamEvent.TweetParseError, () => (this.counts.unusable += 1));
      stream.on(ETwitterStreamEvent.ConnectionLost, () =>
        end({ kind: "reconnect", cause: "stalled", detail: `no data and no keep-alive for ${this.settings.stallTimeoutMs} ms` }),
      );
      stream.on(ETwitterStreamEvent.ConnectionError, (error: unknown) =>
        end({ kind: "reconnect", cause: "dropped", detail: errorText(error) }),
      );
      stream.on(ETwitterStreamEvent.ConnectionClosed, () => end({ kind: "reconnect", cause: "dropped", detail: "connection closed" }));
    });
  }

  private accept(payload: unknown, buffer: TweetBuffer): void {
    const message = V2StreamMessage.safeParse(payload);
    const tweet = message.success ? v2StreamMessageToTweet(message.data) : undefined;
    if (tweet === undefined) {
      this.counts.unusable += 1;
      return;
    }
    this.counts.received += 1;
    if (!buffer.offer({ kind: "tweet", tweet })) this.drops.record();
  }

  /** The detail of an `operational-disconnect` message; other error messages are logged and the stream goes on. */
  private disconnectIn(payload: unknown): string | undefined {
    const message = ErrorMessage.safeParse(payload);
    const problems = message.success ? message.data.errors : [];
    const disconnect = problems.find((problem) => problem.title === "operational-disconnect" || (problem.type ?? "").endsWith("/operational-disconnect"));
    if (disconnect) return disconnect.detail ?? "operational-disconnect";
    this.counts.unusable += 1;
    this.logger.warn(`X stream: error message: ${problems.map((problem) => problem.detail ?? problem.title ?? "?").join("; ") || "unreadable"}`);
    return undefined;
  }
}

/** The options actually given: `{ bufferSize: undefined }` must not override a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * twitter-api-v2 decodes each chunk of the response on its own (`chunk.toString()`), which breaks a
 * character whose bytes a chunk boundary splits (common with emoji and CJK text). Setting the
 * response's encoding makes Node hand over whole characters; it is set before any data is read.
 */
function decodeWholeCharacters(stream: TweetStream): void {
  const response = (stream as unknown as { res?: Readable }).res;
  response?.setEncoding("utf8");
}
