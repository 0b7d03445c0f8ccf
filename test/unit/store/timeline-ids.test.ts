import { padId, unpadId } from "../../../store/timeline-store";
import { decodeRun, encodeRun, newRunId } from "../../../store/run-store";
import type { Run } from "../../../contracts/run";

describe("timeline members", () => {
  it("sort lexically in id order, beyond a double's exact range", () => {
    const ids = ["9", "1234567890123456789", "1234567890123456790", "18446744073709551615"];
    expect(ids.map(padId).sort()).toEqual(ids.map(padId));
    expect(ids.map(padId).map(unpadId)).toEqual(ids);
  });

  it("keeps id 0 readable", () => {
    expect(unpadId(padId("0"))).toBe("0");
  });
});

describe("run records", () => {
  const run: Run = {
    id: newRunId(1_700_000_000_000),
    track: ["bieber", "twitter api"],
    rules: ["#nba lang:en"],
    languages: ["en"],
    max_tweets: 100,
    duration: null,
    source: "replay",
    seed: null,
    started_at: 1_700_000_000_000,
    ended_at: 1_700_000_009_000,
    end_reason: "source_failed",
    end_detail: "the X API refused the app's bearer token (401): check X_BEARER_TOKEN",
    reconnects: 2,
    dropped: 5,
    streamed_at: 1_700_000_004_000,
    position: 4,
    published: 3,
    examined: 2,
    amount: 1,
    edits: 2,
    peak_speed: 1,
    peak_at: 1_700_000_003,
  };

  it("survive the trip through a Redis hash", () => {
    const fields = encodeRun(run);
    const hash: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) hash[fields[i] as string] = fields[i + 1] as string;
    expect(decodeRun(hash)).toEqual(run);
  });

  it("get ids that sort by launch time", () => {
    expect(newRunId(1_000) < newRunId(2_000_000)).toBe(true);
    expect(newRunId(5)).toMatch(/^[a-z0-9-]+$/);
  });
});
