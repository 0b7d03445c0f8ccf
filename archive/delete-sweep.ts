import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";

/** How often a worker sweeps, and how far back: a sweep missed (PostgreSQL away) is covered by the next. */
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BACK_SECONDS = 300;

export interface DeleteSweepPorts {
  archive: { tombstoneRecentDeletes(seconds: number): Promise<number> };
  logger: Pick<Logger, "debug">;
}

/**
 * Every minute, the rows of the last minutes' deleted tweets that still hold content lose it. A batch
 * committed while another worker recorded the delete of one of its tweets saw neither the notice nor
 * was seen by it; X's terms want the text gone all the same. Usually there is nothing to sweep.
 */
export class DeleteSweep {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ports: DeleteSweepPorts) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Answers the rows emptied; a failure is left to the next sweep, which looks back far enough. */
  async sweep(): Promise<number> {
    try {
      const emptied = await this.ports.archive.tombstoneRecentDeletes(SWEEP_BACK_SECONDS);
      if (emptied > 0) this.ports.logger.debug(`Archive: ${emptied} row(s) of deleted tweets emptied by the sweep`);
      return emptied;
    } catch (error) {
      this.ports.logger.debug(`Archive delete sweep failed, left to the next: ${errorText(error)}`);
      return 0;
    }
  }
}
