import { Run } from "../../../contracts/run";
import { currentStatistics, runHistory, type RunFigures } from "../../../runs/statistics";

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

describe("statistics reads", () => {
  it("answers zeros before any run", async () => {
    expect(await currentStatistics(figures([]), 5_000)).toMatchObject({
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
      figures([current, run("run-1", {})], { "run-2": { bieber: 30 } }, true),
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
