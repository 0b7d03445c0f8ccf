import { Backoff, delayFor } from "../../../core/retry";
import { sleep } from "../../../core/sleep";
import { retryDelay } from "../../../pipeline/consumer";

describe("backoff", () => {
  const linear = { initialMs: 0, growth: { kind: "linear", stepMs: 250 }, maxMs: 16000 } as const;
  const exponential = { initialMs: 5000, growth: { kind: "exponential", factor: 2 }, maxMs: 320000 } as const;

  it("grows linearly up to its cap", () => {
    expect([0, 1, 2, 3].map((attempt) => delayFor(linear, attempt))).toEqual([0, 250, 500, 750]);
    expect(delayFor(linear, 1000)).toBe(16000);
  });

  it("grows exponentially up to its cap", () => {
    expect([0, 1, 2, 6, 7].map((attempt) => delayFor(exponential, attempt))).toEqual([
      5000, 10000, 20000, 320000, 320000,
    ]);
  });

  it("counts attempts until reset", () => {
    const backoff = new Backoff(exponential);
    expect([backoff.next(), backoff.next()]).toEqual([5000, 10000]);
    backoff.reset();
    expect(backoff.next()).toBe(5000);
  });

  it("sleeps no longer than an abort", async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 10);
    await sleep(60_000, abort.signal);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("pauses a failed message longer with each delivery, up to 2 s", () => {
    expect([0, 1, 2, 10].map(retryDelay)).toEqual([100, 200, 400, 2000]);
  });
});
