import { Errors } from "moleculer";
import type { Logger } from "../core/logger";

/**
 * A batch whose run is not in Redis: it is acked and dropped, since no delivery could ever count it.
 * Each stage of the pipeline says so in the same words.
 */
export function dropBatchOfUnknownRun(logger: Pick<Logger, "warn">, batch: { batch_id: string }): void {
  logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
}

/** 404 for a read of a run that is not kept: never launched, or Redis lost it. */
export function runNotFound(runId: string): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    `run ${runId} is not known: never launched, or no longer kept`,
    404,
    "RUN_NOT_FOUND",
    {
      field: "run_id",
      run_id: runId,
    },
  );
}
