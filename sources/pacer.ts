import { performance } from "node:perf_hooks";
import { sleepUnlessAborted } from "../core/sleep";
import { assertRate } from "./source";

/** Sleeps `ms`, resolving true when the time is up and false (at once) when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<boolean>;

export interface PacerOptions {
  /** A monotonic clock in ms; wall-clock jumps must not speed up or stall the pace. */
  now?: () => number;
  sleep?: Sleep;
  /**
   * The shortest sleep. At high rates the items due within it are released together after one
   * timer, so 5,000 items/s cost about 100 timers/s instead of 5,000.
   */
  minSleepMs?: number;
  /**
   * How far the pace may fall behind its schedule (a slow consumer, a paused process) before the
   * schedule restarts from now: the source then resumes its steady rate instead of bursting to
   * catch up on everything it missed.
   */
  maxLagMs?: number;
}

/** Longer waits (very low rates) sleep in steps: a timer beyond 2^31 - 1 ms would fire at once. */
const MAX_SLEEP_MS = 60_000;

/** A timer that fires up to this early (ms-granular timers) still counts as on time. */
const EARLY_WAKE_TOLERANCE_MS = 1;

/**
 * Paces items at a steady rate. Item n is due at start + n / rate: the schedule is computed from
 * the start time rather than by sleeping 1 / rate per item, so timer lateness does not add up into
 * drift. Rate 0 or Infinity releases every item at once.
 */
export class Pacer {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly minSleepMs: number;
  private readonly maxLagMs: number;
  private start: number | undefined;
  private released = 0;

  constructor(
    readonly rate: number,
    options: PacerOptions = {},
  ) {
    assertRate(rate, "rate");
    this.intervalMs = rate === 0 || rate === Infinity ? 0 : 1000 / rate;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? sleepUnlessAborted;
    this.minSleepMs = options.minSleepMs ?? 10;
    this.maxLagMs = options.maxLagMs ?? 1000;
  }

  /**
   * Waits for the next item's turn: true when it is due, false when `signal` aborted first. Answers
   * synchronously when no wait is needed, so that unpaced sources spend no promise per item:
   * `const turn = pacer.wait(signal); if (turn !== true && !(await turn)) return;`
   */
  wait(signal: AbortSignal): boolean | Promise<boolean> {
    if (signal.aborted) return false;
    if (this.intervalMs === 0) return true;
    const now = this.now();
    const due = this.nextDue(now);
    return due - now > EARLY_WAKE_TOLERANCE_MS ? this.sleepUntil(due, now, signal) : true;
  }

  private async sleepUntil(due: number, now: number, signal: AbortSignal): Promise<boolean> {
    for (let time = now; due - time > EARLY_WAKE_TOLERANCE_MS; time = this.now()) {
      if (!(await this.sleep(Math.min(Math.max(due - time, this.minSleepMs), MAX_SLEEP_MS), signal))) return false;
    }
    return !signal.aborted;
  }

  /** Books the next item's slot and returns its due time. */
  private nextDue(now: number): number {
    if (this.start === undefined || now - (this.start + this.released * this.intervalMs) > this.maxLagMs) {
      this.start = now - this.released * this.intervalMs;
    }
    const due = this.start + this.released * this.intervalMs;
    this.released += 1;
    return due;
  }
}
