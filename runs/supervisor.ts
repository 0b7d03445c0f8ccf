import type { EndReason, Run } from "../contracts/run";
import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";
import { sleep } from "../core/sleep";
import type { SourceHealth, TweetSource } from "../sources/source";
import type { RunStore } from "../store/run-store";
import { elapsedSeconds } from "./figures";
import { DeliveryFailed, RunGone, streamRun, type StreamEnd, type StreamOptions, type StreamSinks } from "./stream";

export interface SupervisorOptions extends Omit<StreamOptions, "signal"> {
  /** This worker's id, as the lease records it. */
  holder: string;
  /** A holder that stops renewing loses the lease after this long; another worker takes the run over. */
  leaseTtlMs: number;
  /** How often a worker checks the current run and renews or tries the lease. */
  checkIntervalMs: number;
  /** How long stopping waits for the stream to send what it pulled (a full queue may never take it). */
  stopGraceMs: number;
  /** ORPHAN_TIMEOUT: a run nobody streamed for longer ends as `orphaned` instead of resuming. */
  orphanTimeoutMs: number;
}

/** What the supervisor needs of the run store. */
export type StreamLedger = Pick<
  RunStore,
  "current" | "end" | "holdStreamLease" | "releaseStreamLease" | "recordSourceHealth" | "recordStreaming"
>;

interface ActiveStream {
  runId: string;
  source: TweetSource;
  /** The source's health as last added to the run: reports add the difference. */
  reported: SourceHealth;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Makes exactly one launcher worker stream the current run. Every worker checks the run in Redis
 * on a timer (and at once when told of a launch or a stop); the one that holds the stream lease
 * streams and renews it, the others stand by and take the lease over when it expires.
 */
export class StreamSupervisor {
  private active: ActiveStream | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The last failed check's error, while checks fail. */
  private lastCheckFailure: string | null = null;

  constructor(
    private readonly runs: StreamLedger,
    private readonly openSource: (run: Run) => TweetSource,
    private readonly sinksFor: (run: Run) => StreamSinks,
    private readonly options: SupervisorOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    // A check never rejects: its failure is logged inside `check`.
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    void this.check();
  }

  /** Checks now, after any check already under way. */
  check(): Promise<void> {
    this.checking = this.checking
      .then(() => this.reconcile())
      .then(
        () => this.noteCheck(null),
        (error: unknown) => this.noteCheck(error),
      );
    return this.checking;
  }

  /** Logs a failed check once while it fails the same way (every second during an outage would flood the log), and its recovery. */
  private noteCheck(error: unknown): void {
    const failure = error === null ? null : errorText(error);
    if (failure !== null && failure !== this.lastCheckFailure)
      this.logger.warn(`Stream check failed: ${failure}; checking again every ${this.options.checkIntervalMs} ms`);
    if (failure === null && this.lastCheckFailure !== null) this.logger.info("Stream checks succeed again");
    this.lastCheckFailure = failure;
  }

  /**
   * Stops streaming and gives the lease up for another worker. What the stream pulled is sent if the
   * broker takes it within the grace time; what it does not confirm is not lost: the run's position
   * only moves past confirmed batches, so the next holder reads those items again.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await this.halt(undefined, this.options.stopGraceMs);
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const run = await this.runs.current();
    if (this.active && !run) {
      this.logger.error(
        `Run ${this.active.runId}: streaming stopped, the current run is no longer in Redis: Redis lost this mesh's state (restarted without persistence, or flushed?)`,
      );
    }
    if (this.active && this.active.runId !== run?.id) await this.halt();
    if (!run || run.ended_at !== null) return this.halt();
    if (await this.endIfOverDuration(run)) return this.halt();
    const holding = await this.runs.holdStreamLease(this.options.holder, this.options.leaseTtlMs);
    if (!holding) return this.active ? this.halt("lease lost to another worker") : undefined;
    if (!this.active) {
      if (await this.endIfOrphaned(run)) return;
      this.begin(run);
    } else {
      await this.runs.recordStreaming(run.id);
      await this.reportHealth(this.active);
    }
  }

  /** Adds what a live source went through since the last report to its run's figures. */
  private async reportHealth(active: ActiveStream): Promise<void> {
    const health = active.source.health?.();
    if (!health) return;
    const since = {
      reconnects: health.reconnects - active.reported.reconnects,
      dropped: health.dropped - active.reported.dropped,
    };
    active.reported = health;
    await this.runs.recordSourceHealth(active.runId, since);
  }

