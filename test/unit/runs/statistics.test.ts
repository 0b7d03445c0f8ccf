import { Run } from "../../../contracts/run";
import { currentStatistics, runHistory, type RunFigures } from "../../../runs/statistics";
import { seriesField } from "../../../store/keys";

const run = (id: string, fields: Partial<Run>): Run =>
  Run.parse({ id, track: ["bieber"], source: "generator", started_at: 0, ...fields });

/** The run store's reads over a list of runs, newest first. */
function figures(runs: Run[], perPhrase: Record<string, Record<string, number>> = {}, streaming = false): RunFigures {
  return {
    current: async () => runs[0] ?? null,
    phraseCounts: async (runId) => perPhrase[runId] ?? {},
    streaming: async () => streaming,
    list: async (limit) => runs.slice(0, limit),
    count: async () => runs.length,
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

  it("gives speed_now over the last 10 complete seconds, and the peak second", async () => {
    const current = run("run-2", { started_at: 0, amount: 60, peak_speed: 9, peak_at: 95 });
    // Now is 100.5 s: seconds 90 to 99 are complete, 100 is still filling and 89 is too old.
    const counts = { [seriesField("1s", 89)]: 50, [seriesField("1s", 90)]: 4, [seriesField("1s", 99)]: 6 };
    counts[seriesField("1s", 100)] = 70;
    const answer = await currentStatistics({ runs: figures([current]), series: series(counts) }, 100_500);
    expect(answer).toMatchObject({ speed_now: 1, peak_speed: 9, peak_at: "1970-01-01T00:01:35.000Z" });
  });

  it("answers the newest runs and totals across every run, not only those shown", async () => {
    const runs = [
      run("run-3", { started_at: 20_000, ended_at: 30_000, amount: 10 }),
      run("run-2", { started_at: 0, ended_at: 10_000, amount: 30 }),
      run("run-1", { started_at: 0, ended_at: 20_000, amount: 20 }),
    ];
    const history = await runHistory(figures(runs), 2, 40_000);
    expect(history.runs.map((shown) => shown.run_id)).toEqual(["run-3", "run-2"]);
    expect(history.totals).toEqual({ runs: 3, amount: 60, examined: 0, elapsed_time: 40, speed: 1.5 });
  });
});
