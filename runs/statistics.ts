import type { RunHistory, RunStatistics } from "../contracts/actions";
import type { RunStore } from "../store/run-store";

/** What the statistics reads need of the run store. */
export type RunFigures = Pick<RunStore, "current" | "phraseCounts" | "streaming" | "list" | "count">;
import { historyTotals, runStatistics } from "./figures";

/** `/statistics`: the current run, or the last one; zeros before any run. */
export async function currentStatistics(runs: RunFigures, now = Date.now()): Promise<RunStatistics> {
  const run = await runs.current();
  if (!run) return runStatistics(null, {}, now);
  const [perPhrase, streaming] = await Promise.all([runs.phraseCounts(run.id), runs.streaming()]);
  return runStatistics(run, perPhrase, now, streaming);
}

/** `/statistics/runs`: the newest `limit` runs, and totals across every run. */
export async function runHistory(runs: RunFigures, limit: number, now = Date.now()): Promise<RunHistory> {
  const all = (await runs.list(await runs.count())).map((run) => runStatistics(run, {}, now));
  return { runs: all.slice(0, limit), totals: historyTotals(all) };
}
