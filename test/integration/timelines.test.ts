import { Redis } from "ioredis";
import type { Match } from "../../contracts/messages";
import { Tweet } from "../../contracts/tweet";
import { runCommands } from "../../store/cross-slot";
import { FollowStore, type FollowLimits } from "../../store/follow-store";
import { ALL_RUNS } from "../../store/keys";
import type { RedisClient } from "../../store/redis";
import { TimelineStore, type TimelineLimits } from "../../store/timeline-store";
import { expectReplay, readCaptureInOrder, v1CapturesPresent } from "../support/captures";
import { eventually, REDIS_URL } from "../support/mesh";
import { countRoundTrips } from "../support/redis-round-trips";
import { describeEachRedis } from "../support/redis-targets";
import { referenceMatch } from "../unit/matching/reference-track";

let nextId = 10n ** 18n;
/** A match with a fresh id above every earlier one (ids grow with time, as snowflakes do). */
function aMatch(phrases: string[], author = { id: "42", username: "Bieber" }): Match {
  nextId += 1000n;
  const tweet = Tweet.parse({
    id: String(nextId),
    text: `tweet ${nextId} ${phrases.join(" ")}`,
    author,
    created_at: new Date().toISOString(),
  });
  return { tweet, phrases };
}

/** Every id of a timeline, newest first, through the store's paging. */
async function wholeTimeline(timelines: TimelineStore, key: string, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await timelines.read(key, limit, cursor);
    ids.push(...page.entries.map((entry) => entry.tweet.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

const newestFirst = (ids: string[]): string[] =>
  [...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));

/** How many of the keys exist, asked one key at a time: on a cluster they lie in many slots. */
async function existing(redis: RedisClient, keys: readonly string[]): Promise<number> {
  const found = await Promise.all(keys.map((key) => redis.exists(key)));
  return found.reduce((sum, one) => sum + one, 0);
}

/** The timeline and follow stores against the real Redis and a Redis Cluster, in a namespace of this file's own. */
describeEachRedis("timelines and follows", (target) => {
  const { redis } = target;
  const namespace = target.namespace();
  const keys = target.keys(namespace);
  const follows = new FollowStore(redis, keys, { subscribers: 1000, followsPerSubscriber: 100 });
  const store = (limits: Partial<TimelineLimits> = {}): TimelineStore =>
    new TimelineStore(redis, keys, { cap: 800, tweetTtl: 3600, ...limits });

  describe("follows", () => {
    it("are kept both ways, and unfollowing undoes them", async () => {
      expect(await follows.follow("alice", ["@bieber", "12345"], ["love"])).toEqual({
        subscriber: "alice",
        authors: ["12345", "@bieber"],
        track: ["love"],
      });
      expect(await redis.smembers(keys.authorFollowers("@bieber"))).toEqual(["alice"]);
      expect(await follows.unfollow("alice", ["12345"], ["love"])).toEqual({
        subscriber: "alice",
        authors: ["@bieber"],
        track: [],
      });
      expect(await redis.smembers(keys.phraseFollowers("love"))).toEqual([]);
      expect(await follows.follows("nobody")).toEqual({ subscriber: "nobody", authors: [], track: [] });
    });

    /** A store over a namespace of its own, so that the subscriber count starts at zero. */
    function cappedStore(limits: FollowLimits): FollowStore {
      return new FollowStore(redis, target.keys(target.namespace("caps")), limits);
    }

    it("refuses a new subscriber past MAX_SUBSCRIBERS, and frees the place once one follows nothing", async () => {
      const capped = cappedStore({ subscribers: 2, followsPerSubscriber: 100 });
      await capped.follow("first", ["1"], []);
      await capped.follow("second", [], ["love"]);
      await expect(capped.follow("third", ["2"], [])).rejects.toMatchObject({ limit: "subscribers", held: 2, cap: 2 });
      // Those who follow already may follow more.
      await capped.follow("first", ["3"], ["music"]);
      await capped.unfollow("second", [], ["love"]);
      expect(await capped.follow("third", ["2"], [])).toMatchObject({ authors: ["2"] });
    });

    it("refuses follows past MAX_FOLLOWS_PER_SUBSCRIBER, counting authors and phrases once each", async () => {
      const capped = cappedStore({ subscribers: 10, followsPerSubscriber: 3 });
      await capped.follow("reader", ["1", "1"], ["love"]);
      // Following again what one follows takes no more places.
      await capped.follow("reader", ["1"], ["love"]);
      await expect(capped.follow("reader", ["2", "3"], [])).rejects.toMatchObject({
        limit: "follows",
        held: 2,
        cap: 3,
      });
      expect(await capped.follows("reader")).toEqual({ subscriber: "reader", authors: ["1"], track: ["love"] });
      expect(await capped.follow("reader", ["2"], [])).toMatchObject({ authors: ["1", "2"] });
    });

    it("lets only one of many concurrent new subscribers take the last place", async () => {
      const capped = cappedStore({ subscribers: 5, followsPerSubscriber: 100 });
      for (const subscriber of ["a", "b", "c", "d"]) await capped.follow(subscriber, [], ["the"]);
      const tries = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) => capped.follow(`late-${index}`, [], ["the"])),
      );
      expect(tries.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(1);
      expect(tries.filter((attempt) => attempt.status === "rejected")).toHaveLength(19);
    });
  });

  describe("fan-out on write", () => {
    it("reaches the followers of the author (by screen name or id) and of the phrases, and nobody else", async () => {
      const timelines = store();
      await follows.follow("f-name", ["@justin"], []);
      await follows.follow("f-id", ["777"], []);
      await follows.follow("f-phrase", [], ["pop music"]);
      await follows.follow("f-other", ["@someone"], ["jazz"]);
      const justin = { id: "777", username: "Justin" };
      const byJustin = aMatch(["hello"], justin);
      const aboutPop = aMatch(["Pop  Music"]);
      const neither = aMatch(["hello"]);
      await timelines.add("fan-run", [byJustin, aboutPop, neither], []);

      const home = (subscriber: string) => wholeTimeline(timelines, keys.homeTimeline("fan-run", subscriber));
      expect(await home("f-name")).toEqual([byJustin.tweet.id]);
      expect(await home("f-id")).toEqual([byJustin.tweet.id]);
      expect(await home("f-phrase")).toEqual([aboutPop.tweet.id]);
      expect(await home("f-other")).toEqual([]);
      // Across runs too, and the phrase's and the author's own timelines.
      expect(await wholeTimeline(timelines, keys.homeTimeline(ALL_RUNS, "f-name"))).toEqual([byJustin.tweet.id]);
      expect(await wholeTimeline(timelines, keys.timeline("fan-run", "pop music"))).toEqual([aboutPop.tweet.id]);
      expect(await wholeTimeline(timelines, keys.authorTimeline("fan-run", "42"))).toEqual(
        newestFirst([aboutPop.tweet.id, neither.tweet.id]),
      );
      expect(await timelines.authorId("@justin")).toBe("777");
    });

    it("lands a redelivered batch once", async () => {
      const timelines = store();
      await follows.follow("redelivered", [], ["again"]);
      const batch = [aMatch(["again"]), aMatch(["again"])];
      await timelines.add("redelivery-run", batch, []);
      const before = await redis.zrange(keys.homeTimeline("redelivery-run", "redelivered"), 0, -1);
      await timelines.add("redelivery-run", batch, []);
      await timelines.add("redelivery-run", batch.slice(1), []);
      expect(await redis.zrange(keys.homeTimeline("redelivery-run", "redelivered"), 0, -1)).toEqual(before);
      expect(await wholeTimeline(timelines, keys.timeline("redelivery-run", "again"))).toEqual(
        newestFirst(batch.map((match) => match.tweet.id)),
      );
    });

    it("keeps each timeline to its cap, the newest ids", async () => {
      const timelines = store({ cap: 5 });
      await follows.follow("capped", [], ["capped"]);
      const matches = Array.from({ length: 12 }, () => aMatch(["capped"]));
      await timelines.add("cap-run", matches.slice(0, 7), []);
      await timelines.add("cap-run", matches.slice(7), []);
      const newest = newestFirst(matches.map((match) => match.tweet.id)).slice(0, 5);
      for (const key of [
        keys.timeline("cap-run"),
        keys.timeline("cap-run", "capped"),
        keys.homeTimeline("cap-run", "capped"),
        keys.homeTimeline(ALL_RUNS, "capped"),
      ]) {
        expect(await redis.zcard(key)).toBe(5);
        expect(await wholeTimeline(timelines, key)).toEqual(newest);
      }
    });

    it("lets every timeline expire with its newest body: old runs' home timelines do not pile up", async () => {
      const timelines = store({ tweetTtl: 120 });
      await follows.follow("expiring", [], ["expiring"]);
      await timelines.add("ttl-run", [aMatch(["expiring"])], []);
      for (const key of [
        keys.timeline("ttl-run"),
        keys.timeline("ttl-run", "expiring"),
        keys.authorTimeline("ttl-run", "42"),
        keys.homeTimeline("ttl-run", "expiring"),
        keys.homeTimeline(ALL_RUNS, "expiring"),
      ]) {
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(120);
      }
    });

    it("reaches 10,000 followers in a few round trips, counted on the wire on one Redis", async () => {
      // On a cluster the writes go to each primary in a pipeline of its own, concurrently: counted by node, not here.
      const counted = target.cluster ? null : new Redis(REDIS_URL);
      const client = counted ?? redis;
      try {
        const followers = Array.from({ length: 10_000 }, (_, index) => `fan-${index}`);
        const pipeline = client.pipeline();
        for (const subscriber of followers) pipeline.sadd(keys.authorFollowers("@celebrity"), subscriber);
        await pipeline.exec();
        const timelines = new TimelineStore(client, keys, { cap: 800, tweetTtl: 3600 });
        const tweet = aMatch(["famous"], { id: "1000", username: "Celebrity" });

        const count = counted ? countRoundTrips(counted).count : null;
        await timelines.add("celebrity-run", [tweet], []);
        if (count) {
          console.log(`fan-out to 10,000 followers: ${count.roundTrips} round trips, ${count.commands} commands`);
          // One read, then 60,000-odd writes (ZADD, trim and expiry of 20,000 home timelines) in pipelines of 10,000.
          expect(count.commands).toBeGreaterThan(60_000);
          expect(count.roundTrips).toBeLessThanOrEqual(8);
        }

        const scores = await runCommands(
          client,
          followers.map((subscriber) => [
            "zscore",
            keys.homeTimeline("celebrity-run", subscriber),
            tweet.tweet.id.padStart(20, "0"),
          ]),
        );
        expect(scores.filter((score) => score === "0")).toHaveLength(10_000);
      } finally {
        counted?.disconnect();
      }
    });
  });

  describe("reading", () => {
    it("hydrates a page in one MGET and skips tweets whose body expired, reading on to fill the page", async () => {
      const timelines = store({ tweetTtl: 1 });
      const lasting = store();
      const old = Array.from({ length: 4 }, () => aMatch(["expiry"]));
      const fleeting = Array.from({ length: 6 }, () => aMatch(["expiry"]));
      // The newer tweets' bodies expire first; the timeline itself lives as long as its last write says.
      await timelines.add("expiry-run", fleeting, []);
      await lasting.add("expiry-run", old, []);
      const key = keys.timeline("expiry-run", "expiry");
      expect(await wholeTimeline(lasting, key)).toHaveLength(10);

      const afterExpiry = await eventually(
        () => lasting.read(key, 3),
        (page) => page.entries.length === 3 && page.entries[0]?.tweet.id === old[3]?.tweet.id,
        10000,
        "the short-lived bodies to expire",
      );
      expect(afterExpiry.entries.map((entry) => entry.tweet.id)).toEqual(
        newestFirst(old.map((match) => match.tweet.id)).slice(0, 3),
      );
      expect(await wholeTimeline(lasting, key, 2)).toEqual(newestFirst(old.map((match) => match.tweet.id)));
      expect(await lasting.tweet(fleeting[0]?.tweet.id ?? "")).toBeNull();
    });

    it("pages without duplicates or gaps while newer tweets arrive", async () => {
      const timelines = store();
      const first = Array.from({ length: 60 }, () => aMatch(["paging"]));
      await timelines.add("paging-run", first, []);
      const key = keys.timeline("paging-run", "paging");
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await timelines.read(key, 7, cursor);
        seen.push(...page.entries.map((entry) => entry.tweet.id));
        cursor = page.nextCursor ?? undefined;
        await timelines.add("paging-run", [aMatch(["paging"]), aMatch(["paging"])], []);
      } while (cursor);
      expect(seen).toEqual(newestFirst(first.map((match) => match.tweet.id)));
    });
  });

  describe("deletes", () => {
    it("a notice before the tweet's own batch keeps it out of every timeline", async () => {
      const timelines = store();
      const late = aMatch(["late"]);
      await timelines.add("late-run", [], [{ tweet_id: late.tweet.id }]);
      await timelines.add("late-run", [late], []);
      expect(await redis.zcard(keys.timeline("late-run"))).toBe(0);
      expect(await timelines.tweet(late.tweet.id)).toBeNull();
    });

    const describeWithCaptures = v1CapturesPresent() ? describe : describe.skip;
    describeWithCaptures("of a real v1.1 capture", () => {
      const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
      const TRACK = ["love", "the", "que", "lol", "follow me", "ff"];

      it("remove the tweet from every timeline it entered, home timelines included, and its body", async () => {
        const timelines = store();
        const items = readCaptureInOrder(CAPTURE);
        const expected = expectReplay(CAPTURE, TRACK);
        const deleted = new Set(items.flatMap((item) => (item.kind === "delete" ? [item.tweetId] : [])));
        const authorsOfDeleted = expected.matched
          .filter((tweet) => deleted.has(tweet.id))
          .map((tweet) => tweet.author.id);
        expect(authorsOfDeleted.length).toBeGreaterThan(0);
        await follows.follow("capture-reader", authorsOfDeleted, ["love", "the"]);

        // In file order, 50 source items per batch, as the launcher batches them.
        for (let start = 0; start < items.length; start += 50) {
          const batch = items.slice(start, start + 50);
          const matches = batch.flatMap((item) => {
            if (item.kind !== "tweet") return [];
            const phrases = referenceMatch(TRACK, item.tweet);
            return phrases.length > 0 ? [{ tweet: item.tweet, phrases }] : [];
          });
          await timelines.add(
            "capture-run",
            matches,
            batch.flatMap((item) => (item.kind === "delete" ? [{ tweet_id: item.tweetId }] : [])),
          );
        }

        const shown = expected.shown.map((tweet) => tweet.id);
        expect(await wholeTimeline(timelines, keys.timeline("capture-run"), 200)).toEqual(newestFirst(shown));
        // No id of a deleted tweet is left in any timeline of the namespace, nor a body or a record.
        const gone = expected.matched
          .filter((tweet) => deleted.has(tweet.id))
          .map((tweet) => tweet.id.padStart(20, "0"));
        const captureTimelines = await target.keysMatching(`${keys.timeline("capture-run")}*`);
        expect(captureTimelines.length).toBeGreaterThan(10);
        for (const key of captureTimelines) {
          const scores = await redis.zmscore(key, ...gone);
          expect({ key, left: scores.filter((score) => score !== null).length }).toEqual({ key, left: 0 });
        }
        for (const key of [keys.homeTimeline(ALL_RUNS, "capture-reader"), keys.timeline(ALL_RUNS, "love")]) {
          expect((await redis.zmscore(key, ...gone)).every((score) => score === null)).toBe(true);
        }
        expect(
          await existing(
            redis,
            gone.map((id) => keys.tweet(id.replace(/^0+/, ""))),
          ),
        ).toBe(0);
        expect(
          await existing(
            redis,
            gone.map((id) => keys.tweetTimelines(id.replace(/^0+/, ""))),
          ),
        ).toBe(0);
        const home = await wholeTimeline(timelines, keys.homeTimeline("capture-run", "capture-reader"), 50);
        const followed = new Set(authorsOfDeleted);
        expect(home).toEqual(
          newestFirst(
            expected.shown
              .filter((tweet) => followed.has(tweet.author.id) || referenceMatch(["love", "the"], tweet).length > 0)
              .map((tweet) => tweet.id),
          ),
        );
      });
    });
  });
});
