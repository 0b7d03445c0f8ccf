import type { Match } from "../../../contracts/messages";
import { Tweet } from "../../../contracts/tweet";
import {
  batchWrites,
  deleteWrites,
  followerSets,
  inPipelines,
  padId,
  timelinesOf,
  type FanOutReads,
} from "../../../store/fan-out";
import type { RedisCommand } from "../../../store/cross-slot";
import { ALL_RUNS, redisKeys } from "../../../store/keys";

const keys = redisKeys("ns");
const limits = { cap: 800, tweetTtl: 60 };

function aMatch(id: string, phrases: string[], author = { id: "42", username: "Bieber" }): Match {
  return { tweet: Tweet.parse({ id, text: `tweet ${id}`, author, created_at: "2013-08-10T11:00:00.000Z" }), phrases };
}

const noReads: FanOutReads = { followers: new Map(), deleted: new Set(), entered: new Map() };

/** The members each ZADD of the commands adds, by timeline key. */
function added(commands: readonly RedisCommand[]): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const [name, key, ...args] of commands) {
    if (name !== "zadd") continue;
    members.set(String(key), args.filter((_, index) => index % 2 === 1).map(String));
  }
  return members;
}

describe("the fan-out of a match", () => {
  it("reads the followers of its author by id and by screen name, and of each phrase, normalized", () => {
    expect(followerSets(keys, aMatch("1", ["Follow  Me", "love"]))).toEqual([
      "ns:followers:author:42",
      "ns:followers:author:@bieber",
      "ns:followers:track:follow me",
      "ns:followers:track:love",
    ]);
  });

  it("enters the run's timeline, its phrases', its author's and each follower's home, in the run and across runs", () => {
    expect(timelinesOf(keys, "run-1", aMatch("1", ["love", "LOVE"]), ["alice", "bob"])).toEqual([
      "ns:timeline:run-1",
      "ns:timeline:run-1:track:love",
      "ns:timeline:run-1:author:42",
      "ns:timeline:run-1:home:alice",
      "ns:timeline:run-1:home:bob",
      `ns:timeline:${ALL_RUNS}:track:love`,
      `ns:timeline:${ALL_RUNS}:author:42`,
      `ns:timeline:${ALL_RUNS}:home:alice`,
      `ns:timeline:${ALL_RUNS}:home:bob`,
    ]);
  });
});

describe("the writes of a match batch", () => {
  const followers = new Map([
    ["ns:followers:author:@bieber", ["alice"]],
    ["ns:followers:track:love", ["bob", "alice"]],
  ]);

  it("adds each tweet once to each home timeline, however many of its follows it matches", () => {
    const commands = batchWrites(keys, limits, "run-1", [aMatch("7", ["love"]), aMatch("9", ["hate"])], [], {
      ...noReads,
      followers,
    });
    const homes = added(commands);
    expect(homes.get("ns:timeline:run-1:home:alice")).toEqual([padId("7"), padId("9")]);
    expect(homes.get("ns:timeline:run-1:home:bob")).toEqual([padId("7")]);
    expect(homes.get(`ns:timeline:${ALL_RUNS}:home:bob`)).toEqual([padId("7")]);
  });

  it("sends one ZADD and one trim per timeline, not one per tweet", () => {
    const matches = Array.from({ length: 50 }, (_, index) => aMatch(String(1000 + index), ["love"]));
    const commands = batchWrites(keys, limits, "run-1", matches, [], noReads);
    const zadds = commands.filter(([name, key]) => name === "zadd" && key === "ns:timeline:run-1:track:love");
    expect(zadds).toHaveLength(1);
    expect(commands).toContainEqual(["zremrangebyrank", "ns:timeline:run-1:track:love", 0, -801]);
  });

  it("stores each body with the TTL and records the timelines the tweet entered", () => {
    const commands = batchWrites(keys, limits, "run-1", [aMatch("7", ["love"])], [], { ...noReads, followers });
    expect(commands).toContainEqual(["set", "ns:tweet:7", expect.stringContaining('"phrases":["love"]'), "EX", 60]);
    const record = commands.find(([name, key]) => name === "sadd" && key === "ns:tweet:7:timelines");
    expect(record?.slice(2)).toEqual(timelinesOf(keys, "run-1", aMatch("7", ["love"]), ["alice", "bob"]));
    expect(commands).toContainEqual(["expire", "ns:tweet:7:timelines", 60]);
  });

  it("leaves out tweets deleted before their fan-out, in this batch or earlier", () => {
    const commands = batchWrites(
      keys,
      limits,
      "run-1",
      [aMatch("7", ["love"]), aMatch("8", ["love"])],
      [{ tweet_id: "8" }],
      {
        ...noReads,
        deleted: new Set(["7"]),
      },
    );
    expect(added(commands).size).toBe(0);
    expect(commands.some(([name, key]) => name === "set" && (key === "ns:tweet:7" || key === "ns:tweet:8"))).toBe(
      false,
    );
  });

  it("removes a deleted tweet from every timeline it entered, its body and record, and leaves a tombstone", () => {
    expect(deleteWrites(keys, limits, "7", ["ns:timeline:run-1", "ns:timeline:run-1:home:alice"])).toEqual([
      ["set", "ns:tweet:7:deleted", "1", "EX", 3660],
      ["del", "ns:tweet:7"],
      ["del", "ns:tweet:7:timelines"],
      ["zrem", "ns:timeline:run-1", padId("7")],
      ["zrem", "ns:timeline:run-1:home:alice", padId("7")],
    ]);
  });

  it("splits commands into pipelines of bounded size", () => {
    const commands: RedisCommand[] = Array.from({ length: 25 }, (_, index) => ["get", `k${index}`]);
    expect(inPipelines(commands, 10).map((pipeline) => pipeline.length)).toEqual([10, 10, 5]);
    expect(inPipelines([], 10)).toEqual([]);
  });
});
