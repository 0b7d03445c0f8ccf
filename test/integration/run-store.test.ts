import type { Match } from "../../contracts/messages";
import type { Tweet } from "../../contracts/tweet";
import { RefusedMessage } from "../../core/refused-message";
import { snowflakeAt } from "../../sources/payloads/snowflake";
import { RunStore, type RunSettings } from "../../store/run-store";
import { scripts } from "../../store/scripts";
import { SeriesStore } from "../../store/series-store";
import { TopValuesStore } from "../../store/top-values-store";
import { TimelineStore } from "../../store/timeline-store";
import { describeEachRedis } from "../support/redis-targets";

const settings: RunSettings = {
  track: ["bieber"],
  rules: [],
  languages: [],
  max_tweets: null,
  duration: null,
  source: "generator",
  seed: 1,
};

function tweet(id: string): Tweet {
  return {
    id,
    text: `tweet ${id}`,
    author: { id: "1", username: "someone" },
    hashtags: [],
    mentions: [],
    urls: [],
    created_at: new Date(0).toISOString(),
    lang: "en",
    referenced: [],
  };
}

/** When the batches of these tests were sent: one second, so none is late for another. */
const SENT_AT = 1_700_000_000_000;

const match = (id: string, phrases = ["bieber"]): Match => ({ tweet: tweet(id), phrases });

