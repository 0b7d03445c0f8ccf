import calculateSlot from "cluster-key-slot";
import type { Match } from "../../../contracts/messages";
import { Tweet } from "../../../contracts/tweet";
import { usageOf } from "../../../sources/x/usage";
import { FollowStore } from "../../../store/follow-store";
import { redisKeys } from "../../../store/keys";
import type { RedisClient } from "../../../store/redis";
import { RunStore, type RunSettings } from "../../../store/run-store";
import { SCRIPT_CODES } from "../../../store/script-codes";
import { LuaScript, scripts } from "../../../store/scripts";
import { TimelineStore } from "../../../store/timeline-store";
import { TopValuesStore } from "../../../store/top-values-store";
import { XApiStore } from "../../../store/x-api-store";

/**
 * On a Redis Cluster a script runs only when all its keys hash to one slot. Every store method that
 * runs a script is called here with the keys cluster mode names, over a Redis that answers every
 * command with an empty value; each script's keys, as the store built them, must share a slot.
 */

const calls: { script: string; keys: readonly string[] }[] = [];

/** What the scripts answer here: enough for each store method to get past its call. */
const REPLIES: Record<string, unknown> = {
  admit_matches: [0, 0],
  count_matches: 1,
  follow: [SCRIPT_CODES.DONE, 0],
  read_top: [],
  reserve_x_rule_requests: [SCRIPT_CODES.DONE, 0],
  note_x_usage: [],
};

/** A Redis whose every command answers as an empty one would: no key, no member. */
const emptyRedis = new Proxy(
  {},
  {
    get: (_target, command: string) => () =>
      Promise.resolve(
        { zrange: ["run-a", "run-b"], zcard: 5, hgetall: {}, smembers: [], hmget: [], mget: [] }[command] ?? null,
      ),
  },
) as unknown as RedisClient;

const settings: RunSettings = {
  track: ["bieber"],
  rules: ["from:someone"],
  languages: [],
  max_tweets: 10,
  duration: null,
  source: "generator",
  seed: 1,
};

const match: Match = {
  tweet: Tweet.parse({
    id: "1000000000000000001",
    text: "bieber #pop @fan https://example.com",
    author: { id: "7", username: "someone" },
    created_at: new Date(0).toISOString(),
    hashtags: ["pop"],
    mentions: ["fan"],
  }),
  phrases: ["bieber"],
  rules: ["from:someone"],
};

beforeAll(async () => {
  jest.spyOn(LuaScript.prototype, "run").mockImplementation(async function (this: LuaScript, _redis, keys) {
    calls.push({ script: this.name, keys });
    return REPLIES[this.name.replaceAll("-", "_")] ?? SCRIPT_CODES.DONE;
  });
  const keys = redisKeys("mesh", { hashTags: true });
  const runs = new RunStore(emptyRedis, keys);
  const attempts = [
    runs.launch(settings, 1_000),
    runs.end("run-a", "stopped", 2_000),
    runs.recordSourceHealth("run-a", { reconnects: 1, dropped: 0 }),
    runs.recordStreaming("run-a", 1_500),
    runs.admitMatches({ run_id: "run-a", batch_id: "b1", sent_at: 1_500, matches: [match] }, 1_500),
    runs.countMatches({ run_id: "run-a", batch_id: "b1", examined: 10, matches: [match], sent_at: 1_500 }, 1_500),
    runs.endedRunTotals(0),
    runs.releaseLaunchKey("key-1", "attempt-1"),
    runs.holdStreamLease("worker-1", 1_000),
    runs.releaseStreamLease("worker-1"),
    new FollowStore(emptyRedis, keys, { subscribers: 10, followsPerSubscriber: 10 }).follow("sub", ["@a", "7"], ["x"]),
    new FollowStore(emptyRedis, keys, { subscribers: 10, followsPerSubscriber: 10 }).unfollow("sub", ["7"], ["x"]),
    new TopValuesStore(emptyRedis, keys).top("run-a", "hashtags", "run", 10, 1_000),
    new TopValuesStore(emptyRedis, keys).top("run-a", "hashtags", "10m", 10, 1_000),
    new TimelineStore(emptyRedis, keys, { cap: 10, tweetTtl: 60 }).add("run-a", [], [], [match]),
    new XApiStore(emptyRedis, keys).reserveRuleRequests(3, 100, 900_000),
    new XApiStore(emptyRedis, keys).newlyReached(usageOf(100, 90, 14, 0), [80]),
  ];
  // The store's reading of an empty reply may fail: only the keys it sent matter here.
  await Promise.all(attempts.map((attempt) => Promise.resolve(attempt).catch(() => undefined)));
});

afterAll(() => jest.restoreAllMocks());

it("calls every script of store/scripts.ts", () => {
  const called = new Set(calls.map((call) => call.script));
  expect(Object.values(scripts).filter((script) => !called.has(script.name))).toEqual([]);
});

it.each(Object.values(scripts).map((script) => [script.name]))(
  "%s: the keys of each call share one hash slot",
  (name) => {
    const own = calls.filter((call) => call.script === name);
    expect(own.length).toBeGreaterThan(0);
    for (const { keys } of own)
      expect({ keys, slot: calculateSlot.generateMulti(keys) >= 0 }).toEqual({ keys, slot: true });
  },
);

it("the same keys without hash tags (one Redis) do not, for the scripts that join several", () => {
  const plain = redisKeys("mesh");
  const keys = [
    plain.run("run-a"),
    plain.admittedTweets("run-a"),
    plain.admittedBatches("run-a"),
    plain.endedRunTotals,
  ];
  expect(calculateSlot.generateMulti(keys)).toBe(-1);
});
