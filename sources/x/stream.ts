import { ETwitterStreamEvent } from "twitter-api-v2";
import { z } from "zod";
import { redactUrl } from "../../config/environment";
import type { SourceItem } from "../../contracts/tweet";
import { errorText } from "../../core/error-text";
import type { Logger } from "../../core/logger";
import { sleep } from "../../core/sleep";
import { V2StreamMessage, v2StreamMessageToTweet } from "../payloads/v2";
import { assertSkip, type SourceHealth, type SourceOptions, type TweetSource } from "../source";
import { xFailure, XProblem, type XApiConfig } from "./api";
import { connectStream, type StreamConnection } from "./connection";
import { DropReport } from "./drop-report";
import { RecentIds } from "./recent-ids";
import { ReconnectSchedule, X_RECONNECT_POLICIES, type ReconnectCause, type ReconnectPolicies } from "./reconnect";
import { TweetBuffer } from "./tweet-buffer";

/**
 * The live source: the X API v2 filtered stream. One HTTP connection delivers the tweets that match
 * the app's rules (kept equal to the run's track by rules.ts); this source reconnects as X
 * documents (reconnect.ts), and hands tweets to the pull-based consumer through a bounded buffer
 * (tweet-buffer.ts): when the consumer falls that far behind, new tweets are dropped and counted.
 */

export type SourceLogger = Pick<Logger, "info" | "warn" | "debug">;

export interface XStreamOptions {
  api: XApiConfig;
  /** Tweets held between the HTTP reader and the consumer (X_STREAM_BUFFER); beyond, new tweets are dropped and counted. */
  bufferSize: number;
  logger?: SourceLogger;
  /** No data and no keep-alive for this long means the connection is dead; also bounds the wait for X to answer a connect. Tests shorten it. */
  stallTimeoutMs?: number;
  /** Tests shorten them; X's documented policies otherwise. */
  policies?: ReconnectPolicies;
  /** At most one warning about dropped tweets per this long. */
  dropReportIntervalMs?: number;
  /** X_BACKFILL_MINUTES: reconnects ask X for this many minutes again (`backfill_minutes`); 0: none. */
  backfillMinutes?: number;
}

/** X sends a keep-alive at least every 20 s. */
const STALL_TIMEOUT_MS = 20_000;

const DROP_REPORT_INTERVAL_MS = 10_000;

/** Posts a backfill sends twice are known for its minutes and this long more: X's clock and ours differ. */
const BACKFILL_MARGIN_MS = 60_000;

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
  /** Tweets a backfill sent again, delivered once. */
  duplicates: number;
}

/** Statuses that no retry can cure: the token is wrong or lacks access. */
const FATAL_STATUSES: ReadonlySet<number> = new Set([401, 403]);

/** Keep the last reconnects only: a stream may run for months. */
const RECONNECT_HISTORY = 100;

const ErrorMessage = z.looseObject({ errors: z.array(XProblem) });

type Ending =
  | { kind: "reconnect"; cause: ReconnectCause; detail: string }
  | { kind: "fatal"; message: string }
  | { kind: "aborted" };

/** What the connections of one `items()` share. */
interface Session {
  buffer: TweetBuffer;
  schedule: ReconnectSchedule;
  /** Ids delivered lately, when reconnects ask for a backfill. */
  recent: RecentIds | undefined;
  /** This connection is a reconnect: it asks for the backfill. */
  backfill: boolean;
}

export class XStreamError extends Error {
  override name = "XStreamError";
}

export class XStreamSource implements TweetSource {
  readonly name = "x";
  private readonly api: XApiConfig;
  private readonly bufferSize: number;
  private readonly logger: SourceLogger;
  private readonly stallTimeoutMs: number;
  private readonly policies: ReconnectPolicies;
  private readonly dropReportIntervalMs: number;
  private readonly backfillMinutes: number;
  private readonly counts: Omit<XStreamStats, "dropped"> = {
    connections: 0,
    reconnects: 0,
    received: 0,
    unusable: 0,
    duplicates: 0,
  };
  private drops: DropReport;
  private readonly history: XReconnect[] = [];

  constructor(options: XStreamOptions) {
    this.api = options.api;
    this.bufferSize = options.bufferSize;
    this.logger = options.logger ?? console;
    this.stallTimeoutMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
    this.policies = options.policies ?? X_RECONNECT_POLICIES;
    this.dropReportIntervalMs = options.dropReportIntervalMs ?? DROP_REPORT_INTERVAL_MS;
    this.backfillMinutes = options.backfillMinutes ?? 0;
    this.drops = this.newDropReport();
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
    const buffer = new TweetBuffer(this.bufferSize);
    this.drops = this.newDropReport();
    const reading = this.read(buffer, stop.signal).then(
      (error) => buffer.close(error),
      (error: unknown) => buffer.close(new XStreamError(`X stream failed: ${errorText(error)}`)),
    );
    try {
      for (let item = await buffer.take(stop.signal); item !== undefined; item = await buffer.take(stop.signal))
        yield item;
    } finally {
      stop.abort();
      signal.removeEventListener("abort", onAbort);
      await reading;
      this.drops.report();
    }
  }

