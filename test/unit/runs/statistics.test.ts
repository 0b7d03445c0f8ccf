import { Run } from "../../../contracts/run";
import { currentStatistics, runHistory, type RunFigures } from "../../../runs/statistics";
import { seriesField } from "../../../store/keys";

const run = (id: string, fields: Partial<Run>): Run =>
  Run.parse({ id, track: ["bieber"], source: "generator", started_at: 0, ...fields });

/** The run store's reads over a list of runs, newest first. */
function figures(
  runs: Run[],
  perPhrase: Record<string, Record<string, number>> = {},
  streaming = false,
  perRule: Record<string, Record<string, number>> = {},
): RunFigures {
  return {
    current: async () => runs[0] ?? null,
    phraseCounts: async (runId) => perPhrase[runId] ?? {},
    streaming: async () => streaming,
    page: async (limit, after) => {
      const start = after === undefined ? 0 : runs.findIndex((run) => run.id === after) + 1;
      const shown = runs.slice(start, start + limit);
      return { runs: shown, nextCursor: start + limit < runs.length ? (shown.at(-1)?.id ?? null) : null };
    },
    phraseCountsOf: async (runIds) => runIds.map((runId) => perPhrase[runId] ?? {}),
    ruleCounts: async (runId) => perRule[runId] ?? {},
    ruleCountsOf: async (runIds) => runIds.map((runId) => perRule[runId] ?? {}),
    // The running sums the end scripts keep: the ended runs' figures.
    endedRunTotals: async () => {
      const ended = runs.filter((shown) => shown.ended_at !== null);
      const sum = (figure: (shown: Run) => number) => ended.reduce((total, shown) => total + figure(shown), 0);
      return {
        runs: ended.length,
        amount: sum((shown) => shown.amount),
        examined: sum((shown) => shown.examined),
        elapsed: sum((shown) => Math.floor(((shown.ended_at ?? 0) - shown.started_at) / 1000)),
      };
    },
  };
}

/** Ingest series counts by field; every other bucket is empty. */
const series = (counts: Record<string, number> = {}) => ({
  counts: async (_runId: string, _clock: string, fields: readonly string[]) =>
    fields.map((field) => counts[field] ?? 0),
});

describe("statistics reads", () => {
  it("answers zeros before any run", async () => {
    expect(await currentStatistics({ runs: figures([]), series: series() }, 5_000)).toMatchObject({
      amount: 0,
      speed: 0,
      elapsed_time: 0,
      run_id: null,
      running: false,
      per_phrase: {},
    });
  });

  it("answers the current run's figures, its phrase counts and whether a worker streams it", async () => {
    const current = run("run-2", { started_at: 0, amount: 30, examined: 900, published: 900 });
    const answer = await currentStatistics(
      { runs: figures([current, run("run-1", {})], { "run-2": { bieber: 30 } }, true), series: series() },
      10_000,
    );
    expect(answer).toMatchObject({
      run_id: "run-2",
      amount: 30,
      speed: 3,
      elapsed_time: 10,
      running: true,
      streaming: true,
      per_phrase: { bieber: 30 },
    });
  });

  it("answers the run's rules and its matched tweets per rule, as per phrase", async () => {
    const current = run("run-2", { rules: ["#nba lang:en", "from:nasa"], amount: 7 });
    const counts = { "run-2": { "#nba lang:en": 4, "from:nasa": 3 } };
    const answer = await currentStatistics({ runs: figures([current], {}, false, counts), series: series() }, 1000);
    expect(answer).toMatchObject({ rules: ["#nba lang:en", "from:nasa"], per_rule: counts["run-2"] });
    const history = await runHistory(figures([current], {}, false, counts), { limit: 1 });
    expect(history.runs[0]).toMatchObject({ per_rule: counts["run-2"] });
  });

  it("gives speed_now over the last 10 complete seconds, and the peak second", async () => {
    const current = run("run-2", { started_at: 0, amount: 60, peak_speed: 9, peak_at: 95 });
    // Now is 100.5 s: seconds 90 to 99 are complete, 100 is still filling and 89 is too old.
    const counts = { [seriesField("1s", 89)]: 50, [seriesField("1s", 90)]: 4, [seriesField("1s", 99)]: 6 };
    counts[seriesField("1s", 100)] = 70;
    const answer = await currentStatistics({ runs: figures([current]), series: series(counts) }, 100_500);
    expect(answer).toMatchObject({ speed_now: 1, peak_speed: 9, peak_at: "1970-01-01T00:01:35.000Z" });
  });

  it("gives every listed run its phrase counts, peak and duration, and says which one streams", async () => {
    const runs = [
      run("run-2", { started_at: 0, amount: 5, peak_speed: 2, peak_at: 3, duration: 60 }),
      run("run-1", { started_at: 0, ended_at: 1000, amount: 1 }),
    ];
    const history = await runHistory(figures(runs, { "run-2": { bieber: 5 }, "run-1": { bieber: 1 } }, true), {
      limit: 10,
    });
    expect(history.runs).toMatchObject([
      { run_id: "run-2", per_phrase: { bieber: 5 }, streaming: true, peak_speed: 2, duration: 60 },
      { run_id: "run-1", per_phrase: { bieber: 1 }, streaming: false, duration: null },
    ]);
  });

  it("answers the newest runs and totals across every run, not only those shown", async () => {
    const runs = [
      run("run-3", { started_at: 20_000, ended_at: 30_000, amount: 10 }),
      run("run-2", { started_at: 0, ended_at: 10_000, amount: 30 }),
      run("run-1", { started_at: 0, ended_at: 20_000, amount: 20 }),
    ];
    const history = await runHistory(figures(runs), { limit: 2 }, 40_000);
    expect(history.runs.map((shown) => shown.run_id)).toEqual(["run-3", "run-2"]);
    expect(history.next_cursor).toBe("run-2");
    const older = await runHistory(figures(runs), { limit: 2, cursor: "run-2" }, 40_000);
    expect(older.runs.map((shown) => shown.run_id)).toEqual(["run-1"]);
    expect(older.next_cursor).toBeNull();
    expect(history.totals).toEqual({ runs: 3, amount: 60, examined: 0, elapsed_time: 40, speed: 1.5 });
  });

  it("adds the run still running to the sums of the ended ones, as of now", async () => {
    const runs = [
      run("run-2", { started_at: 30_000, amount: 10, examined: 50 }),
      run("run-1", { started_at: 0, ended_at: 20_000, amount: 20, examined: 100 }),
    ];
    const history = await runHistory(figures(runs), { limit: 1 }, 40_000);
    expect(history.totals).toEqual({ runs: 2, amount: 30, examined: 150, elapsed_time: 30, speed: 1 });
  });
});
