import { performance } from "node:perf_hooks";
import { Tweet, type SourceItem } from "../../../../contracts/tweet";
import { TweetGenerator, type TweetDraft } from "../../../../sources/generator/generator";
import { snowflakeTime } from "../../../../sources/payloads/snowflake";

async function collect(items: AsyncIterable<SourceItem>, count: number): Promise<Tweet[]> {
  const tweets: Tweet[] = [];
  if (count === 0) return tweets;
  for await (const item of items) {
    if (item.kind === "tweet") tweets.push(item.tweet);
    if (tweets.length >= count) break;
  }
  return tweets;
}

/** What the seed determines: everything but the id and the time. */
function contentOf(tweet: Tweet): TweetDraft {
  const { id: _id, created_at: _createdAt, ...content } = tweet;
  return content;
}

const unpaced = (seed: number, now?: () => number): TweetGenerator =>
  new TweetGenerator(now === undefined ? { rate: 0, seed } : { rate: 0, seed, now });
const neverAborted = (): AbortSignal => new AbortController().signal;
const drafts = (generator: TweetGenerator, from: number, count: number): TweetDraft[] =>
  Array.from({ length: count }, (_, i) => generator.draftAt(from + i));

describe("TweetGenerator", () => {
  const sample = Array.from({ length: 10_000 }, (_, i) => unpaced(7).tweetAt(i));

  it("is deterministic for a seed, whatever the clock", async () => {
    let fakeMs = Date.UTC(2030, 0, 1);
    const first = await collect(unpaced(42).items({ signal: neverAborted() }), 2_000);
    const second = await collect(unpaced(42, () => (fakeMs += 3)).items({ signal: neverAborted() }), 2_000);
    expect(second.map(contentOf)).toEqual(first.map(contentOf));
    expect(second.map((tweet) => tweet.id)).not.toEqual(first.map((tweet) => tweet.id));
  });

  it("writes different streams for different seeds", () => {
    const a = drafts(unpaced(1), 0, 200);
    const b = drafts(unpaced(2), 0, 200);
    const same = a.filter((draft, i) => JSON.stringify(draft) === JSON.stringify(b[i])).length;
    expect(same).toBeLessThan(5);
  });

  it("with skip, yields the same contents minus the first `skip`", async () => {
    const whole = await collect(unpaced(9).items({ signal: neverAborted() }), 1_300);
    const resumed = await collect(unpaced(9).items({ signal: neverAborted(), skip: 1_234 }), 66);
    expect(resumed.map(contentOf)).toEqual(whole.slice(1_234).map(contentOf));
    expect(await collect(unpaced(9).items({ signal: neverAborted(), skip: 5_000_000_000 }), 1)).toHaveLength(1);
  });

  it("gives strictly increasing, unique snowflake ids over 100k tweets, even within one ms", async () => {
    let backwards = Date.UTC(2025, 5, 1);
    const clocks: Array<[() => number, number]> = [
      [Date.now, 100_000],
      [() => Date.UTC(2025, 5, 1), 100_000],
      [() => (backwards -= 1), 20_000],
    ];
    for (const [clock, count] of clocks) {
      const tweets = await collect(unpaced(3, clock).items({ signal: neverAborted() }), count);
      let previous = -1n;
      for (const tweet of tweets) {
        const id = BigInt(tweet.id);
        if (id <= previous) throw new Error(`id ${tweet.id} does not increase`);
        previous = id;
      }
      const last = tweets.at(-1);
      expect(last).toBeDefined();
      expect(Date.parse(last?.created_at ?? "")).toBe(snowflakeTime(last?.id ?? ""));
    }
  });

  it("stamps ids and times from the clock it is given", async () => {
    const ms = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    const [tweet] = await collect(unpaced(5, () => ms).items({ signal: neverAborted() }), 1);
    expect(tweet?.created_at).toBe("2025-01-02T03:04:05.006Z");
    expect(snowflakeTime(tweet?.id ?? "")).toBe(ms);
  });

  it("writes tweets that validate against the project's Tweet", () => {
    for (const tweet of sample) Tweet.parse(tweet);
  });

  it("mentions bieber in at least 0.5% of tweets", () => {
    const mentionsBieber = sample.filter((tweet) =>
      [tweet.text, ...tweet.hashtags, ...tweet.referenced.map((referenced) => referenced.text)].some((text) =>
        text.toLowerCase().includes("bieber"),
      ),
    );
    expect(mentionsBieber.length / sample.length).toBeGreaterThanOrEqual(0.005);
  });

  it("writes in several languages, each in its own words", () => {
    const byLanguage = new Map<string | null, Tweet[]>();
    for (const tweet of sample) byLanguage.set(tweet.lang, [...(byLanguage.get(tweet.lang) ?? []), tweet]);
    for (const language of ["en", "es", "pt", "ja", "id", "fr"]) {
      expect((byLanguage.get(language)?.length ?? 0) / sample.length).toBeGreaterThan(0.03);
    }
    const japanese = (byLanguage.get("ja") ?? []).filter((tweet) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(tweet.text));
    // A few Japanese tweets hold only Latin pop words, hashtags and links.
    expect(japanese.length / (byLanguage.get("ja")?.length ?? 1)).toBeGreaterThan(0.95);
    expect((byLanguage.get("es") ?? []).some((tweet) => / (que|de|la) /.test(tweet.text))).toBe(true);
  });

  it("has many authors with Zipf-like popularity", () => {
    const counts = new Map<string, number>();
    for (const tweet of sample) counts.set(tweet.author.id, (counts.get(tweet.author.id) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(counts.size).toBeGreaterThan(2_000);
    expect(sorted[0]).toBeLessThan(sample.length * 0.05);
    expect(sorted[0]).toBeGreaterThan(10 * (sorted[Math.floor(sorted.length / 2)] ?? 0));
  });

  it("writes retweets and quotes that carry the original, links, long and short texts", () => {
    const retweets = sample.filter((tweet) => tweet.text.startsWith("RT @"));
    expect(retweets.length / sample.length).toBeGreaterThan(0.15);
    for (const retweet of retweets) {
      expect(retweet.referenced).toHaveLength(1);
      expect(retweet.text.startsWith(`RT @${retweet.referenced[0]?.author.username}: `)).toBe(true);
    }
    const quotes = sample.filter((tweet) => !tweet.text.startsWith("RT @") && tweet.referenced.length > 0);
    expect(quotes.length).toBeGreaterThan(100);
    for (const quote of quotes)
      expect(quote.urls).toContain(
        `https://twitter.com/${quote.referenced[0]?.author.username}/status/${quote.referenced[0]?.id}`,
      );
    const links = sample.flatMap((tweet) => tweet.urls);
    expect(links.some((url) => /^https:\/\/[a-z.]*example\.(org|com|net)\//.test(url))).toBe(true);
    expect(sample.every((tweet) => tweet.text.length <= 280)).toBe(true);
    expect(sample.filter((tweet) => tweet.text.length > 140).length).toBeGreaterThan(100);
    expect(sample.filter((tweet) => tweet.text.length < 60).length).toBeGreaterThan(1_000);
  });

  it("keeps entities consistent with the text", () => {
    for (const tweet of sample.filter((each) => !each.text.startsWith("RT @"))) {
      for (const hashtag of tweet.hashtags) expect(tweet.text).toContain(`#${hashtag}`);
      for (const mention of tweet.mentions) expect(tweet.text).toContain(`@${mention}`);
    }
  });

  it("keeps its rate and ends promptly on abort while waiting", async () => {
    const controller = new AbortController();
    const generator = new TweetGenerator({ rate: 50, seed: 1 });
    const started = performance.now();
    setTimeout(() => controller.abort(), 300);
    const tweets = await collect(generator.items({ signal: controller.signal }), 1_000);
    const elapsed = performance.now() - started;
    expect(tweets.length).toBeLessThanOrEqual(1 + Math.ceil((elapsed / 1000) * 50));
    expect(tweets.length).toBeGreaterThanOrEqual(5);
    expect(elapsed).toBeLessThan(400);
  });

  it("ends at once when aborted while waiting on a slow rate", async () => {
    const controller = new AbortController();
    const iterator = new TweetGenerator({ rate: 0.1, seed: 1 })
      .items({ signal: controller.signal })
      [Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    expect((await iterator.next()).done).toBe(true);
    expect(performance.now() - started).toBeLessThan(120);
  });

  it("rejects a bad rate, seed or skip", async () => {
    expect(() => new TweetGenerator({ rate: -1, seed: 1 })).toThrow(RangeError);
    expect(() => new TweetGenerator({ rate: 1, seed: 1.5 })).toThrow(RangeError);
    await expect(collect(unpaced(1).items({ signal: neverAborted(), skip: -1 }), 1)).rejects.toThrow(RangeError);
  });
});

describe("a generator with an epoch", () => {
  const take = async (generator: TweetGenerator, count: number, skip = 0) => {
    const tweets: Tweet[] = [];
    for await (const item of generator.items({ signal: new AbortController().signal, skip })) {
      if (item.kind === "tweet") tweets.push(item.tweet);
      if (tweets.length === count) break;
    }
    return tweets;
  };

  it("edits a share of recent original tweets: a new version naming its original, by the same author", () => {
    const generator = new TweetGenerator({ rate: 0, seed: 9, epoch: 1_700_000_000_000, editShare: 0.05 });
    const tweets = Array.from({ length: 20_000 }, (_, index) => generator.tweetAt(index));
    const byId = new Map(tweets.map((tweet) => [tweet.id, tweet]));
    const edits = tweets.filter((tweet) => tweet.edit_history_tweet_ids !== undefined);
    expect(edits.length / tweets.length).toBeGreaterThan(0.02);
    expect(edits.length / tweets.length).toBeLessThan(0.05);
    for (const edit of edits) {
      const [originalId, ownId, ...more] = edit.edit_history_tweet_ids ?? [];
      expect({ own: ownId, more }).toEqual({ own: edit.id, more: [] });
      const original = byId.get(originalId ?? "");
      expect(original?.referenced).toEqual([]);
      expect(original?.author).toEqual(edit.author);
      expect(original?.edit_history_tweet_ids).toBeUndefined();
      expect(BigInt(edit.id)).toBeGreaterThan(BigInt(originalId ?? "0"));
      expect(Tweet.safeParse(edit).success).toBe(true);
    }
    // The same stream, edits included, from every worker; none without a share.
    const again = new TweetGenerator({ rate: 0, seed: 9, epoch: 1_700_000_000_000, editShare: 0.05 });
    expect(again.tweetAt(19_999)).toEqual(tweets[19_999]);
    const plain = new TweetGenerator({ rate: 0, seed: 9, epoch: 1_700_000_000_000 });
    expect(
      Array.from({ length: 2000 }, (_, index) => plain.tweetAt(index)).some((tweet) => tweet.edit_history_tweet_ids),
    ).toBe(false);
  });

  it("edits without an epoch too, naming the ids it gave", () => {
    const generator = new TweetGenerator({ rate: 0, seed: 3, editShare: 0.1 });
    const tweets = Array.from({ length: 3000 }, (_, index) => generator.tweetAt(index));
    const ids = new Set(tweets.map((tweet) => tweet.id));
    const edits = tweets.filter((tweet) => tweet.edit_history_tweet_ids);
    expect(edits.length).toBeGreaterThan(100);
    for (const edit of edits) expect(ids.has(edit.edit_history_tweet_ids?.[0] ?? "")).toBe(true);
  });

  it("re-creates the same tweets, ids included, when resumed elsewhere", async () => {
    const first = await take(new TweetGenerator({ rate: 0, seed: 9, epoch: 1_700_000_000_000, now: () => 1 }), 5000);
    const resumed = await take(
      new TweetGenerator({ rate: 0, seed: 9, epoch: 1_700_000_000_000, now: () => 2 }),
      1000,
      4000,
    );
    expect(resumed).toEqual(first.slice(4000));
  });

  it("gives strictly increasing, unique ids at a fast pace", () => {
    const generator = new TweetGenerator({ rate: 1_000_000, seed: 3, epoch: 1_700_000_000_000 });
    const ids = Array.from({ length: 20_000 }, (_, index) => BigInt(generator.tweetAt(index).id));
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? id))).toBe(true);
  });

  it("stamps tweet n at the time the pace puts it", () => {
    const generator = new TweetGenerator({ rate: 200, seed: 3, epoch: Date.UTC(2026, 0, 1) });
    expect(generator.tweetAt(400).created_at).toBe(new Date(Date.UTC(2026, 0, 1) + 2000).toISOString());
  });
});
