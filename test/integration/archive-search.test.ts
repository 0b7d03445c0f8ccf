import type { Pool } from "pg";
import { ArchiveReader } from "../../archive/archive-reader";
import { ArchiveStore } from "../../archive/archive-store";
import { migrate, openDatabase } from "../../archive/database";
import { Retention } from "../../archive/retention";
import { SearchParams } from "../../contracts/archive";
import type { Tweet } from "../../contracts/tweet";
import { readSearch } from "../../matching/search/query";
import { searchWords } from "../../matching/search/words";
import { aMatchBatch, RecordingLogger } from "../support/batches";
import { readCaptureInOrder, v1CapturesPresent } from "../support/captures";
import { TestDatabase } from "../support/database";
import { v1CaptureFiles } from "../unit/matching/v1-capture";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const RUNS = ["run-a", "run-b", "run-c"];
const PHRASES = ["love", "que"];
const SHARED_AUTHOR = { id: "777000", username: "SharedFan" };
const BASE_MS = Date.parse("2026-11-20T00:00:00Z");
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Tweets of the capture archived at first; later ones are archived while a search is paged. */
const ARCHIVED = 1500;

/** A row as the test expects it in the archive, worked out without the archive's code. */
interface ModelRow {
  runId: string;
  tweet: Tweet;
  phrases: string[];
  deleted: boolean;
}

/** A search's term as the test reads it: the words of `text`, next to each other. */
type Term = [text: string, exclude: boolean];

const createdMs = (row: ModelRow): number => Date.parse(row.tweet.created_at);
const keyOf = (row: ModelRow): string => `${row.runId}/${row.tweet.id}`;
const dayOfRow = (row: ModelRow): string => row.tweet.created_at.slice(0, 10);

/** Newest first, as the archive pages: created_at, then tweet id, then run, each descending. */
function newestFirst(a: ModelRow, b: ModelRow): number {
  const byTime = createdMs(b) - createdMs(a);
  if (byTime !== 0) return byTime;
  const [aId, bId] = [BigInt(a.tweet.id), BigInt(b.tweet.id)];
  if (aId !== bId) return aId < bId ? 1 : -1;
  return a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}

/** Whether `words` hold `phrase` as consecutive words: a plain substring test on space-joined words. */
function holds(words: readonly string[], phrase: string): boolean {
  return ` ${words.join(" ")} `.includes(` ${searchWords(phrase).join(" ")} `);
}

function satisfies(row: ModelRow, terms: readonly Term[]): boolean {
  const words = searchWords(row.tweet.text);
  return terms.every(([text, exclude]) => holds(words, text) !== exclude);
}

