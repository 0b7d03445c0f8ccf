import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";
import { dayOf } from "./partitions";

/** How often a worker drops the days past retention; every archive worker does, and a day goes once. */
const RETENTION_CHECK_MS = 3_600_000;

export interface RetentionPorts {
  archive: {
    dropDaysBefore(keepFrom: string): Promise<string[]>;
    forgetDeletesBefore(keepFrom: string): Promise<number>;
  };
  logger: Pick<Logger, "info" | "warn">;
  now(): number;
}

/**
 * The first day retention keeps: a day's partition goes once all of it is older than `days` days.
 * Null for 0 days, which keeps every day.
 */
export function firstKeptDay(nowMs: number, days: number): string | null {
  return days === 0 ? null : dayOf(Math.floor(nowMs / 1000) - days * 86_400);
}

/** How long the archive keeps a tweet, in seconds; for 0 days (every day kept), ten years. */
export function archivedSeconds(days: number): number {
  return (days === 0 ? 3650 : days) * 86_400;
}

/**
 * Drops the partitions past ARCHIVE_RETENTION_DAYS, and the delete notices of their days, once now and then
 * every hour.
 */
export class Retention {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ports: RetentionPorts,
    private readonly days: number,
  ) {}

  start(): void {
    if (this.days === 0) return;
    void this.apply();
    this.timer = setInterval(() => void this.apply(), RETENTION_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Drops what is past retention now; answers the days dropped. A failure is logged and left to the next hour. */
  async apply(): Promise<string[]> {
    const keepFrom = firstKeptDay(this.ports.now(), this.days);
    if (keepFrom === null) return [];
    try {
      const dropped = await this.ports.archive.dropDaysBefore(keepFrom);
      if (dropped.length > 0)
        this.ports.logger.info(
          `Archive retention (${this.days} days): dropped the tweets of ${dropped.length} day(s), ${dropped[0]} to ${dropped.at(-1)}`,
        );
      const forgotten = await this.ports.archive.forgetDeletesBefore(keepFrom);
      if (forgotten > 0)
        this.ports.logger.info(
          `Archive retention (${this.days} days): forgot ${forgotten} delete notice(s) recorded before ${keepFrom}`,
        );
      return dropped;
    } catch (error) {
      this.ports.logger.warn(
        `Archive retention could not drop old days now: ${errorText(error)}; tried again in an hour`,
      );
      return [];
    }
  }
}
