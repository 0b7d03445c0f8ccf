import { aTweet } from "../../support/batches";
import { waitUntil } from "../../support/eventually";
import { aRun } from "../../support/runs";
import type { Run } from "../../../contracts/run";
import type { EndReason } from "../../../contracts/run";
import { StreamSupervisor, type StreamLedger } from "../../../runs/supervisor";
import type { TweetSource } from "../../../sources/source";

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** The run store in memory: one current run, one lease with an owner. */
class FakeLedger implements StreamLedger {
  run: Run | null = null;
  leaseHolder: string | null = null;
  ended: EndReason[] = [];
  health = { reconnects: 0, dropped: 0 };

  async current() {
    return this.run && { ...this.run };
  }
  async end(runId: string, reason: EndReason, now = Date.now(), detail = "") {
    if (!this.run || this.run.id !== runId || this.run.ended_at !== null) return false;
    this.run = { ...this.run, ended_at: now, end_reason: reason, end_detail: detail || null };
    this.ended.push(reason);
    return true;
  }
  async holdStreamLease(holder: string) {
    if (this.leaseHolder && this.leaseHolder !== holder) return false;
    this.leaseHolder = holder;
    return true;
  }
  async recordSourceHealth(_runId: string, since: { reconnects: number; dropped: number }) {
    this.health = {
      reconnects: this.health.reconnects + since.reconnects,
      dropped: this.health.dropped + since.dropped,
    };
  }
  streamedAt: number | null = null;
  async recordStreaming(_runId: string, now = Date.now()) {
    this.streamedAt = now;
    return this.run !== null;
  }
  async releaseStreamLease(holder: string) {
    if (this.leaseHolder === holder) this.leaseHolder = null;
  }
}

const newRun = (id: string, overrides: Partial<Run> = {}): Run =>
  aRun({ id, track: ["t"], seed: 1, started_at: Date.now(), ...overrides });

/** A source that yields nothing until aborted, recording which runs it streamed. */
function idleSource(streamed: string[], run: Run): TweetSource {
  return {
    name: "idle",
    async *items({ signal }) {
      streamed.push(run.id);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    },
  };
}

/** A supervisor over `open`'s sources; by default each streams nothing until aborted, recording its run. */
function supervisor(
  ledger: FakeLedger,
  holder: string,
  streamed: string[],
  finite = false,
  open?: (run: Run) => TweetSource,
) {
  const idle = (run: Run): TweetSource =>
    finite
      ? {
          name: "empty",
          async *items() {
            streamed.push(run.id);
          },
        }
      : idleSource(streamed, run);
  return new StreamSupervisor(
    ledger,
    open ?? idle,
    () => ({ publish: async () => {}, recordProgress: async () => true }),
    {
      holder,
      leaseTtlMs: 5000,
      checkIntervalMs: 60_000,
      stopGraceMs: 1000,
      batchSize: 10,
      lingerMs: 5,
      orphanTimeoutMs: 60_000,
    },
    quiet,
  );
}

