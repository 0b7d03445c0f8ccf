import { Errors } from "moleculer";
import type { Run } from "../contracts/run";
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

/** The runs a read of one run's figures looks in. */
export interface RunLookup {
  current(): Promise<Run | null>;
  get(runId: string): Promise<Run | null>;
}

/** The run a read asks for (`run_id`), else the current or last one; null before any run, 404 for an unknown `run_id`. */
export async function runAsked(runs: RunLookup, runId: string | undefined): Promise<Run | null> {
  if (runId === undefined) return runs.current();
  const run = await runs.get(runId);
  if (!run) throw runNotFound(runId);
  return run;
}
