import type { Pool } from "pg";
import { inTransaction, isDatabaseOutage, migrate, migrateOnceReachable, openDatabase } from "../../archive/database";
import { ArchiveStore } from "../../archive/archive-store";
import type { Match, MatchBatch } from "../../contracts/messages";
import type { Tweet } from "../../contracts/tweet";
import { filterBatch, runFilter } from "../../matching/filter";
import { aMatchBatch, aTweet, RecordingLogger } from "../support/batches";
import { readCaptureInOrder, v1CapturesPresent } from "../support/captures";
import { TestDatabase } from "../support/database";
import { referenceMatch } from "../unit/matching/reference-track";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const TRACK = ["love", "the", "que", "lol"];

interface ArchivedRow {
  run_id: string;
  tweet_id: string;
  text: string | null;
  hashtags: string[];
  domains: string[];
  phrases: string[];
  deleted_at: Date | null;
  original: { id: string } | null;
}

/** The archive's store on a database of this file's own, real PostgreSQL: writes, deletes, edits, retention. */
describe("the tweet archive in PostgreSQL", () => {
  let database: TestDatabase;
  let pool: Pool;
  let store: ArchiveStore;
  const logger = new RecordingLogger();
  const rows = async (runId: string): Promise<ArchivedRow[]> =>
    (
      await pool.query<ArchivedRow>(
        "SELECT run_id, tweet_id::text, text, hashtags, domains, phrases, deleted_at, original FROM archived_tweets WHERE run_id = $1 ORDER BY tweet_id",
        [runId],
      )
    ).rows;
  const match = (tweet: Tweet, phrases = ["bieber"]): Match => ({ tweet, phrases });

  beforeAll(async () => {
    database = await TestDatabase.create();
    await migrate(database.url, logger);
    pool = openDatabase(database.url, logger);
    store = new ArchiveStore(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("migrates once, however often it is asked", async () => {
    await migrate(database.url, logger);
    const { rows: tables } = await pool.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((table) => table.name)).toEqual(["archive_migrations", "archived_tweets", "deleted_tweets"]);
    expect(logger.lines.filter((line) => line.text.startsWith("Archive schema migrated"))).toHaveLength(1);
  });

  it("migrates a new database once when several workers start together, each waiting for the one migrating", async () => {
    const fresh = await TestDatabase.create();
    try {
      const starting = Array.from({ length: 4 }, () =>
        migrateOnceReachable(fresh.url, logger, new AbortController().signal),
      );
      expect(await Promise.all(starting)).toEqual([true, true, true, true]);
    } finally {
      await fresh.drop();
    }
  });

  it("fails a transaction whose connection is lost as an outage, the lost connection's error ending nothing", async () => {
    const failure = await inTransaction(pool, async (client) => {
      const { rows: backends } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await pool.query("SELECT pg_terminate_backend($1)", [backends[0]?.pid]);
      await client.query("SELECT 1");
    }).catch((error: unknown) => error);
    expect(isDatabaseOutage(failure)).toBe(true);
    expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("writes a batch's matches once per run and post, however often it is delivered", async () => {
    const tagged = { ...aTweet("11", "bieber at https://www.Example.com/x"), hashtags: ["Bieber"] };
    const batch = aMatchBatch("run-1", "b0", [
      match({ ...tagged, urls: ["https://www.Example.com/x"] }),
      match({ ...aTweet("12", "bieber again"), created_at: "2026-12-01T23:59:59.000Z" }),
    ]);
    expect(await store.archive(batch)).toBe(2);
    expect(await store.archive(batch)).toBe(0);
    expect(await store.archive({ ...batch, run_id: "run-2" })).toBe(2);
    expect(await rows("run-1")).toMatchObject([
      { tweet_id: "11", text: "bieber at https://www.Example.com/x", hashtags: ["bieber"], domains: ["example.com"] },
      { tweet_id: "12", phrases: ["bieber"], deleted_at: null },
    ]);
    const { rows: partitions } = await pool.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'archived_tweets_p%' ORDER BY tablename",
    );
    expect(partitions.map((partition) => partition.name)).toEqual([
      "archived_tweets_p20261201",
      "archived_tweets_p20261202",
    ]);
  });

  it("keeps a deleted tweet's row without its content, in every run, also when the notice came first", async () => {
    const deleting: MatchBatch = {
      ...aMatchBatch("run-1", "b1", []),
      deletes: [{ tweet_id: "11" }, { tweet_id: "13" }],
    };
    await store.archive(deleting);
    for (const runId of ["run-1", "run-2"]) {
      const [deleted] = await rows(runId);
      expect(deleted).toMatchObject({ tweet_id: "11", text: null, original: null, hashtags: [], domains: [] });
      expect(deleted?.deleted_at).toBeInstanceOf(Date);
    }
    // Tweet 13's notice arrived before the tweet: it is archived as a tombstone at once.
    expect(await store.archive(aMatchBatch("run-1", "b2", [match(aTweet("13", "bieber, deleted"))]))).toBe(1);
    expect((await rows("run-1")).find((row) => row.tweet_id === "13")).toMatchObject({ text: null, original: null });
  });

  it("shows the newest version of an edited post in its row, never an older one", async () => {
    const edit = (id: string, text: string, history: string[]): Tweet => ({
      ...aTweet(id, text),
      edit_history_tweet_ids: history,
    });
    await store.archive(aMatchBatch("run-3", "e0", [match(aTweet("21", "bieber v1"))]));
    await store.archive({
      ...aMatchBatch("run-3", "e1", []),
      edits: [match(edit("25", "bieber v3", ["21", "23", "25"]))],
    });
    await store.archive({ ...aMatchBatch("run-3", "e2", []), edits: [match(edit("23", "bieber v2", ["21", "23"]))] });
    // An edit admitted as its post (its original never matched) is archived under the original's id.
    await store.archive(aMatchBatch("run-3", "e3", [match(edit("32", "now bieber", ["31", "32"]))]));
    expect((await rows("run-3")).map((row) => [row.tweet_id, row.text, row.original?.id])).toEqual([
      ["21", "bieber v3", "25"],
      ["31", "now bieber", "32"],
    ]);
  });

  it("drops whole days before the retention's first, and nothing else", async () => {
    await store.archive(
      aMatchBatch("run-4", "r0", [
        match({ ...aTweet("41", "old bieber"), created_at: "2026-10-01T12:00:00.000Z" }),
        match({ ...aTweet("42", "older bieber"), created_at: "2026-09-30T12:00:00.000Z" }),
        match({ ...aTweet("43", "kept bieber"), created_at: "2026-11-02T00:00:00.000Z" }),
      ]),
    );
    expect(await store.dropDaysBefore("2026-11-02")).toEqual(["2026-09-30", "2026-10-01"]);
    expect((await rows("run-4")).map((row) => row.tweet_id)).toEqual(["43"]);
    expect((await rows("run-1")).map((row) => row.tweet_id)).toEqual(["11", "12", "13"]);
    // Archiving into a dropped day again creates its partition again.
    await store.archive(
      aMatchBatch("run-4", "r1", [match({ ...aTweet("44", "late bieber"), created_at: "2026-10-01T13:00:00.000Z" })]),
    );
    expect((await rows("run-4")).map((row) => row.tweet_id)).toEqual(["43", "44"]);
  });

  it("forgets the delete notices recorded before the retention's first day, in slices, and no other", async () => {
    const noticesBefore = async (day: string): Promise<number> =>
      (
        await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM deleted_tweets WHERE deleted_at < $1", [
          day,
        ])
      ).rows[0]?.count ?? -1;
    const kept = (await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM deleted_tweets")).rows[0]
      ?.count;
    // More old notices than one slice of the delete holds, one on the first kept day's first microsecond.
    await pool.query(
      `INSERT INTO deleted_tweets (tweet_id, deleted_at)
       SELECT 9000000 + n, timestamptz '2026-10-20T00:00:00Z' + n * interval '1 second' FROM generate_series(1, 25000) AS n`,
    );
    await pool.query("INSERT INTO deleted_tweets (tweet_id, deleted_at) VALUES (8999999, '2026-11-02T00:00:00Z')");
    expect(await noticesBefore("2026-11-02")).toBe(25_000);
    expect(await store.forgetDeletesBefore("2026-11-02")).toBe(25_000);
    expect(await noticesBefore("2026-11-02")).toBe(0);
    const left = (await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM deleted_tweets")).rows[0]
      ?.count;
    expect(left).toBe((kept ?? 0) + 1);
    expect(await store.forgetDeletesBefore("2026-11-02")).toBe(0);
  });

  it("archives into a day another worker's retention dropped, once that worker's store forgot it", async () => {
    const other = new ArchiveStore(pool);
    const onDay = (id: string) => ({ ...aTweet(id, "bieber, late"), created_at: "2026-08-01T10:00:00.000Z" });
    await store.archive(aMatchBatch("run-5", "p0", [match(onDay("51"))]));
    expect(await other.dropDaysBefore("2026-08-02")).toContain("2026-08-01");
    // `store` still believes the day's partition exists: its insert finds none, and it creates it again.
    expect(await store.archive(aMatchBatch("run-5", "p1", [match(onDay("52"))]))).toBe(1);
    expect((await rows("run-5")).map((row) => row.tweet_id)).toEqual(["52"]);
  });

  it("sweeps the content out of a row whose delete was recorded while its batch was being written", async () => {
    await store.archive(
      aMatchBatch("run-6", "s0", [match(aTweet("61", "bieber, raced")), match(aTweet("62", "kept"))]),
    );
    // The other worker's notice, committed unseen by the batch and without seeing its rows.
    await pool.query("INSERT INTO deleted_tweets (tweet_id) VALUES (61)");
    expect(await store.tombstoneRecentDeletes(300)).toBe(1);
    expect((await rows("run-6")).map((row) => [row.tweet_id, row.text])).toEqual([
      ["61", null],
      ["62", "kept"],
    ]);
    expect(await store.tombstoneRecentDeletes(300)).toBe(0);
  });

  const withCapture = v1CapturesPresent() ? it : it.skip;
  withCapture(
    "holds a real capture's matched tweets once each, written twice by two workers, with its deletes as tombstones",
    async () => {
      const items = readCaptureInOrder(CAPTURE);
      const filter = runFilter({ track: TRACK, languages: [] });
      const batches: MatchBatch[] = [];
      for (let start = 0; start < items.length; start += 50) {
        const slice = items.slice(start, start + 50);
        const tweets = slice.flatMap((item) => (item.kind === "tweet" ? [item.tweet] : []));
        const deletes = slice.flatMap((item) => (item.kind === "delete" ? [{ tweet_id: item.tweetId }] : []));
        batches.push(
          filterBatch({ v: 1, run_id: "run-capture", batch_id: `c${start}`, sent_at: 0, tweets, deletes }, filter),
        );
      }
      const second = new ArchiveStore(pool);
      for (let index = 0; index < batches.length; index += 4) {
        const group = batches.slice(index, index + 4);
        await Promise.all(group.flatMap((batch) => [store.archive(batch), second.archive(batch)]));
      }

      const matched = items.flatMap((item) =>
        item.kind === "tweet" && referenceMatch(TRACK, item.tweet).length > 0 ? [item.tweet.id] : [],
      );
      const deleted = new Set(items.flatMap((item) => (item.kind === "delete" ? [item.tweetId] : [])));
      const archived = await rows("run-capture");
      expect(archived.length).toBeGreaterThan(100);
      expect(new Set(archived.map((row) => row.tweet_id))).toEqual(new Set(matched));
      expect(archived).toHaveLength(matched.length);
      const tombstones = archived.filter((row) => row.deleted_at !== null).map((row) => row.tweet_id);
      expect(tombstones.length).toBeGreaterThan(0);
      expect(new Set(tombstones)).toEqual(new Set(matched.filter((id) => deleted.has(id))));
      expect(archived.filter((row) => row.deleted_at !== null && (row.text !== null || row.original !== null))).toEqual(
        [],
      );
    },
  );
});
