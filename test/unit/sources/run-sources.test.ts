import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readEnvironment } from "../../../config/environment";
import type { SourceItem } from "../../../contracts/tweet";
import type { Logger } from "../../../core/logger";
import { ReplaySource, SourceConfigError, TweetGenerator, type TweetSource } from "../../../sources";
import { runSources } from "../../../sources/run-sources";
import { FakeXApi } from "../../support/fake-x-api";
import { MemoryXState } from "../../support/memory-x-state";
import { aRun } from "../../support/runs";

const TOKEN = "AAAAAAAAAAAAAAAAAAAAAfake-bearer-token-0123456789";

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

async function firstItems(source: TweetSource, count: number): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of source.items({ signal: new AbortController().signal })) {
    items.push(item);
    if (items.length >= count) break;
  }
  return items;
}

const ids = (items: readonly SourceItem[]): string[] =>
  items.map((item) => (item.kind === "tweet" ? item.tweet.id : `delete:${item.notice.tweet_id}`));

describe("the sources of a launcher's runs", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-sources-test-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("open a run's generator from its seed and start, and prepare nothing", async () => {
    const sources = runSources(readEnvironment({ GENERATOR_RATE: "1000" }), quiet, new MemoryXState());
    expect(sources.preparation).toBeUndefined();
    const run = aRun({ seed: 7 });
    const stream = sources.stream(run);
    expect(stream).toBeInstanceOf(TweetGenerator);
    const first = ids(await firstItems(stream, 3));
    expect(ids(await firstItems(sources.open(run), 3))).toEqual(first);
    expect(ids(await firstItems(sources.open({ ...run, seed: 8 }), 3))).not.toEqual(first);
  });

  it("replay REPLAY_FILE, and refuse at once a replay without one", async () => {
    const file = path.join(dir, "capture.jsonl");
    fs.writeFileSync(
      file,
      JSON.stringify({ delete: { status: { id_str: "55", user_id_str: "12" }, timestamp_ms: "1376132400000" } }),
    );
    const sources = runSources(
      readEnvironment({ STREAM_SOURCE: "replay", REPLAY_FILE: file }),
      quiet,
      new MemoryXState(),
    );
    const stream = sources.stream(aRun({ source: "replay" }));
    expect(stream).toBeInstanceOf(ReplaySource);
    expect(ids(await firstItems(stream, 10))).toEqual(["delete:55"]);
    expect(() => runSources(readEnvironment({ STREAM_SOURCE: "replay" }), quiet, new MemoryXState())).toThrow(
      SourceConfigError,
    );
    expect(() =>
      runSources(
        readEnvironment({ STREAM_SOURCE: "replay", REPLAY_FILE: path.join(dir, "missing") }),
        quiet,
        new MemoryXState(),
      ),
    ).toThrow(/REPLAY_FILE/);
  });

  it("refuse a run of the x source when no bearer token is set", () => {
    const sources = runSources(readEnvironment({}), quiet, new MemoryXState());
    expect(() => sources.open(aRun({ source: "x" }))).toThrow(/X_BEARER_TOKEN/);
  });

  describe("of the x source, against the fake X API", () => {
    let fake: FakeXApi;
    beforeEach(async () => {
      fake = await FakeXApi.start({ token: TOKEN, keepAliveMs: 50 });
    });
    afterEach(() => fake.close());

    const rulesOf = (): { value: string; tag?: string }[] => fake.rules.map(({ value, tag }) => ({ value, tag }));

    it("set each launch's rules, and put them right before a run streams", async () => {
      const sources = runSources(
        readEnvironment({ X_BEARER_TOKEN: TOKEN, X_API_BASE_URL: fake.url }),
        quiet,
        new MemoryXState(),
      );
      const prepared = await sources.preparation?.check({ track: ["bieber"], languages: [] });
      await prepared?.apply("run-1");
      expect(rulesOf()).toEqual([{ value: "bieber", tag: "tweetmesh" }]);

      const stream = sources.stream(aRun({ id: "run-2", source: "x", track: ["cats"] }));
      fake.feed([
        {
          data: { id: "201", text: "cats", author_id: "7", created_at: "2022-09-25T23:59:59.000Z" },
          includes: { users: [{ id: "7", username: "seven" }] },
        },
      ]);
      expect(ids(await firstItems(stream, 1))).toEqual(["201"]);
      expect(rulesOf()).toEqual([{ value: "cats", tag: "tweetmesh" }]);
      // The usage is read beside the stream; the rules were set before it connected.
      const calls = fake.requests
        .filter((request) => request.path !== "/2/usage/tweets")
        .map((request) => request.path);
      expect(calls.at(-1)).toBe("/2/tweets/search/stream");
      expect(calls.filter((path) => path === "/2/tweets/search/stream")).toHaveLength(1);
    });
  });
});
