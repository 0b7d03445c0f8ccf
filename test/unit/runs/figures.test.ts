import { aRun } from "../../support/runs";
import type { RunStatistics } from "../../../contracts/actions";
import type { Run } from "../../../contracts/run";
import { elapsedSeconds, historyTotals, runStatistics, speed } from "../../../runs/figures";

const run = (overrides: Partial<Run> = {}): Run => aRun({ id: "abc-1", seed: 7, ...overrides });

describe("elapsed time", () => {
  it("counts whole seconds since launch while running", () => {
    expect(elapsedSeconds(run(), 1_000_000 + 29_999)).toBe(29);
    expect(elapsedSeconds(run(), 1_000_000 + 30_000)).toBe(30);
  });

  it("is frozen at the end of a run", () => {
    expect(elapsedSeconds(run({ ended_at: 1_000_000 + 12_500 }), 9_999_999)).toBe(12);
  });

  it("never goes below zero when clocks of two workers disagree", () => {
    expect(elapsedSeconds(run(), 999_000)).toBe(0);
  });
});

describe("speed", () => {
  it("is amount over elapsed seconds, as in the original: 10 in 29 s", () => {
    expect(speed(10, 29)).toBe(0.3448275862068966);
  });

  it("is 0 while no whole second has passed", () => {
    expect(speed(5, 0)).toBe(0);
  });
});

describe("run statistics", () => {
  it("answers zeros before any run", () => {
    expect(runStatistics(null, {}, 5)).toMatchObject({
      amount: 0,
      speed: 0,
      elapsed_time: 0,
      running: false,
      run_id: null,
      track: [],
    });
  });

  it("answers the figures of a running run", () => {
    const figures = runStatistics(run({ amount: 10, examined: 400 }), { bieber: 10 }, 1_000_000 + 29_000);
    expect(figures).toMatchObject({
      amount: 10,
      elapsed_time: 29,
      speed: 10 / 29,
      running: true,
      examined: 400,
      per_phrase: { bieber: 10 },
    });
    expect(figures.started_at).toBe(new Date(1_000_000).toISOString());
    expect(figures.ended_at).toBeNull();
  });

  it("marks an ended run as not running, with its reason", () => {
    const figures = runStatistics(run({ ended_at: 1_004_000, end_reason: "stopped", amount: 8 }), {}, 9_000_000);
    expect(figures).toMatchObject({ running: false, end_reason: "stopped", elapsed_time: 4, speed: 2 });
  });
});

describe("history totals", () => {
  it("adds amounts and times across runs and derives the overall speed", () => {
    const runs = [
      runStatistics(run({ amount: 10, examined: 100, ended_at: 1_010_000 }), {}, 0),
      runStatistics(run({ amount: 30, examined: 300, ended_at: 1_030_000 }), {}, 0),
    ] satisfies RunStatistics[];
    expect(historyTotals(runs)).toEqual({ runs: 2, amount: 40, examined: 400, elapsed_time: 40, speed: 1 });
  });

  it("is all zeros with no runs", () => {
    expect(historyTotals([])).toEqual({ runs: 0, amount: 0, examined: 0, elapsed_time: 0, speed: 0 });
  });
});
