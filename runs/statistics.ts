import type { RunHistory, RunStatistics } from "../contracts/actions";
import type { RunStore } from "../store/run-store";
import type { SeriesStore } from "../store/series-store";
import { recentSecondsFields } from "./series";
import { historyTotals, runStatistics } from "./figures";

/** What the statistics reads need of the run store. */
export type RunFigures = Pick<
  RunStore,
  | "current"
  | "phraseCounts"
  | "phraseCountsOf"
  | "ruleCounts"
  | "ruleCountsOf"
  | "streaming"
  | "page"
  | "endedRunTotals"
>;

/** What `/statistics` reads: the runs, and the ingest series for `speed_now`. */
export interface CurrentFigurePorts {
  runs: RunFigures;
  series: Pick<SeriesStore, "counts">;
}

/** `speed_now` is the mean of this many complete seconds. */
export const SPEED_NOW_SECONDS = 10;

/**
 * `/statistics`: the current run, or the last one; zeros before any run. `stateLostAt` is when Redis
 * was found to have lost the mesh's state (store/epoch.ts): the answer says so rather than show zeros
 * as if nothing had happened.
 */
export async function currentStatistics(
  { runs, series }: CurrentFigurePorts,
  now = Date.now(),
  stateLostAt: number | null = null,
): Promise<RunStatistics> {
  const state_lost_at = stateLostAt === null ? null : new Date(stateLostAt).toISOString();
  const run = await runs.current();
  if (!run) return { ...runStatistics(null, {}, now), state_lost_at };
  const [perPhrase, perRule, streaming, recent] = await Promise.all([
    runs.phraseCounts(run.id),
    run.rules.length > 0 ? runs.ruleCounts(run.id) : {},
    runs.streaming(),
    series.counts(run.id, "ingest", recentSecondsFields(now, SPEED_NOW_SECONDS)),
  ]);
  const speed_now = recent.reduce((sum, count) => sum + count, 0) / SPEED_NOW_SECONDS;
  return { ...runStatistics(run, perPhrase, now, streaming, perRule), state_lost_at, speed_now };
}

/**
 * `/statistics/runs`: a page of runs, newest first, each with its figures as `/statistics` gives
 * them (its phrase counts, and whether it streams, for the current one), and totals across every run:
 * the running sums of the ended runs, and the current run's figures while it runs.
 */
export async function runHistory(
  runs: RunFigures,
  params: { limit: number; cursor?: string | undefined },
  now = Date.now(),
): Promise<RunHistory> {
  const [page, current, streaming] = await Promise.all([
    runs.page(params.limit, params.cursor),
    runs.current(),
    runs.streaming(),
  ]);
  const open = current && current.ended_at === null ? current : null;
  const ids = page.runs.map((run) => run.id);
  const [perPhrase, perRule, ended] = await Promise.all([
    runs.phraseCountsOf(ids),
    runs.ruleCountsOf(ids),
    runs.endedRunTotals(open ? 1 : 0),
  ]);
  return {
    runs: page.runs.map((run, index) =>
      runStatistics(run, perPhrase[index] ?? {}, now, run.id === current?.id && streaming, perRule[index] ?? {}),
    ),
    next_cursor: page.nextCursor,
    totals: historyTotals(ended, open && runStatistics(open, {}, now)),
  };
}
