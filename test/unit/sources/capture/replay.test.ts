import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import zlib from "node:zlib";
import { Tweet, type SourceItem } from "../../../../contracts/tweet";
import { decodeLine, LineSplitter, ReplaySource } from "../../../../sources/capture/replay";
import { describeWithSharedData, sharedPath } from "../../../support/shared-data";

const v1Tweet = (id: string, text: string): object => ({
  id_str: id,
  text,
  created_at: "Sat Aug 10 11:00:00 +0000 2013",
  user: { id_str: "12", screen_name: "alice" },
  entities: { hashtags: [], user_mentions: [], urls: [] },
  lang: "en",
});
const v2Tweet = (id: string, text: string): object => ({
  id,
  text,
  author_id: "7",
  created_at: "2022-09-25T23:59:59.000Z",
});
const includes = { users: [{ id: "7", username: "seven" }] };

/** One line of each kind a capture may hold, in a known order. */
const FIXTURE_LINES = [
  JSON.stringify(v1Tweet("101", "first")),
  "",
  JSON.stringify({ delete: { status: { id_str: "55", user_id_str: "12" }, timestamp_ms: "1376132400000" } }),
  JSON.stringify({ limit: { track: 5, timestamp_ms: "1376132400000" } }),
  '{"id_str": "102", "text": "cut in the mid',
  JSON.stringify({ hello: "world" }),
  JSON.stringify({ data: v2Tweet("201", "from the stream"), includes, matching_rules: [{ id: "1", tag: null }] }),
  JSON.stringify({
    data: [v2Tweet("301", "page one"), v2Tweet("302", "page two"), v2Tweet("303", "page three")],
    includes,
    meta: { result_count: 3 },
  }),
  JSON.stringify({ errors: [{ title: "operational-disconnect" }] }),
  JSON.stringify(v1Tweet("102", "last, without a line break")),
];
const FIXTURE_IDS = ["101", "delete:55", "201", "301", "302", "303", "102"];
const FIXTURE_STATS = {
  lines: 10,
  blankLines: 1,
  tweets: 6,
  deleteNotices: 1,
  controlMessages: 2,
  invalidLines: 1,
  unknownLines: 1,
};

const idOf = (item: SourceItem): string => (item.kind === "tweet" ? item.tweet.id : `delete:${item.notice.tweet_id}`);
const neverAborted = (): AbortSignal => new AbortController().signal;

async function collect(items: AsyncIterable<SourceItem>, limit = Infinity): Promise<SourceItem[]> {
  const collected: SourceItem[] = [];
  if (limit <= 0) return collected;
  for await (const item of items) {
    collected.push(item);
    if (collected.length >= limit) break;
  }
  return collected;
}

