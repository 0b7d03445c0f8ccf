import type { RunHistory, RunStatistics } from "../contracts/actions";
import type { RunStore } from "../store/run-store";
import { historyTotals, runStatistics } from "./figures";

/** What the statistics reads need of the run store. */
export type RunFigures = Pick<RunStore, "current" | "phraseCounts" | "streaming" | "list" | "count">;

/**
 * `/statistics`: the current run, or the last one; zeros before any run. `stateLostAt` is when Redis
 * was found to have lost the mesh's state (store/epoch.ts): the answer says so rather than show zeros
 * as if nothing had happened.
 */
export async function currentStatistics(
  runs: RunFigures,
  now = Date.now(),
  stateLostAt: number | null = null,
): Promise<RunStatistics> {
  const state_lost_at = stateLostAt === null ? null : new Date(stateLostAt).toISOString();
  const run = await runs.current();
  if (!run) return { ...runStatistics(null, {}, now), state_lost_at };
  const [perPhrase, streaming] = await Promise.all([runs.phraseCounts(run.id), runs.streaming()]);
  return { ...runStatistics(run, perPhrase, now, streaming), state_lost_at };
}

/** `/statistics/runs`: the newest `limit` runs, and totals across every run. */
export async function runHistory(runs: RunFigures, limit: number, now = Date.now()): Promise<RunHistory> {
  const all = (await runs.list(await runs.count())).map((run) => runStatistics(run, {}, now));
  return { runs: all.slice(0, limit), totals: historyTotals(all) };
}
