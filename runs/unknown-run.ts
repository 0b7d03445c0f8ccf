import type { Logger } from "../core/logger";

/**
 * A batch whose run is not in Redis: it is acked and dropped, since no delivery could ever count it.
 * Each stage of the pipeline says so in the same words.
 */
export function dropBatchOfUnknownRun(logger: Pick<Logger, "warn">, batch: { batch_id: string }): void {
  logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
}
