import type { RunHistory, RunStatistics } from "../contracts/actions";
import type { Run } from "../contracts/run";
import type { EndedRunTotals } from "../store/run-store";

/** Whole seconds since launch, frozen when the run ended. */
export function elapsedSeconds(run: Pick<Run, "started_at" | "ended_at">, now: number): number {
  const end = run.ended_at ?? now;
  return Math.max(0, Math.floor((end - run.started_at) / 1000));
}

/** Matched tweets per second; 0 while no whole second has passed. */
export function speed(amount: number, elapsed: number): number {
  return elapsed > 0 ? amount / elapsed : 0;
}

const NO_RUN: RunStatistics = {
  amount: 0,
  speed: 0,
  elapsed_time: 0,
  run_id: null,
  track: [],
  running: false,
  streaming: false,
  examined: 0,
  published: 0,
  edits: 0,
  per_phrase: {},
  rules: [],
  per_rule: {},
  started_at: null,
  ended_at: null,
  end_reason: null,
  end_detail: null,
  source: null,
  reconnects: 0,
  dropped: 0,
  state_lost_at: null,
  speed_now: 0,
  peak_speed: 0,
  peak_at: null,
  duration: null,
};

/** The figures `/statistics` answers for a run; zeros before any run. */
export function runStatistics(
  run: Run | null,
  perPhrase: Record<string, number>,
  now: number,
  streaming = false,
  perRule: Record<string, number> = {},
): RunStatistics {
  if (!run) return { ...NO_RUN, per_phrase: {}, per_rule: {} };
  const elapsed = elapsedSeconds(run, now);
  return {
    amount: run.amount,
    speed: speed(run.amount, elapsed),
    elapsed_time: elapsed,
    run_id: run.id,
    track: run.track,
    running: run.ended_at === null,
    streaming,
    examined: run.examined,
    published: run.published,
    edits: run.edits,
    per_phrase: perPhrase,
    rules: run.rules,
    per_rule: perRule,
    started_at: new Date(run.started_at).toISOString(),
    ended_at: run.ended_at === null ? null : new Date(run.ended_at).toISOString(),
    end_reason: run.end_reason,
    end_detail: run.end_detail,
    source: run.source,
    reconnects: run.reconnects,
    dropped: run.dropped,
    state_lost_at: null,
    speed_now: 0,
    peak_speed: run.peak_speed,
    peak_at: run.peak_at === null ? null : new Date(run.peak_at * 1000).toISOString(),
    duration: run.duration,
  };
}

/**
 * Totals across runs, the "statistics across multiple runs" of the original: the sums of the ended
 * runs, and the run still running, if any.
 */
export function historyTotals(ended: EndedRunTotals, running: RunStatistics | null): RunHistory["totals"] {
  const amount = ended.amount + (running?.amount ?? 0);
  const elapsed = ended.elapsed + (running?.elapsed_time ?? 0);
  return {
    runs: ended.runs + (running ? 1 : 0),
    amount,
    examined: ended.examined + (running?.examined ?? 0),
    elapsed_time: elapsed,
    speed: speed(amount, elapsed),
  };
}