describe("ReplaySource", () => {
  let dir: string;
  const fixture = (name: string, content: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  let plain: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-test-"));
    plain = fixture("capture.jsonl", FIXTURE_LINES.join("\n"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("replays a plain file: every known shape, the rest skipped and counted", async () => {
    const replay = new ReplaySource({ file: plain, rate: 0 });
    const items = await collect(replay.items({ signal: neverAborted() }));
    expect(items.map(idOf)).toEqual(FIXTURE_IDS);
    expect(replay.stats).toEqual(FIXTURE_STATS);
    for (const item of items) if (item.kind === "tweet") Tweet.parse(item.tweet);
    expect(items[2]).toMatchObject({
      kind: "tweet",
      tweet: { author: { username: "seven" }, text: "from the stream" },
    });
  });

  it("tells gzip by its magic bytes, not by the file name", async () => {
    const gzipped = fixture("capture.data", zlib.gzipSync(FIXTURE_LINES.join("\n")));
    const misnamed = fixture("not-gzip.jsonl.gz", FIXTURE_LINES.join("\n"));
    for (const file of [gzipped, misnamed]) {
      const replay = new ReplaySource({ file, rate: 0 });
      expect((await collect(replay.items({ signal: neverAborted() }))).map(idOf)).toEqual(FIXTURE_IDS);
      expect(replay.stats).toEqual(FIXTURE_STATS);
    }
  });

  it("reads CRLF lines and the v2 stream's bare CRLF keep-alives", async () => {
    const file = fixture("crlf.jsonl", `\r\n${FIXTURE_LINES.join("\r\n")}\r\n\r\n`);
    const replay = new ReplaySource({ file, rate: 0 });
    expect((await collect(replay.items({ signal: neverAborted() }))).map(idOf)).toEqual(FIXTURE_IDS);
    expect(replay.stats).toMatchObject({ ...FIXTURE_STATS, lines: 12, blankLines: 3 });
  });

  it("with skip, yields the same items minus the first `skip`, even within a page", async () => {
    for (const skip of [0, 1, 4, 6, 7, 100]) {
      const items = await collect(new ReplaySource({ file: plain, rate: 0 }).items({ signal: neverAborted(), skip }));
      expect(items.map(idOf)).toEqual(FIXTURE_IDS.slice(skip));
    }
  });

  it("paces items at its rate", async () => {
    const file = fixture(
      "many.jsonl",
      Array.from({ length: 30 }, (_, i) => JSON.stringify(v1Tweet(String(1000 + i), `tweet ${i}`))).join("\n"),
    );
    const started = performance.now();
    const items = await collect(new ReplaySource({ file, rate: 100 }).items({ signal: neverAborted() }), 21);
    const elapsed = performance.now() - started;
    expect(items).toHaveLength(21);
    expect(elapsed).toBeGreaterThanOrEqual(199);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("ends promptly when aborted while waiting on its rate", async () => {
    const controller = new AbortController();
    const iterator = new ReplaySource({ file: plain, rate: 0.1 })
      .items({ signal: controller.signal })
      [Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    expect((await iterator.next()).done).toBe(true);
    expect(performance.now() - started).toBeLessThan(120);
  });

  it("ends quietly when aborted while the consumer holds an item", async () => {
    for (const file of [plain, fixture("held.jsonl.gz", zlib.gzipSync(FIXTURE_LINES.join("\n")))]) {
      const controller = new AbortController();
      const iterator = new ReplaySource({ file, rate: 0 }).items({ signal: controller.signal })[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await iterator.next()).done).toBe(true);
    }
  });

  it("yields nothing when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(new ReplaySource({ file: plain, rate: 0 }).items({ signal: controller.signal }))).toEqual([]);
  });

  it("reports a truncated gzip file after yielding what it could read", async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) =>
      JSON.stringify(v1Tweet(String(10_000 + i), `tweet number ${i} ${"x".repeat(i % 97)}`)),
    );
    const whole = zlib.gzipSync(lines.join("\n"));
    const file = fixture("truncated.jsonl.gz", whole.subarray(0, Math.floor(whole.length * 0.6)));
    const read: SourceItem[] = [];
    const replaying = (async () => {
      for await (const item of new ReplaySource({ file, rate: 0 }).items({ signal: neverAborted() })) read.push(item);
    })();
    await expect(replaying).rejects.toThrow(/replay of .*truncated\.jsonl\.gz failed/);
    expect(read.length).toBeGreaterThan(100);
  });

  it("fails the iteration (not the constructor) when the file is missing", async () => {
    const replay = new ReplaySource({ file: path.join(dir, "missing.jsonl"), rate: 0 });
    await expect(collect(replay.items({ signal: neverAborted() }))).rejects.toThrow(
      /replay of .*missing\.jsonl failed after 0 lines: ENOENT/,
    );
  });
});

describe("decodeLine", () => {
  it("decodes one line of each kind", () => {
    expect(decodeLine("   ")).toEqual({ kind: "blank" });
    expect(decodeLine("{oops")).toEqual({ kind: "invalid" });
    expect(decodeLine("42")).toEqual({ kind: "unknown" });
    expect(decodeLine('{"scrub_geo": {"user_id_str": "1"}}')).toEqual({ kind: "control" });
    expect(decodeLine('{"status_withheld": {"id_str": "1"}}')).toEqual({ kind: "control" });
    expect(decodeLine('{"warning": {"code": "FALLING_BEHIND"}}')).toEqual({ kind: "control" });
    expect(decodeLine('{"data": [{"id": "x"}]}')).toEqual({ kind: "unknown" });
    expect(decodeLine('{"data": []}')).toEqual({ kind: "items", items: [] });
    expect(decodeLine('{"meta": {"result_count": 0}}')).toEqual({ kind: "control" });
    expect(decodeLine(`\ufeff${JSON.stringify({ limit: { track: 1 } })}`)).toEqual({ kind: "control" });
  });
});

describe("LineSplitter", () => {
  it("carries a line cut between chunks into the next, characters cut in two included", () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from("one\r\ntwo é\n\nthr");
    const cut = bytes.indexOf(Buffer.from("é")) + 1;
    expect(splitter.push(bytes.subarray(0, 7))).toEqual(["one"]);
    expect(splitter.push(bytes.subarray(7, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(["two é", ""]);
    expect(splitter.push(Buffer.from("ee"))).toEqual([]);
    expect(splitter.end()).toEqual(["three"]);
    expect(splitter.end()).toEqual([]);
  });
});

const V1_CAPTURES = [
  { file: "sample-2013-08-10T1100Z.jsonl.gz", tweets: 2_950, deleteNotices: 293 },
  { file: "sample-2013-08-10T1101Z.jsonl.gz", tweets: 2_655, deleteNotices: 320 },
  { file: "sample-2013-08-10T1102Z.jsonl.gz", tweets: 2_685, deleteNotices: 336 },
  { file: "sample-2017-01-26T1600Z.jsonl.gz", tweets: 3_696, deleteNotices: 583 },
  { file: "sample-2021-01-01T0729Z.jsonl.gz", tweets: 3_173, deleteNotices: 307 },
];

describeWithSharedData("replay of the real captures", "tweets", () => {
  it.each(V1_CAPTURES)(
    "$file: $tweets tweets and $deleteNotices delete notices, nothing skipped",
    async ({ file, tweets, deleteNotices }) => {
      const replay = new ReplaySource({ file: sharedPath(`tweets/v1/${file}`), rate: 0 });
      const items = await collect(replay.items({ signal: neverAborted() }));
      expect(items).toHaveLength(tweets + deleteNotices);
      expect(replay.stats).toMatchObject({
        tweets,
        deleteNotices,
        controlMessages: 0,
        invalidLines: 0,
        unknownLines: 0,
        blankLines: 0,
      });
    },
  );

  it("the v2 filtered stream: 8 tweets and 1 disconnect message", async () => {
    const replay = new ReplaySource({ file: sharedPath("tweets/v2/filtered-stream-2021-04-01.jsonl"), rate: 0 });
    expect(await collect(replay.items({ signal: neverAborted() }))).toHaveLength(8);
    expect(replay.stats).toMatchObject({ lines: 9, tweets: 8, controlMessages: 1, unknownLines: 0, invalidLines: 0 });
  });

  it("the v2 search page: 474 tweets from one line", async () => {
    const replay = new ReplaySource({ file: sharedPath("tweets/v2/search-page-2022-09-25.jsonl"), rate: 0 });
    expect(await collect(replay.items({ signal: neverAborted() }))).toHaveLength(474);
    expect(replay.stats).toMatchObject({ lines: 1, tweets: 474 });
  });

  it("resumes a real capture with skip", async () => {
    const file = sharedPath("tweets/v1/sample-2017-01-26T1600Z.jsonl.gz");
    const whole = await collect(new ReplaySource({ file, rate: 0 }).items({ signal: neverAborted() }), 1_100);
    const resumed = await collect(
      new ReplaySource({ file, rate: 0 }).items({ signal: neverAborted(), skip: 1_000 }),
      100,
    );
    expect(resumed.map(idOf)).toEqual(whole.slice(1_000).map(idOf));
  });
});