/** The archive's search on real PostgreSQL over a real capture's tweets, checked against the test's own reading. */
const withCapture = v1CapturesPresent() ? describe : describe.skip;
withCapture("searching the tweet archive in PostgreSQL", () => {
  let database: TestDatabase;
  let pool: Pool;
  let store: ArchiveStore;
  let reader: ArchiveReader;
  const logger = new RecordingLogger();
  const model: ModelRow[] = [];
  let spare: Tweet[] = [];
  let batches = 0;

  async function archive(rows: ModelRow[]): Promise<void> {
    for (const runId of RUNS) {
      const matches = rows
        .filter((row) => row.runId === runId)
        .map((row) => ({ tweet: row.tweet, phrases: row.phrases }));
      if (matches.length > 0) await store.archive(aMatchBatch(runId, `b${batches++}`, matches, BASE_MS));
    }
    model.push(...rows);
  }

  /** Every tweet a search finds, page after page, as run/id keys in the order the pages hold them. */
  async function searchAll(params: Record<string, string>, limit = 100): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
      keys.push(...page.tweets.map((tweet) => `${tweet.run_id}/${tweet.id}`));
      cursor = page.next_cursor;
    } while (cursor !== null);
    return keys;
  }

  function search(raw: Record<string, string>): ReturnType<ArchiveReader["search"]> {
    const params = SearchParams.parse(raw);
    return reader.search(params, params.q === undefined ? null : readSearch("q", params.q));
  }

  const expected = (keep: (row: ModelRow) => boolean): string[] =>
    model
      .filter((row) => !row.deleted && keep(row))
      .sort(newestFirst)
      .map(keyOf);

  beforeAll(async () => {
    database = await TestDatabase.create();
    await migrate(database.url, logger);
    pool = openDatabase(database.url, logger);
    store = new ArchiveStore(pool);
    reader = new ArchiveReader(pool);

    const tweets = readCaptureInOrder(CAPTURE).flatMap((item) => (item.kind === "tweet" ? [item.tweet] : []));
    spare = tweets.slice(ARCHIVED);
    // Three days and a bit, a tweet every five minutes; some tweets in two runs, one author in many.
    const rows = tweets.slice(0, ARCHIVED).flatMap((real, index): ModelRow[] => {
      const tweet: Tweet = {
        ...real,
        created_at: new Date(BASE_MS + index * 5 * MINUTE_MS).toISOString(),
        author: index % 11 === 0 ? SHARED_AUTHOR : real.author,
      };
      const runId = RUNS[index % RUNS.length] ?? "run-a";
      const phrases = [PHRASES[index % PHRASES.length] ?? "love"];
      const row = { runId, tweet, phrases, deleted: false };
      if (index % 5 !== 0) return [row];
      return [row, { ...row, runId: RUNS[(index + 1) % RUNS.length] ?? "run-b", phrases: ["love", "que"] }];
    });
    for (let start = 0; start < rows.length; start += 120) await archive(rows.slice(start, start + 120));

    // A few tweets deleted: their rows stay as tombstones, which no search finds.
    const deletedIds = [...new Set(rows.filter((_, index) => index % 37 === 3).map((row) => row.tweet.id))];
    await store.archive({
      ...aMatchBatch("run-a", "deletes", [], BASE_MS),
      deletes: deletedIds.map((id) => ({ tweet_id: id })),
    });
    for (const row of model) if (deletedIds.includes(row.tweet.id)) row.deleted = true;
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("stores a tweet's words as exactly the lexemes the live matcher reads, in every script of every capture", async () => {
    const disagreements: { capture: string; id: string; onlyOurs: string[]; onlyPostgres: string[] }[] = [];
    for (const capture of v1CaptureFiles()) {
      const tweets = readCaptureInOrder(capture).flatMap((item) => (item.kind === "tweet" ? [item.tweet] : []));
      const { rows } = await pool.query<{ lexemes: string[] }>(
        `SELECT array(SELECT lexeme FROM unnest(to_tsvector('simple', words))) AS lexemes
           FROM unnest($1::text[]) WITH ORDINALITY AS given(words, place) ORDER BY place`,
        [tweets.map((tweet) => searchWords(tweet.text).join(" "))],
      );
      tweets.forEach((tweet, index) => {
        const ours = new Set(searchWords(tweet.text));
        const postgres = new Set(rows[index]?.lexemes);
        const onlyOurs = [...ours].filter((word) => !postgres.has(word));
        const onlyPostgres = [...postgres].filter((word) => !ours.has(word));
        if (onlyOurs.length + onlyPostgres.length > 0)
          disagreements.push({ capture, id: tweet.id, onlyOurs, onlyPostgres });
      });
    }
    expect(disagreements).toEqual([]);

    const { rows: archived } = await pool.query<{ run_id: string; id: string; lexemes: string[] }>(
      "SELECT run_id, tweet_id::text AS id, tsvector_to_array(search) AS lexemes FROM archived_tweets WHERE deleted_at IS NULL",
    );
    const byKey = new Map(model.map((row) => [keyOf(row), row]));
    expect(archived).toHaveLength(model.filter((row) => !row.deleted).length);
    for (const row of archived) {
      const tweet = byKey.get(`${row.run_id}/${row.id}`)?.tweet;
      expect([row.id, [...row.lexemes].sort()]).toEqual([row.id, [...new Set(searchWords(tweet?.text ?? ""))].sort()]);
    }
  });

  const queries: [title: string, params: Record<string, string>, terms: Term[], keep?: (row: ModelRow) => boolean][] = [
    ["a word", { q: "The" }, [["the", false]]],
    ["a quoted phrase", { q: '"Like a"' }, [["like a", false]]],
    ["a Japanese word, the phrase of its characters", { q: "です" }, [["です", false]]],
    [
      "a word without another word or phrase",
      { q: 'rt -the -"し て"' },
      [
        ["rt", false],
        ["the", true],
        ["して", true],
      ],
    ],
    ["a word in one language", { q: "de", lang: "es" }, [["de", false]], (row) => row.tweet.lang === "es"],
    ["an author by @name", { author: "@sharedfan" }, [], (row) => row.tweet.author.id === SHARED_AUTHOR.id],
    [
      "an author by id, with a word",
      { q: "rt", author: "777000" },
      [["rt", false]],
      (row) => row.tweet.author.id === SHARED_AUTHOR.id,
    ],
    [
      "a run and a phrase",
      { run_id: "run-b", phrase: "Love" },
      [],
      (row) => row.runId === "run-b" && row.phrases.includes("love"),
    ],
    [
      "a word in a window of time",
      { q: "rt", from: "2026-11-21", to: "2026-11-22T03:00:00Z" },
      [["rt", false]],
      (row) =>
        createdMs(row) >= Date.parse("2026-11-21T00:00:00Z") && createdMs(row) < Date.parse("2026-11-22T03:00:00Z"),
    ],
  ];

  it.each(queries)("finds exactly the tweets of %s, newest first", async (_title, params, terms, keep = () => true) => {
    const wanted = expected((row) => keep(row) && satisfies(row, terms));
    expect(wanted.length).toBeGreaterThan(5);
    expect(wanted.length).toBeLessThan(model.length / 2);
    expect(await searchAll(params)).toEqual(wanted);
  });

  it("pages without duplicates or gaps while newer and older tweets are archived between pages", async () => {
    const withRt = spare.filter((tweet) => searchWords(tweet.text).includes("rt"));
    const atStart = expected((row) => satisfies(row, [["rt", false]]));
    const older: ModelRow[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const answer = await search({ q: "rt", limit: "10", ...(cursor ? { cursor } : {}) });
      seen.push(...answer.tweets.map((tweet) => `${tweet.run_id}/${tweet.id}`));
      cursor = answer.next_cursor;
      // Between pages: a tweet newer than any (above the cursor) and one older than any (still ahead).
      const [newer, old] = withRt.splice(0, 2);
      if (!newer || !old) throw new Error("the capture has too few spare tweets with rt");
      const newerRow = {
        runId: "run-a",
        tweet: { ...newer, created_at: new Date(BASE_MS + 10 * DAY_MS + page * MINUTE_MS).toISOString() },
        phrases: ["love"],
        deleted: false,
      };
      const olderRow = {
        runId: "run-c",
        tweet: { ...old, created_at: new Date(BASE_MS - 2 * DAY_MS - page * MINUTE_MS).toISOString() },
        phrases: ["que"],
        deleted: false,
      };
      await archive([newerRow, olderRow]);
      older.push(olderRow);
      page++;
    } while (cursor !== null && page < 100);
    expect(cursor).toBeNull();
    expect(page).toBeGreaterThan(10);
    expect(new Set(seen).size).toBe(seen.length);
    // Every older tweet comes after those of the start, but the last: it was archived after the last page.
    expect(seen).toEqual([...atStart, ...older.slice(0, -1).map(keyOf)]);
  });

  it("drops exactly the days before retention's first, whole, and nothing else", async () => {
    const rowsPerDay = async (): Promise<Map<string, number>> => {
      const { rows } = await pool.query<{ day: string; rows: number }>(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS rows
           FROM archived_tweets GROUP BY 1 ORDER BY 1`,
      );
      return new Map(rows.map((row) => [row.day, row.rows]));
    };
    const partitions = async (): Promise<string[]> =>
      (
        await pool.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'archived_tweets_p%' ORDER BY tablename",
        )
      ).rows.map((row) => row.name);
    const deletedTweets = async (): Promise<number> =>
      (await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM deleted_tweets")).rows[0]?.count ?? -1;

    const days = [...new Set(model.map(dayOfRow))].sort();
    const keepFrom = "2026-11-22";
    const dropped = days.filter((day) => day < keepFrom);
    const kept = days.filter((day) => day >= keepFrom);
    expect(dropped.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    const perDay = new Map(kept.map((day) => [day, model.filter((row) => dayOfRow(row) === day).length]));
    const tombstones = await deletedTweets();
    expect(tombstones).toBeGreaterThan(0);

    // Seven days after the first kept day's start, a few hours in: that day is the first kept.
    const now = Date.parse(`${keepFrom}T00:00:00Z`) + 7 * DAY_MS + 5 * 3_600_000;
    const retention = new Retention({ archive: store, logger, now: () => now }, 7);
    expect(await retention.apply()).toEqual(dropped);
    expect(await rowsPerDay()).toEqual(perDay);
    expect(await partitions()).toEqual(kept.map((day) => `archived_tweets_p${day.replaceAll("-", "")}`));
    expect(await deletedTweets()).toBe(tombstones);
    expect(await store.dropDaysBefore(keepFrom)).toEqual([]);
    expect(await rowsPerDay()).toEqual(perDay);
  });
});
