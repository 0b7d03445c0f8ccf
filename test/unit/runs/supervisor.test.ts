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
    this.health = { reconnects: this.health.reconnects + since.reconnects, dropped: this.health.dropped + since.dropped };
  }
  async releaseStreamLease(holder: string) {
    if (this.leaseHolder === holder) this.leaseHolder = null;
  }
}

const newRun = (id: string, overrides: Partial<Run> = {}): Run => aRun({ id, track: ["t"], seed: 1, started_at: Date.now(), ...overrides });

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
function supervisor(ledger: FakeLedger, holder: string, streamed: string[], finite = false, open?: (run: Run) => TweetSource) {
  const idle = (run: Run): TweetSource => (finite ? { name: "empty", async *items() { streamed.push(run.id); } } : idleSource(streamed, run));
  return new StreamSupervisor(ledger, open ?? idle, () => ({ publish: async () => {}, recordProgress: async () => {} }), {
    holder, leaseTtlMs: 5000, checkIntervalMs: 60_000, stopGraceMs: 1000, batchSize: 10, lingerMs: 5,
  }, quiet);
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
    const failing: TweetSource = { name: "x", async *items() { throw new Error("the X API refused the app's bearer token (401): check X_BEARER_TOKEN"); } };
    const worker = supervisor(ledger, "a", [], false, () => failing);
    await worker.check();
    await waitUntil(() => ledger.ended.length > 0, "the run to end");
    expect(ledger.run).toMatchObject({ end_reason: "source_failed", end_detail: expect.stringMatching(/refused the app's bearer token \(401\)/) });
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
