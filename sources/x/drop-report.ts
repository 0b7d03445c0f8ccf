import type { Logger } from "../../core/logger";

/**
 * Tweets the X source dropped while the pipeline was behind (its buffer was full): counted, and
 * said at most once per interval, and once more at the end, so that no drop goes unreported.
 */
export class DropReport {
  dropped = 0;
  private unreported = 0;
  private lastReport = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly capacity: number,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  record(): void {
    this.dropped += 1;
    this.unreported += 1;
    const wait = this.lastReport + this.intervalMs - Date.now();
    if (wait <= 0) this.report();
    else this.timer ??= setTimeout(() => this.report(), wait).unref();
  }

  /** Says what was dropped since the last report, if anything; the source calls it when it ends. */
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
