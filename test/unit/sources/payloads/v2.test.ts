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
      author: { id: "1", username: "alice", name: "Alice", verified: false },
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

  it("maps the facts rules read: cashtags, reply, verified author, media kinds, references, geo, edits", () => {
    const message = V2StreamMessage.parse({
      data: {
        id: "1377650090978992134",
        author_id: "1",
        created_at: "2021-04-01T15:52:31.000Z",
        text: "@bob $TWTR https://t.co/p",
        conversation_id: "1377640000000000000",
        in_reply_to_user_id: "2",
        referenced_tweets: [{ type: "replied_to", id: "1377645000000000000" }],
        entities: {
          mentions: [{ start: 0, end: 4, username: "bob", id: "2" }],
          cashtags: [{ start: 5, end: 10, tag: "TWTR" }],
        },
        attachments: { media_keys: ["3_1", "7_2", "16_3"] },
        geo: { place_id: "a0583a9994e6bf1b" },
        edit_history_tweet_ids: ["1377650090978992134"],
      },
      includes: {
        users: [{ id: "1", username: "alice", verified: true }],
        media: [
          { media_key: "3_1", type: "photo" },
          { media_key: "7_2", type: "video" },
        ],
        places: [{ id: "a0583a9994e6bf1b", country_code: "MW", full_name: "Malawi" }],
      },
    });
    const tweet = v2StreamMessageToTweet(message);
    expect(tweet).toMatchObject({
      author: { id: "1", username: "alice", verified: true },
      cashtags: ["TWTR"],
      // bob is not in includes.users: his name comes from the mention with his id.
      reply_to: { tweet_id: "1377645000000000000", user_id: "2", username: "bob" },
      // 16_3 is not in includes.media: its kind is unknown, and left out.
      media: ["photo", "video"],
      referenced_tweets: [{ type: "replied_to", id: "1377645000000000000" }],
      conversation_id: "1377640000000000000",
      geo: { country_code: "MW" },
      edit_history_tweet_ids: ["1377650090978992134"],
    });
    Tweet.parse(tweet);
  });

  it("leaves out the facts a tweet lacks, and keeps unresolved coordinates as geo", () => {
    const plain = v2TweetToTweet({ id: "1377650090978992134", text: "hi" });
    for (const fact of ["cashtags", "reply_to", "media", "referenced_tweets", "conversation_id", "geo"])
      expect(plain).not.toHaveProperty(fact);
    const located = v2TweetToTweet({
      id: "1377650090978992134",
      text: "hi",
      geo: { coordinates: { type: "Point", coordinates: [1, 2] } },
    });
    expect(located?.geo).toEqual({});
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

  it("filtered-stream-2021-04-01: the facts rules read, as each message's own fields and includes say", () => {
    const messages = readLines("tweets/v2/filtered-stream-2021-04-01.jsonl").map((line) => V2StreamMessage.parse(line));
    const seen = { replies: 0, media: 0, countries: 0, references: 0 };
    for (const message of messages) {
      const raw = message.data;
      const tweet = v2StreamMessageToTweet(message);
      if (raw === undefined || tweet === undefined) continue;
      const includes = message.includes;
      expect(tweet.conversation_id).toBe(raw.conversation_id);
      expect(tweet.referenced_tweets ?? []).toEqual(raw.referenced_tweets?.map(({ type, id }) => ({ type, id })) ?? []);
      expect(tweet.reply_to?.user_id).toBe(raw.in_reply_to_user_id ?? undefined);
      expect(tweet.author.verified).toBe(includes?.users?.find((user) => user.id === raw.author_id)?.verified);
      const kinds = (raw.attachments?.media_keys ?? []).map(
        (key) => includes?.media?.find((medium) => medium.media_key === key)?.type,
      );
      expect(tweet.media ?? []).toEqual(kinds);
      const place = includes?.places?.find((candidate) => candidate.id === raw.geo?.place_id);
      expect(tweet.geo?.country_code).toBe(place?.country_code ?? undefined);
      seen.replies += tweet.reply_to ? 1 : 0;
      seen.media += kinds.length;
      seen.countries += tweet.geo?.country_code ? 1 : 0;
      seen.references += tweet.referenced_tweets?.length ?? 0;
    }
    expect(seen).toEqual({ replies: 3, media: 2, countries: 8, references: 4 });
  });

  it("search-page-2022-09-25: edit histories and replies' users, from the page's own fields", () => {
    const [line] = readLines("tweets/v2/search-page-2022-09-25.jsonl");
    const page = V2Page.parse(line);
    const tweets = v2PageToTweets(page);
    page.data.forEach((raw, index) => {
      expect(tweets[index]?.edit_history_tweet_ids).toEqual(raw.edit_history_tweet_ids ?? undefined);
      expect(tweets[index]?.reply_to?.user_id).toBe(raw.in_reply_to_user_id ?? undefined);
    });
    const replies = tweets.filter((tweet) => tweet.reply_to?.username !== undefined);
    expect(replies.length).toBeGreaterThan(0);
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
