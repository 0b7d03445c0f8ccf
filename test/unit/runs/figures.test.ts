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
  const ended = { runs: 2, amount: 40, examined: 400, elapsed: 40 };

  it("derives the overall speed from the sums of the ended runs", () => {
    expect(historyTotals(ended, null)).toEqual({ runs: 2, amount: 40, examined: 400, elapsed_time: 40, speed: 1 });
  });

  it("adds the run still running, as of now", () => {
    const running = runStatistics(run({ amount: 20, examined: 100 }), {}, 1_020_000) satisfies RunStatistics;
    expect(historyTotals(ended, running)).toEqual({ runs: 3, amount: 60, examined: 500, elapsed_time: 60, speed: 1 });
  });

  it("is all zeros with no runs", () => {
    const none = { runs: 0, amount: 0, examined: 0, elapsed: 0 };
    expect(historyTotals(none, null)).toEqual({ runs: 0, amount: 0, examined: 0, elapsed_time: 0, speed: 0 });
  });
});