describe("the stream supervisor", () => {
  it("streams the current run on the worker that gets the lease, and only there", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1");
    const streamed: string[] = [];
    const [a, b] = [supervisor(ledger, "a", streamed), supervisor(ledger, "b", streamed)];
    await a.check();
    await b.check();
    expect(ledger.leaseHolder).toBe("a");
    expect(streamed).toEqual(["r1"]);
    await a.stop();
    expect(ledger.leaseHolder).toBeNull();
    await b.check();
    expect(ledger.leaseHolder).toBe("b");
    expect(streamed).toEqual(["r1", "r1"]);
    await b.stop();
  });

  it("switches to a new run, and stops when the run ends", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1");
    const streamed: string[] = [];
    const worker = supervisor(ledger, "a", streamed);
    await worker.check();
    ledger.run = newRun("r2");
    await worker.check();
    expect(streamed).toEqual(["r1", "r2"]);
    await ledger.end("r2", "stopped");
    await worker.check();
    expect(ledger.leaseHolder).toBeNull();
    await worker.stop();
  });

  it("stops streaming when another worker holds the lease", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1");
    const streamed: string[] = [];
    const worker = supervisor(ledger, "a", streamed);
    await worker.check();
    ledger.leaseHolder = "b";
    await worker.check();
    expect(ledger.leaseHolder).toBe("b");
    await worker.stop();
    expect(ledger.leaseHolder).toBe("b");
  });

  it("ends a run whose duration has passed, at its start plus the duration", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1", { duration: 2, started_at: Date.now() - 3000 });
    const worker = supervisor(ledger, "a", []);
    await worker.check();
    expect(ledger.run?.end_reason).toBe("duration");
    expect(ledger.run?.ended_at).toBe((ledger.run?.started_at ?? 0) + 2000);
    await worker.stop();
  });

  it("ends the run when its source is exhausted, and gives the lease up", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1", { source: "replay" });
    const worker = supervisor(ledger, "a", [], true);
    await worker.check();
    await waitUntil(() => ledger.ended.length > 0, "the run to end");
    expect(ledger.ended).toEqual(["source_exhausted"]);
    expect(ledger.leaseHolder).toBeNull();
    await worker.stop();
  });

  it("ends a run whose source failed with the reason in words", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1", { source: "x" });
    const failing: TweetSource = {
      name: "x",
      async *items() {
        throw new Error("the X API refused the app's bearer token (401): check X_BEARER_TOKEN");
      },
    };
    const worker = supervisor(ledger, "a", [], false, () => failing);
    await worker.check();
    await waitUntil(() => ledger.ended.length > 0, "the run to end");
    expect(ledger.run).toMatchObject({
      end_reason: "source_failed",
      end_detail: expect.stringMatching(/refused the app's bearer token \(401\)/),
    });
    await worker.stop();
  });

  it("adds a live source's reconnects and drops to the run, as differences since the last report", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1", { source: "x" });
    const health = { reconnects: 0, dropped: 0 };
    const live: TweetSource = {
      name: "x",
      health: () => ({ ...health }),
      async *items({ signal }) {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
    };
    const worker = supervisor(ledger, "a", [], false, () => live);
    await worker.check();
    health.reconnects = 2;
    await worker.check();
    health.reconnects = 3;
    health.dropped = 7;
    await worker.check();
    expect(ledger.health).toEqual({ reconnects: 3, dropped: 7 });
    health.dropped = 9;
    await worker.stop();
    expect(ledger.health).toEqual({ reconnects: 3, dropped: 9 });
  });
});

describe("the stream supervisor during a Redis or broker outage", () => {
  /** A source of `count` tweets, then exhausted. */
  const tweets = (count: number) => (): TweetSource => ({
    name: "finite",
    async *items() {
      for (let index = 0; index < count; index++)
        yield {
          kind: "tweet" as const,
          tweet: aTweet(String(index + 1), "t"),
        };
    },
  });
  const options = {
    holder: "a",
    leaseTtlMs: 5000,
    checkIntervalMs: 60_000,
    stopGraceMs: 1000,
    batchSize: 10,
    lingerMs: 5,
    orphanTimeoutMs: 60_000,
  };

  it("pauses a run whose progress Redis refuses, without ending it, and resumes it at the next check", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1");
    let refusing = true;
    const recorded: number[] = [];
    const sinks = () => ({
      publish: async () => {},
      recordProgress: async (progress: { position: number }) => {
        if (refusing) throw new Error("OOM command not allowed when used memory > 'maxmemory'.");
        recorded.push(progress.position);
        return true;
      },
    });
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (text: string) => void warnings.push(text) };
    const streams = new StreamSupervisor(ledger, tweets(25), sinks, options, logger);

    await streams.check();
    await eventuallyTrue(() => warnings.some((text) => text.includes("streaming paused")));
    expect(ledger.ended).toEqual([]);
    expect(ledger.run?.ended_at).toBeNull();

    refusing = false;
    await streams.check();
    await eventuallyTrue(() => ledger.ended.length > 0);
    expect(ledger.ended).toEqual(["source_exhausted"]);
    expect(recorded).toEqual([10, 20, 25]);
    await streams.stop();
  });

  it("a run's end that Redis cannot record is logged and tried again, never an unhandled rejection", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1");
    let refusing = true;
    const end = ledger.end.bind(ledger);
    ledger.end = async (...args: Parameters<FakeLedger["end"]>) => {
      if (refusing) throw new Error("NOREPLICAS Not enough good replicas to write.");
      return end(...args);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const warnings: string[] = [];
    const streams = new StreamSupervisor(
      ledger,
      tweets(3),
      () => ({ publish: async () => {}, recordProgress: async () => true }),
      options,
      { ...quiet, warn: (text: string) => void warnings.push(text) },
    );
    try {
      await streams.check();
      await eventuallyTrue(() => warnings.some((text) => text.includes("could not be recorded")));
      refusing = false;
      await eventuallyTrue(async () => {
        await streams.check();
        return ledger.ended.length > 0;
      });
      expect(ledger.ended).toEqual(["source_exhausted"]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await streams.stop();
    }
  });
});

