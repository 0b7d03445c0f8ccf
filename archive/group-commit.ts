import type { MatchBatch } from "../contracts/messages";
import { isDatabaseOutage } from "./database";

type ArchivedBatch = Pick<MatchBatch, "run_id" | "sent_at" | "matches" | "edits" | "deletes">;

export interface GroupCommitOptions {
  /** Batches written together at most. */
  maxBatches: number;
  /** Writes in flight at once; the next group gathers meanwhile. */
  concurrency: number;
}

interface Waiting {
  batch: ArchivedBatch;
  written: () => void;
  failed: (error: unknown) => void;
}

/**
 * Group commit: the batches a worker holds while a write is in flight go to PostgreSQL together in the
 * next one, so that a busy archive pays one statement and one commit for many batches (a quiet one
 * writes each batch as it comes). Each batch's promise resolves once the write holding it committed,
 * and only then is its message acked. A group that fails for anything but an outage is written again
 * batch by batch: a batch PostgreSQL refuses fails alone, never dead-lettering the batches beside it.
 */
export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly store: { archiveAll(batches: readonly ArchivedBatch[]): Promise<number> },
    private readonly options: GroupCommitOptions,
  ) {}

  write(batch: ArchivedBatch): Promise<void> {
    return new Promise((written, failed) => {
      this.waiting.push({ batch, written, failed });
      this.next();
    });
  }

  private next(): void {
    if (this.inFlight >= this.options.concurrency || this.waiting.length === 0) return;
    const group = this.waiting.splice(0, this.options.maxBatches);
    this.inFlight++;
    void this.writeGroup(group).finally(() => {
      this.inFlight--;
      this.next();
    });
  }

  private async writeGroup(group: readonly Waiting[]): Promise<void> {
    try {
      await this.store.archiveAll(group.map((waiting) => waiting.batch));
      for (const waiting of group) waiting.written();
    } catch (error) {
      if (group.length === 1 || isDatabaseOutage(error)) {
        for (const waiting of group) waiting.failed(error);
        return;
      }
      for (const waiting of group) await this.store.archiveAll([waiting.batch]).then(waiting.written, waiting.failed);
    }
  }
}
