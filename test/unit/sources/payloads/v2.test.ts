import fs from "node:fs";
import { Tweet } from "../../../../contracts/tweet";
import {
  indexIncludes,
  V2Page,
  V2StreamMessage,
  v2PageToTweets,
  v2StreamMessageToTweet,
  v2TweetToTweet,
  type V2Tweet,
} from "../../../../sources/payloads/v2";
import { describeWithSharedData, sharedPath } from "../../../support/shared-data";

const users = [
  { id: "1", username: "alice", name: "Alice", verified: false },
  { id: "2", username: "bob" },
];

describe("X API v2 tweets", () => {
  it("maps text, entities, lang and time, resolving the author through includes", () => {
    const message = V2StreamMessage.parse({
      data: {
        id: "1377650090978992134",
        author_id: "1",
        created_at: "2021-04-01T15:52:31.000Z",
        text: "Q&amp;A on #Music with @bob https://t.co/x",
        lang: "en",
        entities: {
          hashtags: [{ start: 11, end: 17, tag: "Music" }],
          mentions: [{ start: 23, end: 27, username: "bob", id: "2" }],
          urls: [{ url: "https://t.co/x", expanded_url: "https://example.org/qa", display_url: "example.org/qa" }],
          annotations: [{ type: "Other" }],
        },
        public_metrics: { like_count: 1 },
      },
      includes: { users },
      matching_rules: [{ id: 1377649934414049300, tag: null }],
    });
    expect(v2StreamMessageToTweet(message)).toEqual({
      id: "1377650090978992134",
      text: "Q&A on #Music with @bob https://t.co/x",
      author: { id: "1", username: "alice", name: "Alice" },
      hashtags: ["Music"],
      mentions: ["bob"],
      urls: ["https://example.org/qa", "example.org/qa"],
      created_at: "2021-04-01T15:52:31.000Z",
      lang: "en",
      referenced: [],
    });
  });

  it("prefers a long post's note_tweet text and entities", () => {
    const tweet = v2TweetToTweet(
      {
        id: "1574186989737459712",
        text: "cut…",
        author_id: "2",
        note_tweet: { text: "the whole post #long", entities: { hashtags: [{ tag: "long" }] } },
      },
      indexIncludes({ users }),
    );
    expect(tweet?.text).toBe("the whole post #long");
    expect(tweet?.hashtags).toEqual(["long"]);
  });

  it("resolves retweeted and quoted tweets through includes, skipping replies and missing ones", () => {
    const data: V2Tweet = {
      id: "1574186989737459712",
      text: "RT @bob: hello",
      author_id: "1",
      referenced_tweets: [
        { type: "retweeted", id: "1574186889660399616" },
        { type: "replied_to", id: "1574186889660399617" },
        { type: "quoted", id: "1574186889660399618" },
      ],
    };
    const original = {
      id: "1574186889660399616",
      text: "hello",
      author_id: "2",
      referenced_tweets: [{ type: "quoted", id: "1574186889660399619" }],
    };
    const quotedByOriginal = { id: "1574186889660399619", text: "quoted by the original", author_id: "404" };
    const reply = { id: "1574186889660399617", text: "a reply", author_id: "2" };
    const tweet = v2TweetToTweet(data, indexIncludes({ users, tweets: [original, quotedByOriginal, reply] }));
    expect(tweet?.referenced).toEqual([
      {
        id: "1574186889660399616",
        text: "hello",
        author: { id: "2", username: "bob" },
        hashtags: [],
        mentions: [],
        urls: [],
      },
      {
        id: "1574186889660399619",
        text: "quoted by the original",
        author: { id: "404", username: "" },
        hashtags: [],
        mentions: [],
        urls: [],
      },
    ]);
  });

  it("tolerates missing fields: unknown author, no lang, time from the snowflake id", () => {
    const tweet = v2TweetToTweet({ id: "1574186989737459712", text: "hi" });
    expect(tweet).toMatchObject({
      author: { id: "unknown", username: "" },
      lang: null,
      created_at: "2022-09-25T23:59:59.990Z",
    });
    if (tweet !== undefined) Tweet.parse(tweet);
  });

  it("yields nothing for a stream message without data", () => {
    const message = V2StreamMessage.parse({ errors: [{ title: "operational-disconnect", detail: "disconnected" }] });
    expect(v2StreamMessageToTweet(message)).toBeUndefined();
  });

  it("rejects a message whose tweet has no id or text", () => {
    expect(V2StreamMessage.safeParse({ data: { id: "12" } }).success).toBe(false);
    expect(V2StreamMessage.safeParse({ data: { id: "x", text: "" } }).success).toBe(false);
  });
});

const readLines = (relative: string): unknown[] =>
  fs
    .readFileSync(sharedPath(relative), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line): unknown => JSON.parse(line));

describeWithSharedData("v2 mapping of the real captures", "tweets/v2", () => {
  it("filtered-stream-2021-04-01: 9 messages, 8 tweets with their authors resolved, 1 disconnect", () => {
    const messages = readLines("tweets/v2/filtered-stream-2021-04-01.jsonl").map((line) => V2StreamMessage.parse(line));
    expect(messages).toHaveLength(9);
    const tweets = messages.map(v2StreamMessageToTweet);
    expect(tweets.filter((tweet) => tweet === undefined)).toHaveLength(1);
    const mapped = tweets.filter((tweet): tweet is Tweet => tweet !== undefined);
    expect(mapped).toHaveLength(8);
    for (const tweet of mapped) Tweet.parse(tweet);
    expect(mapped.map((tweet) => tweet.author.username)).toEqual([
      "blackheart_265",
      "sheelaghb18",
      "dreasaurusrex92",
      "OpenMindMH",
      "courtney_fromm",
      "RealProstateDoc",
      "ArborRidge1",
      "ArborRidge1",
    ]);
    // The first quotes a tweet that includes carries; the replies' parents are not matched through.
    expect(mapped[0]?.referenced.map((content) => [content.id, content.author.username])).toEqual([
      ["1377640162566496258", "Manie_DS"],
    ]);
    expect(mapped[1]?.referenced).toEqual([]);
  });

  it("search-page-2022-09-25: 474 tweets, the 314 retweets and 12 quotes carrying their original", () => {
    const [line] = readLines("tweets/v2/search-page-2022-09-25.jsonl");
    const page = V2Page.parse(line);
    const tweets = v2PageToTweets(page);
    expect(tweets).toHaveLength(474);
    for (const tweet of tweets) Tweet.parse(tweet);
    expect(tweets.every((tweet) => tweet.author.username !== "")).toBe(true);
    const embedded = page.data.flatMap((raw, index) =>
      (raw.referenced_tweets ?? [])
        .filter((reference) => reference.type !== "replied_to")
        .map((reference) => ({ reference, tweet: tweets[index] })),
    );
    expect(embedded.filter(({ reference }) => reference.type === "retweeted")).toHaveLength(314);
    expect(embedded.filter(({ reference }) => reference.type === "quoted")).toHaveLength(12);
    const carried = embedded.filter(({ reference, tweet }) =>
      tweet?.referenced.some((content) => content.id === reference.id),
    );
    expect(carried.length).toBe(embedded.length);
  });
});
