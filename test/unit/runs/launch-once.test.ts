import type { Run } from "../../../contracts/run";
import { Launcher } from "../../../runs/launcher";
import { aRun, RULE_LIMITS } from "../../support/runs";

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** The run store's launch and idempotency keys in memory; `failLaunches` makes the next launches throw. */
function launchStore() {
  const keys = new Map<string, string>();
  const runs: Run[] = [];
  let failLaunches = 0;
  const store = {
    keys,
    runs,
    failNext: (count: number) => (failLaunches = count),
    launch: async (settings: Pick<Run, "track">) => {
      if (failLaunches > 0) {
        failLaunches--;
        throw new Error("OOM command not allowed");
      }
      const run = aRun({ id: `run-${runs.length + 1}`, track: settings.track });
      runs.push(run);
      return { run, replacedRunId: null };
    },
    end: async () => true,
    current: async () => runs[runs.length - 1] ?? null,
    claimLaunchKey: async (key: string, attempt: string) => {
      const answer = keys.get(key);
      if (answer === undefined) {
        keys.set(key, `pending:${attempt}`);
        return { claimed: true as const };
      }
      return { claimed: false as const, answer: answer.startsWith("pending:") ? null : answer };
    },
    recordLaunchAnswer: async (key: string, answer: string) => void keys.set(key, answer),
    releaseLaunchKey: async (key: string, attempt: string) => {
      if (keys.get(key) === `pending:${attempt}`) keys.delete(key);
    },
  };
  return store;
}

describe("Launcher.launchOnce", () => {
  it("answers a retry of a key with the first attempt's run, and starts one run", async () => {
    const store = launchStore();
    const launcher = new Launcher(store, { source: "generator", generatorSeed: 1, ruleLimits: RULE_LIMITS }, quiet);
    const first = await launcher.launchOnce({ track: ["love"] }, "key-1");
    const retry = await launcher.launchOnce({ track: ["love"] }, "key-1");
    expect(retry).toEqual(first);
    expect(store.runs).toHaveLength(1);
    await launcher.launchOnce({ track: ["love"] }, "key-2");
    await launcher.launchOnce({ track: ["love"] }, undefined);
    expect(store.runs).toHaveLength(3);
  });

  it("frees the key of a launch that failed, so that its retry launches", async () => {
    const store = launchStore();
    const launcher = new Launcher(store, { source: "generator", generatorSeed: 1, ruleLimits: RULE_LIMITS }, quiet);
    store.failNext(1);
    await expect(launcher.launchOnce({ track: ["love"] }, "key-1")).rejects.toThrow("OOM");
    expect(store.keys.has("key-1")).toBe(false);
    await expect(launcher.launchOnce({ track: ["love"] }, "key-1")).resolves.toMatchObject({ run_id: "run-1" });
  });

  it("answers 409 to a retry that arrives while the first attempt still runs", async () => {
    const store = launchStore();
    store.keys.set("key-1", "pending:another-attempt");
    const launcher = new Launcher(store, { source: "generator", generatorSeed: 1, ruleLimits: RULE_LIMITS }, quiet);
    await expect(launcher.launchOnce({ track: ["love"] }, "key-1")).rejects.toMatchObject({
      code: 409,
      type: "LAUNCH_IN_PROGRESS",
      data: { field: "Idempotency-Key" },
    });
    expect(store.runs).toEqual([]);
  });
});
