import { ReadCoalescer } from "../../../mesh/read-coalescing";

/** A read whose calls the test finishes by hand, recording the state each one saw when it started. */
class ManualRead {
  state = 0;
  readonly started: Array<{ saw: number; finish: () => void; fail: (error: Error) => void }> = [];

  call = (): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const saw = this.state;
      this.started.push({ saw, finish: () => resolve(saw), fail: reject });
    });
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const abandoned = () => Object.assign(new Error("abandoned"), { retryable: true });

describe("coalescing identical reads", () => {
  it("runs the first call at once, and joins every call arriving meanwhile into one next call", async () => {
    const coalescer = new ReadCoalescer<number>(abandoned);
    const read = new ManualRead();
    const first = coalescer.run("statistics", read.call);
    const joined = Array.from({ length: 49 }, () => coalescer.run("statistics", read.call));
    expect(read.started).toHaveLength(1);

    read.started[0]?.finish();
    await expect(first).resolves.toBe(0);
    await settle();
    expect(read.started).toHaveLength(2);
    read.started[1]?.finish();
    expect(await Promise.all(joined)).toEqual(Array(49).fill(0));
    await settle();
    expect(read.started).toHaveLength(2);
    expect(coalescer.inFlight).toBe(0);
  });

  it("answers each caller from a call that started after it arrived", async () => {
    const coalescer = new ReadCoalescer<number>(abandoned);
    const read = new ManualRead();
    const before = coalescer.run("statistics", read.call);
    read.state = 1; // a launch lands while the first read is in flight
    const after = coalescer.run("statistics", read.call);
    read.started[0]?.finish();
    await settle();
    read.started[1]?.finish();
    await expect(before).resolves.toBe(0);
    await expect(after).resolves.toBe(1);
  });

  it("keeps different params apart", async () => {
    const coalescer = new ReadCoalescer<number>(abandoned);
    const read = new ManualRead();
    void coalescer.run('{"limit":5}', read.call);
    void coalescer.run('{"limit":6}', read.call);
    expect(read.started).toHaveLength(2);
    for (const call of read.started) call.finish();
    await settle();
  });

  it("gives a failure to the callers of that call only, and goes on", async () => {
    const coalescer = new ReadCoalescer<number>(abandoned);
    const read = new ManualRead();
    const first = coalescer.run("statistics", read.call);
    const joined = coalescer.run("statistics", read.call);
    read.started[0]?.fail(new Error("worker gone"));
    await expect(first).rejects.toThrow("worker gone");
    await settle();
    read.started[1]?.finish();
    await expect(joined).resolves.toBe(0);
    await settle();
    const later = coalescer.run("statistics", read.call);
    read.started[2]?.finish();
    await expect(later).resolves.toBe(0);
  });

  describe("a shared call that never settles (a request RabbitMQ dropped)", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it("is abandoned 50 ms after its caller's timeout, failing its callers, and the next caller starts a new call", async () => {
      const coalescer = new ReadCoalescer<number>(abandoned);
      const read = new ManualRead();
      const lost = coalescer.run("statistics", read.call, 10_000);
      const joined = coalescer.run("statistics", read.call, 10_000);
      const outcomes = [lost, joined].map((promise) => promise.catch((error: Error) => error.message));

      jest.advanceTimersByTime(10_049);
      expect(read.started).toHaveLength(1);
      jest.advanceTimersByTime(1);
      await expect(outcomes[0]).resolves.toBe("abandoned");
      // The caller that joined meanwhile gets a call of its own, started after it arrived.
      expect(read.started).toHaveLength(2);
      read.started[1]?.finish();
      await expect(outcomes[1]).resolves.toBe(0);

      await Promise.resolve();
      const next = coalescer.run("statistics", read.call, 10_000);
      expect(read.started).toHaveLength(3);
      read.started[2]?.finish();
      await expect(next).resolves.toBe(0);
      expect(coalescer.inFlight).toBe(0);
    });

    it("is waited for as long as it takes when the caller has no timeout", async () => {
      const coalescer = new ReadCoalescer<number>(abandoned);
      const read = new ManualRead();
      const slow = coalescer.run("statistics", read.call);
      jest.advanceTimersByTime(60_000);
      read.started[0]?.finish();
      await expect(slow).resolves.toBe(0);
    });
  });
});
