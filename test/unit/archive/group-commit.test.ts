import { GroupCommit } from "../../../archive/group-commit";
import type { MatchBatch } from "../../../contracts/messages";

const batch = (id: string): MatchBatch => ({
  v: 1,
  run_id: "run-1",
  batch_id: id,
  sent_at: 0,
  examined: 0,
  matches: [],
  deletes: [],
});

/** A store whose writes wait until the test lets them end; records each group by its batch ids. */
function heldStore(fails: (ids: string[]) => Error | null = () => null) {
  const groups: string[][] = [];
  const pending: (() => void)[] = [];
  const store = {
    archiveAll: (batches: readonly Pick<MatchBatch, "batch_id">[]) => {
      const ids = batches.map((b) => b.batch_id);
      groups.push(ids);
      return new Promise<number>((resolve, reject) =>
        pending.push(() => {
          const error = fails(ids);
          if (error) reject(error);
          else resolve(ids.length);
        }),
      );
    },
  };
  const endWrites = async () => {
    while (pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { store: store as unknown as ConstructorParameters<typeof GroupCommit>[0], groups, endWrites };
}

describe("the archive's group commit", () => {
  it("writes a batch at once when no write is in flight, and those that come meanwhile together next", async () => {
    const { store, groups, endWrites } = heldStore();
    const commit = new GroupCommit(store, { maxBatches: 3, concurrency: 1 });
    const written = ["a", "b", "c", "d", "e"].map((id) => commit.write(batch(id)));
    await endWrites();
    await Promise.all(written);
    expect(groups).toEqual([["a"], ["b", "c", "d"], ["e"]]);
  });

  it("resolves a batch only once the write holding it ended", async () => {
    const { store, endWrites } = heldStore();
    const commit = new GroupCommit(store, { maxBatches: 8, concurrency: 1 });
    let done = false;
    const written = commit.write(batch("a")).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    await endWrites();
    await written;
    expect(done).toBe(true);
  });

  it("writes a failed group again batch by batch, so that only the refused batch fails", async () => {
    const refused = new Error("invalid input syntax for type bigint");
    const { store, groups, endWrites } = heldStore((ids) => (ids.includes("c") ? refused : null));
    const commit = new GroupCommit(store, { maxBatches: 8, concurrency: 1 });
    const outcomes = ["a", "b", "c", "d"].map((id) =>
      commit.write(batch(id)).then(
        () => `${id} written`,
        () => `${id} failed`,
      ),
    );
    await endWrites();
    expect(await Promise.all(outcomes)).toEqual(["a written", "b written", "c failed", "d written"]);
    expect(groups).toEqual([["a"], ["b", "c", "d"], ["b"], ["c"], ["d"]]);
  });

  it("fails a whole group at once during an outage: each batch waits it out in place", async () => {
    const away = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const { store, groups, endWrites } = heldStore((ids) => (ids.length > 1 ? away : null));
    const commit = new GroupCommit(store, { maxBatches: 8, concurrency: 1 });
    const outcomes = ["a", "b", "c"].map((id) => commit.write(batch(id)).catch((error: Error) => error.message));
    await endWrites();
    expect(await Promise.all(outcomes)).toEqual([undefined, away.message, away.message]);
    expect(groups).toEqual([["a"], ["b", "c"]]);
  });
});
