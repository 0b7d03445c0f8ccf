import type { MatchBatch } from "../../../contracts/messages";
import { countMatchBatch, type MatchCountPorts } from "../../../runs/count-matches";
import { aMatchBatch, aTweet, CountingMetrics, RecordingLogger } from "../../support/batches";

/** The statistics handler with fakes: a run's amount that counts each batch id once. */
function statisticsWorker(runIds: string[]) {
  const amounts = new Map(runIds.map((id) => [id, 0]));
  const countedBatches = new Set<string>();
  const feed = { counted: jest.fn() };
  const metrics = new CountingMetrics();
  const logger = new RecordingLogger();
  const ports: MatchCountPorts = {
    runs: {
      countMatches: async (batch: MatchBatch) => {
        const amount = amounts.get(batch.run_id);
        if (amount === undefined) return null;
        if (countedBatches.has(batch.batch_id)) return amount;
        countedBatches.add(batch.batch_id);
        amounts.set(batch.run_id, amount + batch.matches.length);
        return amount + batch.matches.length;
      },
    },
    metrics,
    feed,
    logger,
    now: () => 1_250,
  };
  return { ports, amounts, feed, metrics, logger };
}

const match = (id: string) => ({ tweet: aTweet(id, "bieber"), phrases: ["bieber"] });

describe("countMatchBatch", () => {
  it("counts a batch's matches into its run, observes its latency from the launcher's pull, and tells the live view", async () => {
    const { ports, amounts, feed, metrics } = statisticsWorker(["run-1"]);

    await countMatchBatch(ports, aMatchBatch("run-1", "run-1:0-2", [match("1"), match("2")], 1_000));

    expect(amounts.get("run-1")).toBe(2);
    expect(metrics.tweets).toEqual({ counted: 2 });
    expect(metrics.latencies).toEqual([250]);
    expect(feed.counted).toHaveBeenCalledWith("run-1");
  });

  it("drops a batch of a run that does not exist: no figures, no notice, one warning", async () => {
    const { ports, feed, metrics, logger } = statisticsWorker([]);

    await countMatchBatch(ports, aMatchBatch("gone", "gone:0-1", [match("1")]));

    expect(metrics.tweets).toEqual({});
    expect(metrics.latencies).toEqual([]);
    expect(feed.counted).not.toHaveBeenCalled();
    expect(logger.lines).toEqual([{ level: "warn", text: "Batch gone:0-1 belongs to no known run; dropped" }]);
  });

  it("fails when the store fails, so that the batch stays unacked and is counted on its next delivery", async () => {
    const { ports, feed } = statisticsWorker(["run-1"]);
    ports.runs = { countMatches: () => Promise.reject(new Error("OOM command not allowed")) };

    await expect(countMatchBatch(ports, aMatchBatch("run-1", "run-1:0-1", [match("1")]))).rejects.toThrow("OOM");
    expect(feed.counted).not.toHaveBeenCalled();
  });
});
