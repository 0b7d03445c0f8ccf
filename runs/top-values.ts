import type { Run } from "../contracts/run";
import type { TopParams, TopValues } from "../contracts/top-values";
import type { TopValuesStore } from "../store/top-values-store";
import { runNotFound } from "./unknown-run";

/** What reading top values needs: the run, and the store of its counts. */
export interface TopValuesReadPorts {
  runs: { current(): Promise<Run | null>; get(runId: string): Promise<Run | null> };
  top: Pick<TopValuesStore, "top">;
}

/** `statistics.top`: a run's most counted values of one field, over the run or a recent window. */
export async function readTopValues(
  ports: TopValuesReadPorts,
  params: TopParams,
  now = Date.now(),
): Promise<TopValues> {
  const run = params.run_id === undefined ? await ports.runs.current() : await ports.runs.get(params.run_id);
  if (!run && params.run_id !== undefined) throw runNotFound(params.run_id);
  const answer = { run_id: run?.id ?? null, field: params.field, window: params.window };
  if (!run) return { ...answer, items: [], approximate: false };
  return {
    ...answer,
    ...(await ports.top.top(run.id, params.field, params.window, params.limit, Math.floor(now / 1000))),
  };
}
