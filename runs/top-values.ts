import type { TopParams, TopValues } from "../contracts/top-values";
import type { TopValuesStore } from "../store/top-values-store";
import { runAsked, type RunLookup } from "./unknown-run";

/** What reading top values needs: the run, and the store of its counts. */
export interface TopValuesReadPorts {
  runs: RunLookup;
  top: Pick<TopValuesStore, "top">;
}

/** `statistics.top`: a run's most counted values of one field, over the run or a recent window. */
export async function readTopValues(
  ports: TopValuesReadPorts,
  params: TopParams,
  now = Date.now(),
): Promise<TopValues> {
  const run = await runAsked(ports.runs, params.run_id);
  const answer = { run_id: run?.id ?? null, field: params.field, window: params.window };
  if (!run) return { ...answer, items: [], approximate: false };
  return {
    ...answer,
    ...(await ports.top.top(run.id, params.field, params.window, params.limit, Math.floor(now / 1000))),
  };
}