  private newDropReport(): DropReport {
    return new DropReport(this.dropReportIntervalMs, this.bufferSize, this.logger);
  }

  /**
   * Connects and reconnects until aborted; resolves with the error that ends the run, if any. Every
   * reconnect asks for the backfill, and the posts it sends again are delivered once.
   */
  private async read(buffer: TweetBuffer, signal: AbortSignal): Promise<XStreamError | undefined> {
    const schedule = new ReconnectSchedule(this.policies);
    const recent =
      this.backfillMinutes > 0 ? new RecentIds(this.backfillMinutes * 60_000 + BACKFILL_MARGIN_MS) : undefined;
    for (let reconnect = false; !signal.aborted; reconnect = true) {
      const ending = await this.session({ buffer, schedule, recent, backfill: reconnect }, signal);
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
    this.logger.warn(
      `X stream: reconnect #${this.counts.reconnects} in ${reconnect.delayMs} ms after ${reconnect.cause}: ${reconnect.detail}`,
    );
  }

  /** One connection, from its request to its end. */
  private async session(session: Session, signal: AbortSignal): Promise<Ending> {
    const backfillMinutes = session.backfill ? this.backfillMinutes : 0;
    let connection: StreamConnection;
    try {
      connection = await connectStream(this.api, this.stallTimeoutMs, signal, backfillMinutes);
    } catch (error) {
      return signal.aborted ? { kind: "aborted" } : this.connectFailure(error);
    }
    this.counts.connections += 1;
    const backfill = backfillMinutes > 0 ? `, with backfill_minutes=${backfillMinutes}` : "";
    this.logger.info(`X stream: connected to ${redactUrl(this.api.baseUrl)}${backfill}`);
    return this.drain(connection, session, signal);
  }

  private connectFailure(error: unknown): Ending {
    const failure = xFailure(error, this.api.bearerToken);
    if (failure.kind === "network") return { kind: "reconnect", cause: "network", detail: failure.detail };
    if (FATAL_STATUSES.has(failure.status)) {
      return {
        kind: "fatal",
        message: `the X API refused the filtered stream (${failure.detail}): check X_BEARER_TOKEN and the app's access level`,
      };
    }
    return { kind: "reconnect", cause: failure.status === 429 ? "rate-limited" : "http", detail: failure.detail };
  }

  /** Reads one connection into the buffer until it ends; answers why it ended. */
  private drain(connection: StreamConnection, session: Session, signal: AbortSignal): Promise<Ending> {
    const { stream } = connection;
    const { schedule } = session;
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
        this.accept(payload, session);
      });
      stream.on(ETwitterStreamEvent.DataError, (payload: unknown) => {
        schedule.held();
        const disconnect = this.disconnectIn(payload);
        if (disconnect !== undefined) end({ kind: "reconnect", cause: "operational-disconnect", detail: disconnect });
      });
      stream.on(ETwitterStreamEvent.DataKeepAlive, () => schedule.held());
      stream.on(ETwitterStreamEvent.TweetParseError, () => (this.counts.unusable += 1));
      stream.on(ETwitterStreamEvent.ConnectionLost, () =>
        end({ kind: "reconnect", cause: "stalled", detail: `no data and no keep-alive for ${this.stallTimeoutMs} ms` }),
      );
      stream.on(ETwitterStreamEvent.ConnectionError, (error: unknown) =>
        end({ kind: "reconnect", cause: "dropped", detail: errorText(error) }),
      );
      stream.on(ETwitterStreamEvent.ConnectionClosed, () =>
        end({ kind: "reconnect", cause: "dropped", detail: "connection closed" }),
      );
    });
  }

  private accept(payload: unknown, { buffer, recent }: Session): void {
    const message = V2StreamMessage.safeParse(payload);
    const tweet = message.success ? v2StreamMessageToTweet(message.data) : undefined;
    if (tweet === undefined) {
      this.counts.unusable += 1;
      return;
    }
    this.counts.received += 1;
    if (recent?.repeated(tweet.id)) {
      this.counts.duplicates += 1;
      return;
    }
    if (!buffer.offer({ kind: "tweet", tweet })) this.drops.record();
  }

  /** The detail of an `operational-disconnect` message; other error messages are logged and the stream goes on. */
  private disconnectIn(payload: unknown): string | undefined {
    const message = ErrorMessage.safeParse(payload);
    const problems = message.success ? message.data.errors : [];
    const disconnect = problems.find(
      (problem) =>
        problem.title === "operational-disconnect" || (problem.type ?? "").endsWith("/operational-disconnect"),
    );
    if (disconnect) return disconnect.detail ?? "operational-disconnect";
    this.counts.unusable += 1;
    this.logger.warn(
      `X stream: error message: ${problems.map((problem) => problem.detail ?? problem.title ?? "?").join("; ") || "unreadable"}`,
    );
    return undefined;
  }
}