describeEachRedis("the Redis stores", ({ redis, namespace: newNamespace, keys: keysOf, keysMatching }) => {
  const keys = keysOf(newNamespace());
  const runs = new RunStore(redis, keys);
  /** A run's windowed exactly-once state: each kind's index and buckets. */
  const dedupKeys = (runId: string) => keysMatching(`${keys.run(runId)}:dedup:*`);

  it("loads every Lua script", async () => {
    for (const script of Object.values(scripts)) await expect(script.ensureLoaded(redis)).resolves.toBeUndefined();
  });

  describe("runs", () => {
    it("a launch ends the active run as replaced", async () => {
      const first = await runs.launch(settings, 1_000);
      const second = await runs.launch(settings, 2_000);
      expect(second.replacedRunId).toBe(first.run.id);
      expect(await runs.get(first.run.id)).toMatchObject({ ended_at: 2_000, end_reason: "replaced" });
      expect((await runs.current())?.id).toBe(second.run.id);
    });

    it("concurrent launches leave exactly one run running", async () => {
      const launched = await Promise.all(Array.from({ length: 10 }, () => runs.launch(settings)));
      const current = await runs.current();
      const all = await Promise.all(launched.map(({ run }) => runs.get(run.id)));
      expect(all.filter((run) => run?.ended_at === null).map((run) => run?.id)).toEqual([current?.id]);
      const replaced = launched.map((result) => result.replacedRunId).filter((id) => id !== null);
      expect(new Set(replaced).size).toBe(replaced.length);
    });

    it("ends a run once: the first reason wins", async () => {
      const { run } = await runs.launch(settings);
      expect(await runs.end(run.id, "stopped", 5_000)).toBe(true);
      expect(await runs.end(run.id, "duration", 6_000)).toBe(false);
      expect(await runs.get(run.id)).toMatchObject({ ended_at: 5_000, end_reason: "stopped" });
      expect(await runs.end("nosuchrun-1", "stopped")).toBe(false);
    });

    it("lists runs newest first", async () => {
      const listed = (await runs.page(3)).runs;
      expect(listed.map((run) => run.started_at)).toEqual(
        [...listed.map((run) => run.started_at)].sort((a, b) => b - a),
      );
    });

    it("pages runs newest first by cursor, without gaps or repeats, to an empty cursor", async () => {
      const own = new RunStore(redis, keysOf(newNamespace("paging")));
      const launched: string[] = [];
      for (let index = 0; index < 5; index++) launched.push((await own.launch(settings, 1_000 + index)).run.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await own.page(2, cursor);
        seen.push(...page.runs.map((run) => run.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual([...launched].reverse());
      expect(await own.page(2, "unknown-1")).toEqual({ runs: [], nextCursor: null });
    });
  });

  describe("totals across runs", () => {
    // A namespace of their own: the sums cover every run of it.
    const totalsKeys = keysOf(newNamespace("totals"));
    const store = new RunStore(redis, totalsKeys);
    const batch = (runId: string, batchId: string, matches: Match[]) => ({
      run_id: runId,
      batch_id: batchId,
      sent_at: 5_000,
      examined: matches.length * 10,
      matches,
    });

    it("keeps the sums of ended runs as they end: replaced, ended, and batches counted after the end", async () => {
      expect(await store.endedRunTotals(0)).toEqual({ runs: 0, amount: 0, examined: 0, elapsed: 0 });
      const first = await store.launch(settings, 1_000);
      await store.countMatches(batch(first.run.id, "a0", [match("1"), match("2")]));
      const second = await store.launch(settings, 4_500);
      expect(await store.endedRunTotals(1)).toEqual({ runs: 1, amount: 2, examined: 20, elapsed: 3 });

      await store.countMatches(batch(second.run.id, "b0", [match("3")]));
      await store.end(second.run.id, "stopped", 10_000);
      await store.end(second.run.id, "duration", 11_000);
      // In flight when the run ended, and then delivered twice.
      await store.countMatches(batch(second.run.id, "b1", [match("4")]));
      await store.countMatches(batch(second.run.id, "b1", [match("4")]));
      expect(await store.endedRunTotals(0)).toEqual({ runs: 2, amount: 4, examined: 40, elapsed: 8 });
    });

    it("sums the runs anew when the sums are gone or miss a run, then keeps them again", async () => {
      const expected = await store.endedRunTotals(0);
      await redis.del(totalsKeys.endedRunTotals);
      expect(await store.endedRunTotals(0)).toEqual(expected);

      // A run ended by a version that kept no sums (a rolling deploy): the count of runs says so.
      const third = await store.launch(settings, 20_000);
      await store.countMatches(batch(third.run.id, "c0", [match("5")]));
      await redis.hset(totalsKeys.run(third.run.id), "ended_at", 22_000, "end_reason", "stopped");
      expect(await store.endedRunTotals(0)).toEqual({
        runs: 3,
        amount: expected.amount + 1,
        examined: expected.examined + 10,
        elapsed: expected.elapsed + 2,
      });
      await store.launch(settings, 30_000);
      expect((await store.endedRunTotals(1)).runs).toBe(3);
    });

    it("adds a run that max_tweets ended at its admission", async () => {
      const before = await store.endedRunTotals(1);
      const capped = await store.launch({ ...settings, max_tweets: 1 }, 40_000);
      await store.admitMatches(
        { run_id: capped.run.id, batch_id: "m0", sent_at: 43_000, matches: [match("9")] },
        43_000,
      );
      expect(await store.get(capped.run.id)).toMatchObject({ end_reason: "max_tweets" });
      const after = await store.endedRunTotals(0);
      // The run it replaced (open since 30 s) joins the sums, and the capped one (3 s) at its admission.
      expect(after).toMatchObject({ runs: before.runs + 2, elapsed: before.elapsed + 13 });
    });
  });

  describe("admitting and counting matches", () => {
    it("admits each tweet once per run, and a redelivered batch the same way", async () => {
      const { run } = await runs.launch(settings);
      const first = await runs.admitMatches({
        run_id: run.id,
        batch_id: "b0",
        sent_at: SENT_AT,
        matches: [match("1"), match("2")],
      });
      const again = await runs.admitMatches({
        run_id: run.id,
        batch_id: "b0",
        sent_at: SENT_AT,
        matches: [match("1"), match("2")],
      });
      const overlapping = await runs.admitMatches({
        run_id: run.id,
        batch_id: "b1",
        sent_at: SENT_AT,
        matches: [match("2"), match("3")],
      });
      expect(first?.admitted.map((m) => m.tweet.id)).toEqual(["1", "2"]);
      expect(again?.admitted.map((m) => m.tweet.id)).toEqual(["1", "2"]);
      expect(overlapping?.admitted.map((m) => m.tweet.id)).toEqual(["3"]);
      expect(await runs.admitMatches({ run_id: run.id, batch_id: "b2", sent_at: SENT_AT, matches: [] })).toEqual({
        admitted: [],
        late: 0,
      });
    });

    it("stops admitting at max_tweets and ends the run", async () => {
      const { run } = await runs.launch({ ...settings, max_tweets: 3 });
      const admitted = await runs.admitMatches(
        { run_id: run.id, batch_id: "b0", sent_at: 7_000, matches: ["1", "2", "3", "4", "5"].map((id) => match(id)) },
        7_000,
      );
      expect(admitted?.admitted.map((m) => m.tweet.id)).toEqual(["1", "2", "3"]);
      expect(
        (await runs.admitMatches({ run_id: run.id, batch_id: "b1", sent_at: 7_000, matches: [match("6")] }, 7_000))
          ?.admitted,
      ).toEqual([]);
      expect(await runs.get(run.id)).toMatchObject({ ended_at: 7_000, end_reason: "max_tweets" });
    });

    it("counts a batch once however often it is delivered", async () => {
      const { run } = await runs.launch(settings);
      const batch = {
        run_id: run.id,
        batch_id: "b0",
        sent_at: 1_700_000_000_500,
        examined: 10,
        matches: [match("1", ["a", "b"]), match("2", ["a"])],
      };
      expect(await runs.countMatches(batch)).toBe(2);
      expect(await runs.countMatches(batch)).toBe(2);
      expect(await runs.countMatches({ ...batch, batch_id: "b1", examined: 5, matches: [match("3", ["b"])] })).toBe(3);
      expect(await runs.get(run.id)).toMatchObject({ amount: 3, examined: 15 });
      expect(await runs.phraseCounts(run.id)).toEqual({ a: 2, b: 2 });
    });

    it("with STATISTICS_STATE off, counts a batch once, exactly, and writes no series nor top values", async () => {
      const countsOnly = new RunStore(redis, keys, { statisticsState: false });
      const { run } = await countsOnly.launch({ ...settings, track: ["a", "b"] });
      const batch = {
        run_id: run.id,
        batch_id: "off0",
        sent_at: 1_700_000_000_500,
        examined: 10,
        matches: [match("1", ["a", "b"]), match("2", ["a"])],
      };
      expect(await countsOnly.countMatches(batch)).toBe(2);
      expect(await countsOnly.countMatches(batch)).toBe(2);
      expect(
        await countsOnly.countMatches({ ...batch, batch_id: "off1", examined: 5, matches: [match("3", ["b"])] }),
      ).toBe(3);
      expect(await countsOnly.get(run.id)).toMatchObject({ amount: 3, examined: 15, peak_speed: 0, peak_at: null });
      expect(await countsOnly.phraseCounts(run.id)).toEqual({ a: 2, b: 2 });
      expect(await keysMatching(`${keys.run(run.id)}:series:*`)).toEqual([]);
      expect(await keysMatching(`${keys.run(run.id)}:top:*`)).toEqual([]);
    });

    it("keeps the series of both clocks and the peak second in the same once-only step", async () => {
      const { run } = await runs.launch({ ...settings, track: ["a", "b"] });
      const at = (iso: string, id: string, phrases: string[]): Match => ({
        tweet: { ...tweet(id), created_at: iso },
        phrases,
      });
      const first = {
        run_id: run.id,
        batch_id: "s0",
        sent_at: 1_700_000_010_900,
        examined: 3,
        matches: [
          at("2023-11-14T22:13:05.000Z", "1", ["a"]),
          at("2023-11-14T22:13:05.999Z", "2", ["a", "b"]),
          at("2023-11-14T22:14:01.000Z", "3", ["b"]),
        ],
      };
      await runs.countMatches(first);
      await runs.countMatches(first);
      await runs.countMatches({ ...first, batch_id: "s1", sent_at: 1_700_000_011_000, matches: [first.matches[0]!] });
      const series = new SeriesStore(redis, keys);
      const event = (fields: string[]) => series.counts(run.id, "event", fields);
      const second = Math.floor(Date.parse("2023-11-14T22:13:05Z") / 1000);
      expect(await event([`1s:${second}`, `1s:${second}:a`, `1s:${second}:b`])).toEqual([3, 3, 1]);
      expect(await event([`1m:${second - (second % 60)}`, `1h:${second - (second % 3600)}`])).toEqual([3, 4]);
      expect(await series.span(run.id, "event")).toEqual({ first: second, last: second + 56 });
      const ingest = (fields: string[]) => series.counts(run.id, "ingest", fields);
      expect(await ingest(["1s:1700000010", "1s:1700000011", "10s:1700000010", "1s:1700000012"])).toEqual([3, 1, 4, 0]);
      expect(await series.span(run.id, "ingest")).toEqual({ first: 1_700_000_010, last: 1_700_000_011 });
      expect(await runs.get(run.id)).toMatchObject({ amount: 4, peak_speed: 3, peak_at: 1_700_000_010 });
    });

    it("keeps top values once per batch, highest first and ties by value, trimmed past capacity and then approximate", async () => {
      const small = new RunStore(redis, keys, { deduplicationTtl: 3600, topCapacity: { run: 10, bucket: 10 } });
      const { run } = await small.launch(settings);
      const tagged = (id: string, hashtags: string[]): Match => ({
        tweet: { ...tweet(id), hashtags },
        phrases: ["bieber"],
      });
      const batch = {
        run_id: run.id,
        batch_id: "t0",
        sent_at: Date.now(),
        examined: 4,
        matches: [tagged("1", ["b", "a"]), tagged("2", ["c", "B"]), tagged("3", ["a"]), tagged("4", ["z"])],
      };
      await small.countMatches(batch);
      await small.countMatches(batch);
      const top = new TopValuesStore(redis, keys);
      const now = Math.floor(batch.sent_at / 1000);
      expect(await top.top(run.id, "hashtags", "run", 3, now)).toEqual({
        items: [
          { value: "a", count: 2 },
          { value: "b", count: 2 },
          { value: "c", count: 1 },
        ],
        approximate: false,
      });
      expect((await top.top(run.id, "hashtags", "60s", 10, now)).items).toHaveLength(4);
      expect((await top.top(run.id, "languages", "10m", 10, now)).items).toEqual([{ value: "en", count: 4 }]);
      // A window long past holds nothing.
      expect((await top.top(run.id, "hashtags", "60s", 10, now + 3600)).items).toEqual([]);

      // Twelve one-off tags more: past 10 + 1 the least counted go, and the answers say they may be low.
      const many = Array.from({ length: 12 }, (_, index) => tagged(String(10 + index), [`tag${index}`]));
      await small.countMatches({ ...batch, batch_id: "t1", matches: many });
      const trimmed = await top.top(run.id, "hashtags", "run", 100, now);
      expect(trimmed.approximate).toBe(true);
      expect(trimmed.items).toHaveLength(10);
      expect(trimmed.items.slice(0, 2)).toEqual([
        { value: "a", count: 2 },
        { value: "b", count: 2 },
      ]);
      expect(await keysMatching(keys.topScratch(run.id, "*"))).toEqual([]);
    });

    it("lets the de-duplication state of a run expire after its last batch", async () => {
      const { run } = await runs.launch(settings);
      const tweetId = snowflakeAt(SENT_AT, 1, 0);
      await runs.admitMatches({ run_id: run.id, batch_id: "b0", sent_at: SENT_AT, matches: [match(tweetId)] });
      await runs.countMatches({
        run_id: run.id,
        batch_id: "b0",
        sent_at: SENT_AT,
        examined: 1,
        matches: [match(tweetId)],
      });
      const state = await dedupKeys(run.id);
      expect(state.length).toBe(6);
      for (const key of state) {
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(6 * 24 * 3600);
        expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
      }
      expect(await redis.ttl(keys.run(run.id))).toBe(-1);
    });

    it("answers null for a run that does not exist", async () => {
      expect(
        await runs.admitMatches({ run_id: "gone-1", batch_id: "b0", sent_at: SENT_AT, matches: [match("1")] }),
      ).toBeNull();
      expect(
        await runs.countMatches({ run_id: "gone-1", batch_id: "b0", sent_at: 0, examined: 1, matches: [] }),
      ).toBeNull();
    });
  });

  describe("the de-duplication window", () => {
    const WINDOW = 10;
    const windowed = new RunStore(redis, keys, { deduplicationWindow: WINDOW });
    /** A batch of the run sent at `sentAt`, matching tweets made that many ms before it. */
    const batchOf = (runId: string, batchId: string, sentAt: number, tweetIds: string[]) => ({
      run_id: runId,
      batch_id: `${runId}:${batchId}`,
      sent_at: sentAt,
      examined: tweetIds.length,
      matches: tweetIds.map((id) => match(id)),
    });
    const idAt = (ms: number, sequence = 0) => snowflakeAt(ms, 1, sequence);

    it("keeps a run's state to its window: the buckets it left behind are deleted whole", async () => {
      const { run } = await windowed.launch(settings);
      // 60 s of a stream, 20 matched tweets a second, a batch a second.
      for (let second = 0; second < 60; second++) {
        const sentAt = SENT_AT + second * 1000;
        const ids = Array.from({ length: 20 }, (_, n) => idAt(sentAt - 1000 + n * 50, n));
        const batch = batchOf(run.id, `${second * 1000}-${second * 1000 + 20}`, sentAt, ids);
        expect((await windowed.admitMatches(batch, sentAt))?.admitted).toHaveLength(20);
        await windowed.countMatches(batch, sentAt);
      }
      expect(await windowed.get(run.id)).toMatchObject({ amount: 1200 });
      const counts = await Promise.all(
        (["tweets", "admitted", "counted"] as const).map(async (kind) => {
          const { index, prefix } = keys.dedupBuckets(run.id, kind);
          const buckets = await redis.zrange(index, 0, -1);
          const existing = await keysMatching(`${prefix}*`);
          return { kind, buckets: buckets.length, existing: existing.length };
        }),
      );
      // The window and the bucket it is in: 40 quarter seconds of tweets; the batch records of the last
      // 10 s, in buckets of 10,000 source items (10 s here), the newest two.
      expect(counts).toEqual([
        { kind: "tweets", buckets: 41, existing: 41 },
        { kind: "admitted", buckets: 2, existing: 2 },
        { kind: "counted", buckets: 2, existing: 2 },
      ]);
      const tweetIds = await Promise.all(
        (await keysMatching(`${keys.dedupBuckets(run.id, "tweets").prefix}*`)).map((key) => redis.scard(key)),
      );
      expect(tweetIds.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual((WINDOW + 1) * 20);
      expect(
        await redis.object(
          "ENCODING",
          `${keys.dedupBuckets(run.id, "tweets").prefix}${Math.floor((SENT_AT + 58_500) / 250)}`,
        ),
      ).toBe("intset");
    });

    it("answers a batch redelivered within the window as before, and refuses one that came back after it, recorded or not", async () => {
      const { run } = await windowed.launch(settings);
      const first = batchOf(run.id, "0-2", SENT_AT, [idAt(SENT_AT - 100), idAt(SENT_AT - 50)]);
      expect((await windowed.admitMatches(first, SENT_AT))?.admitted).toHaveLength(2);
      expect(await windowed.countMatches(first, SENT_AT)).toBe(2);
      const within = batchOf(run.id, "2-3", SENT_AT + 9_000, [idAt(SENT_AT + 8_900)]);
      await windowed.admitMatches(within, SENT_AT + 9_000);
      await windowed.countMatches(within, SENT_AT + 9_000);
      expect((await windowed.admitMatches(first, SENT_AT + 9_000))?.admitted).toHaveLength(2);
      expect(await windowed.countMatches(first, SENT_AT + 9_000)).toBe(3);

      const later = batchOf(run.id, "3-4", SENT_AT + 12_000, [idAt(SENT_AT + 11_900)]);
      await windowed.admitMatches(later, SENT_AT + 12_000);
      expect(await windowed.countMatches(later, SENT_AT + 12_000)).toBe(4);
      await expect(windowed.admitMatches(first, SENT_AT + 12_000)).rejects.toThrow(RefusedMessage);
      await expect(windowed.countMatches(first, SENT_AT + 12_000)).rejects.toThrow(
        /^late: batch \S+:0-2, sent at .+, came back more than DEDUP_WINDOW \(10 s\) after its run's newest batch/,
      );
      expect(await windowed.get(run.id)).toMatchObject({ amount: 4, examined: 4 });
    });

    it("answers and counts a batch of the same range cut again, sent later, as the first time", async () => {
      const { run } = await windowed.launch(settings);
      const ids = [idAt(SENT_AT - 100), idAt(SENT_AT - 50)];
      const first = batchOf(run.id, "0-2", SENT_AT, ids);
      await windowed.admitMatches(first, SENT_AT);
      expect(await windowed.countMatches(first, SENT_AT)).toBe(2);
      // A launcher that took the run over pulls the same two items again, two seconds later.
      const again = { ...first, sent_at: SENT_AT + 2_000 };
      expect((await windowed.admitMatches(again, SENT_AT + 2_000))?.admitted.map((m) => m.tweet.id)).toEqual(ids);
      expect(await windowed.countMatches(again, SENT_AT + 2_000)).toBe(2);
      expect(await windowed.get(run.id)).toMatchObject({ amount: 2, examined: 2 });
    });

    it("admits a tweet once within the window, and leaves out one that came back after it as late", async () => {
      const { run } = await windowed.launch(settings);
      const early = idAt(SENT_AT);
      await windowed.admitMatches(batchOf(run.id, "0-1", SENT_AT, [early]), SENT_AT);
      const resent = await windowed.admitMatches(
        batchOf(run.id, "1-3", SENT_AT + 5_000, [early, idAt(SENT_AT + 5_000)]),
      );
      expect(resent).toMatchObject({ admitted: [{ tweet: { id: idAt(SENT_AT + 5_000) } }], late: 0 });
      await windowed.admitMatches(batchOf(run.id, "3-4", SENT_AT + 20_000, [idAt(SENT_AT + 20_000)]));
      const late = await windowed.admitMatches(
        batchOf(run.id, "4-6", SENT_AT + 21_000, [early, idAt(SENT_AT + 21_000)]),
      );
      expect(late?.admitted.map((m) => m.tweet.id)).toEqual([idAt(SENT_AT + 21_000)]);
      expect(late?.late).toBe(1);
      // Redelivered, the batch is answered from its record, late tweet left out as before.
      const again = await windowed.admitMatches(
        batchOf(run.id, "4-6", SENT_AT + 21_000, [early, idAt(SENT_AT + 21_000)]),
      );
      expect(again?.admitted.map((m) => m.tweet.id)).toEqual([idAt(SENT_AT + 21_000)]);
      expect(await redis.hget(keys.run(run.id), "late_tweets")).toBe("1");
    });

    it("caps a run at max_tweets by its count of admissions", async () => {
      const { run } = await windowed.launch({ ...settings, max_tweets: 3 });
      const ids = [0, 1, 2, 3, 4].map((n) => idAt(SENT_AT, n));
      const first = await windowed.admitMatches(batchOf(run.id, "0-2", SENT_AT, ids.slice(0, 2)), SENT_AT);
      const second = await windowed.admitMatches(batchOf(run.id, "2-5", SENT_AT + 1_000, ids.slice(1)), SENT_AT);
      expect([...(first?.admitted ?? []), ...(second?.admitted ?? [])].map((m) => m.tweet.id)).toEqual(ids.slice(0, 3));
      expect(await windowed.get(run.id)).toMatchObject({ end_reason: "max_tweets" });
    });

    it("refuses a batch sent further ahead of the worker's clock than the window", async () => {
      const { run } = await windowed.launch(settings);
      const ahead = batchOf(run.id, "0-1", SENT_AT + 11_000, [idAt(SENT_AT)]);
      await expect(windowed.admitMatches(ahead, SENT_AT)).rejects.toThrow(/more than DEDUP_WINDOW \(10 s\) ahead/);
      await expect(windowed.countMatches(ahead, SENT_AT)).rejects.toThrow(RefusedMessage);
      expect(await windowed.get(run.id)).toMatchObject({ amount: 0 });
    });

    it("still reads what 0.2 workers recorded: their batches are answered and counted once", async () => {
      const { run } = await windowed.launch(settings);
      const tweetId = idAt(SENT_AT);
      const batch = batchOf(run.id, "0-2", SENT_AT, [tweetId, idAt(SENT_AT, 1)]);
      await redis.hset(keys.admittedBatches(run.id), batch.batch_id, "[1]");
      await redis.sadd(keys.admittedTweets(run.id), tweetId);
      await redis.sadd(keys.countedBatches(run.id), batch.batch_id);
      expect((await windowed.admitMatches(batch, SENT_AT))?.admitted.map((m) => m.tweet.id)).toEqual([
        idAt(SENT_AT, 1),
      ]);
      expect(await windowed.countMatches(batch, SENT_AT)).toBe(0);
      const resent = await windowed.admitMatches(batchOf(run.id, "0-1", SENT_AT, [tweetId]), SENT_AT);
      expect(resent?.admitted).toEqual([]);
    });
  });

  describe("the stream lease", () => {
    it("is held by one worker at a time, renewed by it, released only by it", async () => {
      expect(await runs.holdStreamLease("a", 10_000)).toBe(true);
      expect(await runs.holdStreamLease("b", 10_000)).toBe(false);
      expect(await runs.holdStreamLease("a", 10_000)).toBe(true);
      await runs.releaseStreamLease("b");
      expect(await runs.streaming()).toBe(true);
      await runs.releaseStreamLease("a");
      expect(await runs.streaming()).toBe(false);
      expect(await runs.holdStreamLease("b", 10_000)).toBe(true);
      await runs.releaseStreamLease("b");
    });

    it("expires when its holder stops renewing it", async () => {
      expect(await runs.holdStreamLease("a", 50)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await runs.holdStreamLease("b", 10_000)).toBe(true);
      await runs.releaseStreamLease("b");
    });
  });

  describe("timelines", () => {
    const timelines = new TimelineStore(redis, keys, { cap: 5, tweetTtl: 60 });

    it("holds each tweet once, newest first, capped, and pages without gaps", async () => {
      const ids = ["100", "105", "101", "104", "103", "102", "106"];
      await timelines.add(
        "run-a",
        ids.map((id) => match(id)),
        [],
      );
      await timelines.add(
        "run-a",
        ids.map((id) => match(id)),
        [],
      );
      const first = await timelines.page({ runId: "run-a", limit: 2 });
      const second = await timelines.page({ runId: "run-a", limit: 2, before: first.nextCursor ?? undefined });
      const third = await timelines.page({ runId: "run-a", limit: 2, before: second.nextCursor ?? undefined });
      const pages = [first, second, third].flatMap((page) => page.entries.map((entry) => entry.tweet.id));
      expect(pages).toEqual(["106", "105", "104", "103", "102"]);
      expect(third.nextCursor).toBeNull();
    });

    it("keeps a timeline per track phrase", async () => {
      await timelines.add("run-b", [match("1", ["a"]), match("2", ["b"]), match("3", ["a", "b"])], []);
      const page = await timelines.page({ runId: "run-b", phrase: "a", limit: 10 });
      expect(page.entries.map((entry) => entry.tweet.id)).toEqual(["3", "1"]);
    });

    it("skips tweets that were deleted", async () => {
      await timelines.add("run-c", [match("1"), match("2"), match("3")], [{ tweet_id: "2" }]);
      const page = await timelines.page({ runId: "run-c", limit: 10 });
      expect(page.entries.map((entry) => entry.tweet.id)).toEqual(["3", "1"]);
    });
  });
});
