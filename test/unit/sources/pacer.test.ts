import { performance } from "node:perf_hooks";
import { sleepUnlessAborted } from "../../../core/sleep";
import { Pacer, type Sleep } from "../../../sources/pacer";

/** A clock that only moves when the pacer sleeps (plus an optional oversleep, as real timers do). */
function fakeTime(oversleepMs = 0): {
  now: () => number;
  sleep: Sleep;
  sleeps: number[];
  advance: (ms: number) => void;
} {
  let time = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleeps,
    advance: (ms) => {
      time += ms;
    },
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      time += ms + oversleepMs;
      return !signal.aborted;
    },
  };
}

async function releaseTimes(
  pacer: Pacer,
  count: number,
  now: () => number,
  signal = new AbortController().signal,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    if (!(await pacer.wait(signal))) break;
    times.push(now());
  }
  return times;
}

/** Time from the first release to the last. */
const span = (times: readonly number[]): number => (times.at(-1) ?? Number.NaN) - (times[0] ?? Number.NaN);

describe("Pacer", () => {
  it("releases item n no earlier than n / rate after the first", async () => {
    const time = fakeTime();
    const pacer = new Pacer(100, time);
    const times = await releaseTimes(pacer, 50, time.now);
    expect(times).toHaveLength(50);
    times.forEach((released, n) => expect(released - 1_000).toBeGreaterThanOrEqual(n * 10 - 1));
    expect(span(times)).toBeCloseTo(490, 0);
  });

  it("does not drift when timers fire late: the schedule is kept from the start time", async () => {
    const time = fakeTime(3);
    const pacer = new Pacer(50, time);
    const times = await releaseTimes(pacer, 101, time.now);
    // 100 intervals of 20 ms; sleeping 1/rate per item would have taken 100 * 23 ms.
    expect(span(times)).toBeGreaterThanOrEqual(2_000);
    expect(span(times)).toBeLessThanOrEqual(2_003);
  });

  it("sleeps in batches at high rates instead of one timer per item", async () => {
    const time = fakeTime();
    const pacer = new Pacer(5_000, time);
    const times = await releaseTimes(pacer, 5_000, time.now);
    expect(span(times)).toBeGreaterThanOrEqual(999);
    expect(time.sleeps.length).toBeLessThanOrEqual(110);
    expect(Math.min(...time.sleeps)).toBeGreaterThanOrEqual(10);
  });

  it.each([0, Infinity])("at rate %p releases every item at once, synchronously", (rate) => {
    const time = fakeTime();
    const pacer = new Pacer(rate, time);
    const signal = new AbortController().signal;
    for (let i = 0; i < 1_000; i++) expect(pacer.wait(signal)).toBe(true);
    expect(time.sleeps).toEqual([]);
  });

  it("resumes its steady rate after a stall instead of bursting to catch up", async () => {
    const time = fakeTime();
    const pacer = new Pacer(10, { ...time, maxLagMs: 1_000 });
    await releaseTimes(pacer, 5, time.now);
    time.advance(60_000);
    const times = await releaseTimes(pacer, 6, time.now);
    // Without the lag limit, 600 items would be due at once.
    expect(span(times)).toBeGreaterThanOrEqual(500);
  });

  it("sleeps in steps of at most a minute at very low rates", async () => {
    const time = fakeTime();
    const pacer = new Pacer(1e-6, time);
    await releaseTimes(pacer, 2, time.now);
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(60_000);
    expect(time.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(1e9 - 1);
  });

  it("answers false at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await new Pacer(10).wait(controller.signal)).toBe(false);
    expect(await new Pacer(0).wait(controller.signal)).toBe(false);
  });

  it("ends a wait promptly when the signal aborts, leaving no timer behind", async () => {
    const pacer = new Pacer(0.5);
    const controller = new AbortController();
    expect(await pacer.wait(controller.signal)).toBe(true);
    const abortSoon = setTimeout(() => controller.abort(), 20);
    const setTimer = jest.spyOn(global, "setTimeout");
    const clearTimer = jest.spyOn(global, "clearTimeout");
    try {
      const started = performance.now();
      expect(await pacer.wait(controller.signal)).toBe(false);
      expect(performance.now() - started).toBeLessThan(120);
      expect(setTimer).toHaveBeenCalledTimes(1);
      expect(clearTimer).toHaveBeenCalledWith(setTimer.mock.results[0]?.value);
    } finally {
      clearTimeout(abortSoon);
      setTimer.mockRestore();
      clearTimer.mockRestore();
    }
  });

  it("keeps the rate with real timers: never faster, not much slower", async () => {
    const pacer = new Pacer(200);
    const started = performance.now();
    const times = await releaseTimes(pacer, 41, () => performance.now());
    const elapsed = (times.at(-1) ?? Number.NaN) - started;
    // 40 intervals of 5 ms; timers may fire up to 1 ms early, a busy machine makes them late.
    expect(elapsed).toBeGreaterThanOrEqual(199);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("rejects a negative or NaN rate", () => {
    expect(() => new Pacer(-1)).toThrow(RangeError);
    expect(() => new Pacer(Number.NaN)).toThrow(RangeError);
  });
});

describe("sleepUnlessAborted", () => {
  it("resolves true after the time, false at once on abort", async () => {
    const controller = new AbortController();
    expect(await sleepUnlessAborted(5, controller.signal)).toBe(true);
    const sleeping = sleepUnlessAborted(10_000, controller.signal);
    controller.abort();
    expect(await sleeping).toBe(false);
    expect(await sleepUnlessAborted(10_000, controller.signal)).toBe(false);
  });
});
