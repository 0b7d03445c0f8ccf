import { waitUntil } from "../../support/eventually";
import { aRun } from "../../support/runs";
import type { TweetBatch } from "../../../contracts/messages";
import type { Run } from "../../../contracts/run";
import type { SourceItem, Tweet } from "../../../contracts/tweet";
import { streamRun, tweetBatch } from "../../../runs/stream";
import type { SourceOptions, TweetSource } from "../../../sources/source";

function tweet(id: number): Tweet {
  return {
    id: String(id),
    text: "t",
    author: { id: "1", username: "a" },
    hashtags: [],
    mentions: [],
    urls: [],
    created_at: "2020-01-01T00:00:00.000Z",
    lang: "en",
    referenced: [],
  };
}

/** An in-memory source of `count` items: every fifth is a delete notice. */
function listSource(count: number): TweetSource {
  const items: SourceItem[] = Array.from({ length: count }, (_, i) =>
    i % 5 === 4 ? { kind: "delete", notice: { tweet_id: String(i - 1) } } : { kind: "tweet", tweet: tweet(i) },
  );
  return {
    name: "list",
    async *items({ signal, skip = 0 }: SourceOptions) {
      for (const item of items.slice(skip)) {
        if (signal.aborted) return;
        yield item;
      }
    },
  };
}

const run = (position = 0, published = 0): Run =>
  aRun({ track: ["t"], source: "replay", started_at: 0, position, published });

describe("streaming a run", () => {
  // Batches are cut at each second of pulling: the clock stands still unless a test moves it.
  let clock = 1_700_000_000_200;
  beforeEach(() => {
    clock = 1_700_000_000_200;
    jest.spyOn(Date, "now").mockImplementation(() => clock);
  });
  afterEach(() => jest.restoreAllMocks());

  it("cuts a batch where the second of pulling changes: every item of a batch has its ingest second", async () => {
    const batches: TweetBatch[] = [];
    const source: TweetSource = {
      name: "ticking",
      async *items() {
        for (let index = 0; index < 9; index++) {
          // Three items in each of three seconds.
          clock = 1_700_000_000_200 + Math.floor(index / 3) * 1000 + (index % 3) * 100;
          yield { kind: "tweet", tweet: tweet(index) };
        }
      },
    };
    await streamRun(
      run(),
      source,
      { publish: async (batch) => void batches.push(batch), recordProgress: async () => true },
      { batchSize: 100, lingerMs: 60_000, signal: new AbortController().signal },
    );
    expect(batches.map((batch) => [batch.batch_id, Math.floor(batch.sent_at / 1000)])).toEqual([
      ["run-1:0-3", 1_700_000_000],
      ["run-1:3-6", 1_700_000_001],
      ["run-1:6-9", 1_700_000_002],
    ]);
  });

  it("sends every item in batches and records progress after each confirmed batch", async () => {
    const batches: TweetBatch[] = [];
    const progress: Array<{ position: number; published: number }> = [];
    const end = await streamRun(
      run(),
      listSource(23),
      {
        publish: async (batch) => void batches.push(batch),
        recordProgress: async (p) => progress.push(p) > 0,
      },
      { batchSize: 10, lingerMs: 1000, signal: new AbortController().signal },
    );

    expect(end).toBe("exhausted");
    expect(batches.map((batch) => batch.batch_id)).toEqual(["run-1:0-10", "run-1:10-20", "run-1:20-23"]);
    expect(batches.flatMap((batch) => batch.tweets)).toHaveLength(19);
    expect(batches.flatMap((batch) => batch.deletes)).toHaveLength(4);
    expect(progress).toEqual([
      { position: 10, published: 8 },
      { position: 20, published: 16 },
      { position: 23, published: 19 },
    ]);
  });

  it("resumes where the run's progress says, counting on from its published tweets", async () => {
    const batches: TweetBatch[] = [];
    const progress: Array<{ position: number; published: number }> = [];
    await streamRun(
      run(20, 16),
      listSource(23),
      {
        publish: async (batch) => void batches.push(batch),
        recordProgress: async (p) => progress.push(p) > 0,
      },
      { batchSize: 10, lingerMs: 1000, signal: new AbortController().signal },
    );
    expect(batches.map((batch) => batch.batch_id)).toEqual(["run-1:20-23"]);
    expect(progress).toEqual([{ position: 23, published: 19 }]);
  });

  it("sends a partial batch after the linger time", async () => {
    const sent: string[] = [];
    const abort = new AbortController();
    const source: TweetSource = {
      name: "slow",
      async *items({ signal }) {
        yield { kind: "tweet", tweet: tweet(1) };
        // Nothing more until the test is done: only the linger time can send the first tweet.
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        if (!signal.aborted) yield { kind: "tweet", tweet: tweet(2) };
      },
    };
    const streaming = streamRun(
      run(),
      source,
      { publish: async (batch) => void sent.push(batch.batch_id), recordProgress: async () => true },
      { batchSize: 100, lingerMs: 10, signal: abort.signal },
    );
    await waitUntil(() => sent.length > 0, "the partial batch");
    expect(sent).toEqual(["run-1:0-1"]);
    abort.abort();
    await streaming;
  });

  it("does not pull past a batch that is not confirmed yet", async () => {
    const confirms: Array<() => void> = [];
    const confirm = () => confirms.at(-1)?.();
    let pulled = 0;
    const source: TweetSource = {
      name: "counting",
      async *items() {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield { kind: "tweet", tweet: tweet(i) };
        }
      },
    };
    const streaming = streamRun(
      run(),
      source,
      {
        publish: () => new Promise<void>((resolve) => void confirms.push(resolve)),
        recordProgress: async () => true,
      },
      { batchSize: 10, lingerMs: 1000, signal: new AbortController().signal },
    );
    // A batch goes out some microtasks after the call or the confirm, so each wait below first lets
    // the event loop turn: a streamer that pulled on meanwhile would have done so by then.
    await waitUntil(() => confirms.length === 1, "the first batch to be sent");
    expect(pulled).toBe(10);
    confirm();
    await waitUntil(() => confirms.length === 2, "the second batch to be sent");
    expect(pulled).toBe(20);
    for (let batch = 3; batch <= 10; batch++) {
      confirm();
      await waitUntil(() => confirms.length === batch, `batch ${batch} to be sent`);
    }
    confirm();
    await streaming;
  });

  it("keeps one batch in flight: items pulled meanwhile join the next batch", async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const source: TweetSource = {
      name: "steady",
      async *items() {
        for (let i = 0; i < 60; i++) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          yield { kind: "tweet", tweet: tweet(i) };
        }
      },
    };
    await streamRun(
      run(),
      source,
      {
        publish: async (batch) => {
          most = Math.max(most, ++inFlight);
          sizes.push(batch.tweets.length);
          await new Promise((resolve) => setTimeout(resolve, 30));
          inFlight--;
        },
        recordProgress: async () => true,
      },
      { batchSize: 1000, lingerMs: 1, signal: new AbortController().signal },
    );
    expect(most).toBe(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
  });

  it("names a batch by its source range", () => {
    expect(tweetBatch("r", 40, [{ kind: "tweet", tweet: tweet(1) }]).batch_id).toBe("r:40-41");
  });
});
