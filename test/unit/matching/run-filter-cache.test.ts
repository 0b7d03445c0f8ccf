import type { Run } from "../../../contracts/run";
import { RunFilterCache } from "../../../matching/filter";

type RunTrack = Pick<Run, "track" | "languages">;

/** A run loader that counts its loads by run id, answering from `runs` (a missing id: no such run). */
function loaderOf(runs: Record<string, RunTrack>) {
  const loads: string[] = [];
  const load = async (runId: string): Promise<RunTrack | null> => {
    loads.push(runId);
    return runs[runId] ?? null;
  };
  return { load, loads };
}

const RUNS: Record<string, RunTrack> = {
  a: { track: ["bieber"], languages: [] },
  b: { track: ["love", "music"], languages: ["en"] },
  c: { track: ["game"], languages: [] },
};

describe("the filter's cache of compiled runs", () => {
  it("compiles each run's track and languages once, and answers the same filter after", async () => {
    const { load, loads } = loaderOf(RUNS);
    const cache = new RunFilterCache(load);
    const first = await cache.get("b");
    expect(first?.matcher.phrases).toEqual(["love", "music"]);
    expect(first?.languages).toEqual(new Set(["en"]));
    expect(await cache.get("b")).toBe(first);
    expect((await cache.get("a"))?.matcher.phrases).toEqual(["bieber"]);
    expect(loads).toEqual(["b", "a"]);
  });

  it("loads a run once for gets that come while it loads", async () => {
    let answer: (run: RunTrack) => void = () => {};
    const loads: string[] = [];
    const cache = new RunFilterCache((runId) => {
      loads.push(runId);
      return new Promise<RunTrack>((resolve) => (answer = resolve));
    });
    const gets = [cache.get("a"), cache.get("a"), cache.get("a")];
    answer({ track: ["bieber"], languages: [] });
    const [first, ...others] = await Promise.all(gets);
    expect(loads).toEqual(["a"]);
    for (const other of others) expect(other).toBe(first);
  });

  it("forgets a load that failed: the next get loads the run again", async () => {
    const loads: string[] = [];
    const cache = new RunFilterCache(async (runId) => {
      loads.push(runId);
      if (loads.length === 1) throw new Error("Redis is down");
      return RUNS.a ?? null;
    });
    await expect(cache.get("a")).rejects.toThrow("Redis is down");
    expect((await cache.get("a"))?.matcher.phrases).toEqual(["bieber"]);
    expect(loads).toEqual(["a", "a"]);
  });

  it("answers null for a run the store does not hold", async () => {
    const cache = new RunFilterCache(loaderOf(RUNS).load);
    expect(await cache.get("gone")).toBeNull();
  });

  it("keeps at most its capacity of runs, dropping the one loaded first", async () => {
    const { load, loads } = loaderOf(RUNS);
    const cache = new RunFilterCache(load, 2);
    for (const runId of ["a", "b", "c", "b", "c"]) await cache.get(runId);
    expect(loads).toEqual(["a", "b", "c"]);
    await cache.get("a");
    expect(loads).toEqual(["a", "b", "c", "a"]);
  });
});
