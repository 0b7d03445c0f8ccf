import type { Match } from "../../../contracts/messages";
import type { DeleteNotice } from "../../../contracts/tweet";
import { storeMatchBatch, type MatchStorePorts } from "../../../timelines/match-batch";
import { aMatchBatch, aTweet } from "../../support/batches";

describe("storeMatchBatch", () => {
  const match: Match = { tweet: aTweet("1", "bieber"), phrases: ["bieber"] };

  it("stores a batch's matches and delete notices in its run's timelines, then shows the matches live", async () => {
    const stored: { runId: string; matches: readonly Match[]; deletes: readonly DeleteNotice[] }[] = [];
    const ports: MatchStorePorts = {
      timelines: { add: async (runId, matches, deletes) => void stored.push({ runId, matches, deletes }) },
      feed: { matched: jest.fn() },
    };
    const batch = { ...aMatchBatch("run-1", "run-1:0-2", [match]), deletes: [{ tweet_id: "9" }] };

    await storeMatchBatch(ports, batch);

    expect(stored).toEqual([{ runId: "run-1", matches: [match], deletes: [{ tweet_id: "9" }] }]);
    expect(ports.feed.matched).toHaveBeenCalledWith("run-1", [match]);
  });

  it("shows nothing live when the store fails: the batch comes again", async () => {
    const ports: MatchStorePorts = {
      timelines: { add: () => Promise.reject(new Error("READONLY")) },
      feed: { matched: jest.fn() },
    };

    await expect(storeMatchBatch(ports, aMatchBatch("run-1", "run-1:0-1", [match]))).rejects.toThrow("READONLY");
    expect(ports.feed.matched).not.toHaveBeenCalled();
  });
});