  /**
   * A run nobody streamed for longer than ORPHAN_TIMEOUT (every launcher down, a one-process mesh
   * stopped) ends as `orphaned` when it was last streamed, rather than resume with the downtime
   * counted as streaming time in its elapsed time and speed.
   */
  private async endIfOrphaned(run: Run): Promise<boolean> {
    const lastStreamed = run.streamed_at ?? run.started_at;
    const idleMs = Date.now() - lastStreamed;
    if (idleMs <= this.options.orphanTimeoutMs) return false;
    const ended = await this.runs.end(
      run.id,
      "orphaned",
      lastStreamed,
      `no launcher streamed it for ${Math.round(idleMs / 1000)} s (ORPHAN_TIMEOUT is ${this.options.orphanTimeoutMs / 1000} s)`,
    );
    if (ended)
      this.logger.warn(
        `Run ${run.id} ended: orphaned, no launcher streamed it for ${Math.round(idleMs / 1000)} s; launch it again to go on`,
      );
    return true;
  }

  private async endIfOverDuration(run: Run): Promise<boolean> {
    if (run.duration === null || elapsedSeconds(run, Date.now()) < run.duration) return false;
    await this.runs.end(run.id, "duration", run.started_at + run.duration * 1000);
    return true;
  }

  private begin(run: Run): void {
    const abort = new AbortController();
    this.logger.info(
      `Streaming run ${run.id} from ${run.source}${run.position > 0 ? `, resuming at item ${run.position}` : ""}`,
    );
    const source = this.openSource(run);
    const done = this.stream(run, source, abort.signal).finally(async () => {
      const finished = this.active;
      if (finished?.done !== done) return;
      await this.reportHealth(finished).catch(() => undefined);
      this.active = null;
      await this.runs.releaseStreamLease(this.options.holder).catch(() => undefined);
    });
    this.active = { runId: run.id, source, reported: { reconnects: 0, dropped: 0 }, abort, done };
  }

  /**
   * Streams a run until it ends, is stopped, or its delivery fails; never rejects. Only the source's
   * own failure ends the run: a broker or Redis outage pauses it, and the next check resumes it from
   * its last confirmed position (on this worker or another).
   */
  private async stream(run: Run, source: TweetSource, signal: AbortSignal): Promise<void> {
    let end: StreamEnd;
    try {
      end = await streamRun(run, source, this.sinksFor(run), { ...this.options, signal });
    } catch (error) {
      if (signal.aborted) {
        this.logger.warn(
          `Run ${run.id}: streaming stopped before the broker confirmed the last batch; the next holder resends it (${errorText(error)})`,
        );
      } else if (error instanceof RunGone) {
        this.logger.error(
          `Run ${run.id}: streaming stopped, ${error.message}: Redis lost this mesh's state (restarted without persistence, or flushed?)`,
        );
      } else if (error instanceof DeliveryFailed) {
        this.logger.warn(
          `Run ${run.id}: streaming paused, ${error.message}; it resumes from its last confirmed item at a next check`,
        );
      } else {
        this.logger.error(`Run ${run.id}: source failed: ${errorText(error)}`);
        await this.endRun(run.id, "source_failed", errorText(error));
      }
      return;
    }
    if (end === "exhausted" && (await this.endRun(run.id, "source_exhausted")))
      this.logger.info(`Run ${run.id}: source exhausted`);
  }

  /** Ends a run; when Redis cannot record it, says so and leaves it to a next check, which streams the run again. */
  private async endRun(runId: string, reason: EndReason, detail = ""): Promise<boolean> {
    try {
      return await this.runs.end(runId, reason, Date.now(), detail);
    } catch (error) {
      this.logger.warn(
        `Run ${runId}: its end (${reason}) could not be recorded: ${errorText(error)}; a next check tries again`,
      );
      return false;
    }
  }

  private async halt(why?: string, graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    const active = this.active;
    if (!active) return;
    if (why) this.logger.warn(`Run ${active.runId}: streaming stopped: ${why}`);
    active.abort.abort();
    await (Number.isFinite(graceMs) ? Promise.race([active.done, sleep(graceMs)]) : active.done);
    this.active = null;
    await this.runs.releaseStreamLease(this.options.holder).catch(() => undefined);
  }
}