/** Waits for a condition, polling; fails the test with what was awaited after 5 s. */
async function eventuallyTrue(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("a run nobody streamed for longer than ORPHAN_TIMEOUT", () => {
  const options = {
    holder: "a",
    leaseTtlMs: 5000,
    checkIntervalMs: 60_000,
    stopGraceMs: 1000,
    batchSize: 10,
    lingerMs: 5,
    orphanTimeoutMs: 60_000,
  };

  it("ends as orphaned when it was last streamed, instead of resuming with the downtime counted", async () => {
    const ledger = new FakeLedger();
    const lastStreamed = Date.now() - 9 * 60_000;
    ledger.run = newRun("r1", { started_at: lastStreamed - 30_000, streamed_at: lastStreamed });
    const streamed: string[] = [];
    const worker = new StreamSupervisor(
      ledger,
      (run) => idleSource(streamed, run),
      () => ({ publish: async () => {}, recordProgress: async () => true }),
      options,
      quiet,
    );
    await worker.check();
    expect(ledger.ended).toEqual(["orphaned"]);
    expect(ledger.run).toMatchObject({
      ended_at: lastStreamed,
      end_reason: "orphaned",
      end_detail: expect.stringContaining("no launcher streamed it for 540 s"),
    });
    expect(streamed).toEqual([]);
    await worker.stop();
  });

  it("resumes a run whose launcher was gone for less, and records that it streams it", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1", { started_at: Date.now() - 120_000, streamed_at: Date.now() - 10_000 });
    const streamed: string[] = [];
    const worker = supervisor(ledger, "a", streamed);
    await worker.check();
    expect(streamed).toEqual(["r1"]);
    await worker.check();
    expect(ledger.streamedAt).not.toBeNull();
    expect(ledger.ended).toEqual([]);
    await worker.stop();
  });
});

describe("a run that Redis lost", () => {
  it("stops streaming, says so at error, and writes nothing of it again", async () => {
    const ledger = new FakeLedger();
    ledger.run = newRun("r1");
    const errors: string[] = [];
    let recorded = 0;
    const sinks = () => ({
      publish: async () => {},
      recordProgress: async () => {
        recorded++;
        return false;
      },
    });
    const source = (): TweetSource => ({
      name: "endless",
      async *items({ signal }) {
        for (let index = 0; !signal.aborted; index++) {
          yield {
            kind: "tweet" as const,
            tweet: aTweet(String(index + 1), "t"),
          };
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    });
    const options = {
      holder: "a",
      leaseTtlMs: 5000,
      checkIntervalMs: 60_000,
      stopGraceMs: 1000,
      batchSize: 10,
      lingerMs: 5,
      orphanTimeoutMs: 60_000,
    };
    const worker = new StreamSupervisor(ledger, source, sinks, options, {
      ...quiet,
      error: (text: string) => void errors.push(text),
    });
    await worker.check();
    await eventuallyTrue(() => errors.length > 0);
    expect(errors[0]).toContain("Redis lost this mesh's state");
    expect(recorded).toBe(1);
    expect(ledger.ended).toEqual([]);
    await worker.stop();
  });
});
