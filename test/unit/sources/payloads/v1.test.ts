import fs from "node:fs";
import zlib from "node:zlib";
import { DeleteNotice, Tweet, type SourceItem } from "../../../../contracts/tweet";
import { isV1Tweet, parseV1Date, V1Tweet, v1MessageToItem } from "../../../../sources/payloads/v1";
import { describeWithSharedData, sharedPath } from "../../../support/shared-data";

const user = { id_str: "12", screen_name: "alice", name: "Alice A.", followers_count: 3 };

function tweetOf(message: unknown): Tweet {
  const item = v1MessageToItem(message);
  if (item?.kind !== "tweet") throw new Error(`not a tweet: ${JSON.stringify(item)}`);
  return item.tweet;
}

describe("v1.1 messages", () => {
  it("maps a tweet: text, author, entities, lang and creation time", () => {
    const tweet = tweetOf({
      id_str: "366151943065833472",
      created_at: "Sat Aug 10 11:00:00 +0000 2013",
      text: "Rock &amp; roll &lt;3 #Music with @bob https://t.co/x",
      user,
      lang: "en",
      entities: {
        hashtags: [{ text: "Music", indices: [0, 1] }],
        user_mentions: [{ screen_name: "bob", id_str: "7" }],
        urls: [
          {
            url: "https://t.co/x",
            expanded_url: "https://example.org/a/long/path",
            display_url: "example.org/a/long/…",
          },
          { url: "https://t.co/y", expanded_url: null, display_url: null },
        ],
      },
      some_future_field: { anything: true },
    });
    expect(tweet).toEqual({
      id: "366151943065833472",
      text: "Rock & roll <3 #Music with @bob https://t.co/x",
      author: { id: "12", username: "alice", name: "Alice A." },
      hashtags: ["Music"],
      mentions: ["bob"],
      urls: ["https://example.org/a/long/path", "example.org/a/long/…"],
      created_at: "2013-08-10T11:00:00.000Z",
      lang: "en",
      referenced: [],
      conversation_id: "366151943065833472",
    });
    Tweet.parse(tweet);
  });

  it("takes a long tweet's full text and entities from extended_tweet, media links once", () => {
    const media = { expanded_url: "https://twitter.com/alice/status/1/photo/1", display_url: "pic.twitter.com/abc" };
    const tweet = tweetOf({
      id_str: "824648094751002624",
      text: "cut text… https://t.co/cut",
      truncated: true,
      user,
      timestamp_ms: "1485446401666",
      created_at: "Thu Jan 26 16:00:01 +0000 2017",
      entities: {
        hashtags: [],
        user_mentions: [],
        urls: [{ expanded_url: "https://twitter.com/i/web/status/1", display_url: "twitter.com/i/web/status/1…" }],
      },
      extended_tweet: {
        full_text: "the whole long text #Info",
        entities: { hashtags: [{ text: "Info" }], user_mentions: [], urls: [], media: [media] },
        extended_entities: { media: [media] },
      },
    });
    expect(tweet.text).toBe("the whole long text #Info");
    expect(tweet.hashtags).toEqual(["Info"]);
    expect(tweet.urls).toEqual([media.expanded_url, media.display_url]);
    expect(tweet.created_at).toBe("2017-01-26T16:00:01.666Z");
    expect(tweet.lang).toBeNull();
  });

  it("falls back to full_text, then text", () => {
    expect(
      tweetOf({ id_str: "1", full_text: "full", text: "short", user, created_at: "Sat Aug 10 11:00:00 +0000 2013" })
        .text,
    ).toBe("full");
    expect(v1MessageToItem({ id_str: "1", user, created_at: "Sat Aug 10 11:00:00 +0000 2013" })).toBeNull();
  });

  it("carries the retweeted tweet, the quoted one and the one a retweet quotes, each once", () => {
    const quoted = {
      id_str: "300",
      text: "quoted text",
      user: { id_str: "3", screen_name: "carol" },
      entities: { hashtags: [{ text: "q" }] },
    };
    const retweeted = {
      id_str: "200",
      text: "original text",
      user: { id_str: "2", screen_name: "bob" },
      quoted_status: quoted,
    };
    const tweet = tweetOf({
      id_str: "100",
      text: "RT @bob: original text",
      user,
      created_at: "Sat Aug 10 11:00:00 +0000 2013",
      retweeted_status: retweeted,
      quoted_status: quoted,
    });
    expect(tweet.referenced.map((content) => [content.id, content.text, content.author.username])).toEqual([
      ["200", "original text", "bob"],
      ["300", "quoted text", "carol"],
    ]);
    expect(tweet.referenced[1]?.hashtags).toEqual(["q"]);
    Tweet.parse(tweet);
  });

  it("maps the facts rules read: cashtags, reply, verified author, media kinds, kinds of reference, geo", () => {
    const tweet = tweetOf({
      id_str: "100",
      text: "@bob $TWTR up, see the clip",
      created_at: "Sat Aug 10 11:00:00 +0000 2013",
      user: { ...user, verified: true },
      in_reply_to_status_id_str: "90",
      in_reply_to_user_id_str: "2",
      in_reply_to_screen_name: "bob",
      entities: { symbols: [{ text: "TWTR", indices: [5, 10] }], media: [{ type: "photo", expanded_url: "e" }] },
      extended_entities: { media: [{ type: "video", expanded_url: "e" }, { type: "animated_gif" }] },
      quoted_status: { id_str: "300", text: "q", user: { id_str: "3", screen_name: "carol" } },
      coordinates: { type: "Point", coordinates: [-86.5, 34.7] },
      place: { country_code: "US", full_name: "Huntsville, AL" },
    });
    expect(tweet).toMatchObject({
      author: { id: "12", username: "alice", verified: true },
      cashtags: ["TWTR"],
      reply_to: { tweet_id: "90", user_id: "2", username: "bob" },
      media: ["video", "animated_gif"],
      referenced_tweets: [
        { type: "quoted", id: "300" },
        { type: "replied_to", id: "90" },
      ],
      geo: { country_code: "US" },
    });
    // v1.1 has no conversation_id: a reply's is unknown.
    expect(tweet.conversation_id).toBeUndefined();
    Tweet.parse(tweet);
  });

  it("leaves out the facts a tweet lacks, and keeps a place without country as geo", () => {
    const plain = tweetOf({ id_str: "100", text: "hi", created_at: "Sat Aug 10 11:00:00 +0000 2013", user });
    for (const fact of ["cashtags", "reply_to", "media", "referenced_tweets", "geo", "edit_history_tweet_ids"])
      expect(plain).not.toHaveProperty(fact);
    expect(plain.author).not.toHaveProperty("verified");
    const placed = tweetOf({
      id_str: "101",
      text: "hi",
      created_at: "Sat Aug 10 11:00:00 +0000 2013",
      user,
      place: { name: "somewhere" },
      coordinates: null,
    });
    expect(placed.geo).toEqual({});
  });

  it("maps delete notices, with or without their author", () => {
    const withAuthor = v1MessageToItem({
      delete: {
        status: { id: 1, id_str: "242930862272942080", user_id: 2, user_id_str: "144939536" },
        timestamp_ms: "1",
      },
    });
    expect(withAuthor).toEqual({ kind: "delete", notice: { tweet_id: "242930862272942080", author_id: "144939536" } });
    const withoutAuthor = v1MessageToItem({ delete: { status: { id_str: "5" } } });
    expect(withoutAuthor).toEqual({ kind: "delete", notice: { tweet_id: "5" } });
  });

  it("answers null for control messages and anything it cannot use", () => {
    for (const message of [
      { limit: { track: 12, timestamp_ms: "1" } },
      { scrub_geo: { user_id_str: "1", up_to_status_id_str: "2" } },
      { delete: { status: { id_str: "not a number" } } },
      { id_str: "1", text: "no user" },
      { id_str: "1", text: "a time out of range", user, timestamp_ms: "1e20" },
      { id_str: "1", text: "no time at all", user },
      "a string",
      null,
      [1, 2],
    ]) {
      expect(v1MessageToItem(message)).toBeNull();
    }
  });

  it("checks tweets exactly as the V1Tweet schema does", () => {
    const valid = {
      id_str: "1",
      text: "t",
      user,
      entities: {
        hashtags: [{ text: "h" }],
        user_mentions: [{ screen_name: "m" }],
        urls: [{ expanded_url: null }],
        media: [],
      },
      extended_tweet: { full_text: "f", entities: { hashtags: [] }, extended_entities: null },
      retweeted_status: { id_str: "2", text: "r", user, quoted_status: { id_str: "3", text: "q", user } },
      quoted_status: null,
      lang: "en",
    };
    const variants: Array<[string, unknown]> = [
      ["valid", valid],
      ["only the required fields", { id_str: "1", user: { id_str: "1", screen_name: "" } }],
      ["a numeric id_str", { ...valid, id_str: 1 }],
      ["an id_str that is not an id", { ...valid, id_str: "12a" }],
      ["an id_str of 21 digits", { ...valid, id_str: "1".repeat(21) }],
      ["no user", { ...valid, user: undefined }],
      ["a user without id", { ...valid, user: { ...user, id_str: "" } }],
      ["a null screen name", { ...valid, user: { ...user, screen_name: null } }],
      ["a numeric user name", { ...valid, user: { ...user, name: 5 } }],
      ["a numeric text", { ...valid, text: 5 }],
      ["entities as a list", { ...valid, entities: [] }],
      ["a numeric hashtag", { ...valid, entities: { hashtags: [{ text: 1 }] } }],
      ["null hashtags", { ...valid, entities: { hashtags: null } }],
      ["a numeric expanded_url", { ...valid, entities: { urls: [{ expanded_url: 5 }] } }],
      ["a null media item", { ...valid, entities: { media: [null] } }],
      ["extended_tweet as text", { ...valid, extended_tweet: "x" }],
      ["a mention without name", { ...valid, extended_tweet: { entities: { user_mentions: [{}] } } }],
      ["an empty retweeted_status", { ...valid, retweeted_status: {} }],
      [
        "a retweet quoting a tweet without user",
        { ...valid, retweeted_status: { ...valid.retweeted_status, quoted_status: { id_str: "3" } } },
      ],
      ["a numeric lang", { ...valid, lang: 3 }],
      ["a numeric cashtag", { ...valid, entities: { symbols: [{ text: 1 }] } }],
      ["a numeric media type", { ...valid, extended_entities: { media: [{ type: 1 }] } }],
      ["a verified flag as text", { ...valid, user: { ...user, verified: "yes" } }],
      ["a numeric in_reply_to_status_id_str", { ...valid, in_reply_to_status_id_str: 5 }],
      ["a numeric in_reply_to_screen_name", { ...valid, in_reply_to_screen_name: 5 }],
      ["a place as text", { ...valid, place: "Paris" }],
      ["a numeric country code", { ...valid, place: { country_code: 33 } }],
      ["any coordinates", { ...valid, coordinates: [1, 2] }],
      ["a numeric timestamp_ms", { ...valid, timestamp_ms: 1 }],
      ["an array", [valid]],
      ["null", null],
    ];
    for (const [what, variant] of variants)
      expect({ what, accepted: isV1Tweet(variant) }).toEqual({ what, accepted: V1Tweet.safeParse(variant).success });
    expect(isV1Tweet(valid)).toBe(true);
  });

  it("parses v1.1 dates with their offset", () => {
    expect(parseV1Date("Sat Aug 10 11:00:00 +0000 2013")).toBe(Date.UTC(2013, 7, 10, 11));
    expect(parseV1Date("Sat Aug 10 13:30:00 +0230 2013")).toBe(Date.UTC(2013, 7, 10, 11));
    expect(parseV1Date("2013-08-10T11:00:00Z")).toBeUndefined();
  });
});

/** The README's table of the shared v1.1 captures. */
const CAPTURES = [
  { file: "sample-2013-08-10T1100Z.jsonl.gz", tweets: 2_950, deletes: 293, retweets: 548, extended: 0 },
  { file: "sample-2013-08-10T1101Z.jsonl.gz", tweets: 2_655, deletes: 320, retweets: 529, extended: 0 },
  { file: "sample-2013-08-10T1102Z.jsonl.gz", tweets: 2_685, deletes: 336, retweets: 588, extended: 0 },
  { file: "sample-2017-01-26T1600Z.jsonl.gz", tweets: 3_696, deletes: 583, retweets: 1_528, extended: 63 },
  { file: "sample-2021-01-01T0729Z.jsonl.gz", tweets: 3_173, deletes: 307, retweets: 1_709, extended: 121 },
];

interface RawCapture {
  messages: unknown[];
  items: Array<SourceItem | null>;
}

function readCapture(file: string): RawCapture {
  const text = zlib.gunzipSync(fs.readFileSync(sharedPath(`tweets/v1/${file}`))).toString("utf8");
  const messages = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line): unknown => JSON.parse(line));
  return { messages, items: messages.map(v1MessageToItem) };
}

/** A field of a JSON object, for looking into the raw captures. */
const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;

describeWithSharedData("v1.1 mapping of the real captures", "tweets/v1", () => {
  it.each(CAPTURES)(
    "$file: $tweets tweets and $deletes delete notices, all valid",
    ({ file, tweets, deletes, retweets, extended }) => {
      const { messages, items } = readCapture(file);
      const mapped = items.filter((item): item is SourceItem => item !== null);
      expect(mapped).toHaveLength(messages.length);
      const mappedTweets = mapped.flatMap((item) => (item.kind === "tweet" ? [item.tweet] : []));
      const notices = mapped.flatMap((item) => (item.kind === "delete" ? [item.notice] : []));
      expect({ tweets: mappedTweets.length, deletes: notices.length }).toEqual({ tweets, deletes });
      for (const tweet of mappedTweets) Tweet.parse(tweet);
      for (const message of messages)
        if (field(message, "delete") === undefined) expect(isV1Tweet(message)).toBe(V1Tweet.safeParse(message).success);
      for (const notice of notices) DeleteNotice.parse(notice);

      // By id, to look up; counted apart, since the sample stream sometimes sends a tweet twice.
      const retweetIds = new Map<string, string>();
      const extendedTexts = new Map<string, string>();
      const counts = { retweets: 0, extended: 0 };
      for (const message of messages) {
        const retweeted = field(message, "retweeted_status");
        if (retweeted !== undefined && retweeted !== null) {
          retweetIds.set(String(field(message, "id_str")), String(field(retweeted, "id_str")));
          counts.retweets += 1;
        }
        const long = field(field(message, "extended_tweet"), "full_text");
        if (typeof long === "string") {
          extendedTexts.set(String(field(message, "id_str")), long);
          counts.extended += 1;
        }
      }
      expect(counts).toEqual({ retweets, extended });
      expect(
        mappedTweets.filter((tweet) => retweetIds.has(tweet.id) && tweet.text.startsWith("RT @")).length,
      ).toBeGreaterThanOrEqual(retweets * 0.95);
      for (const tweet of mappedTweets) {
        const retweetedId = retweetIds.get(tweet.id);
        if (retweetedId !== undefined) expect(tweet.referenced.map((content) => content.id)).toContain(retweetedId);
        const long = extendedTexts.get(tweet.id);
        if (long !== undefined)
          expect(tweet.text).toBe(long.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
      }
    },
  );

  it.each(CAPTURES)("$file: the facts rules read, as each message's own fields say", ({ file }) => {
    const { messages, items } = readCapture(file);
    const seen = { cashtags: 0, replies: 0, verified: 0, media: 0, geo: 0, countries: 0 };
    messages.forEach((message, index) => {
      const item = items[index];
      if (item?.kind !== "tweet") return;
      const tweet = item.tweet;
      const raw = (name: string): unknown => field(message, name);
      const extended = field(raw("extended_tweet"), "entities");
      const symbols = field(extended ?? raw("entities"), "symbols");
      const cashtags = Array.isArray(symbols) ? symbols.map((symbol) => field(symbol, "text")) : [];
      expect(tweet.cashtags ?? []).toEqual(cashtags);
      const repliedTo = raw("in_reply_to_status_id_str") ?? undefined;
      expect(tweet.reply_to?.tweet_id).toBe(repliedTo ?? undefined);
      expect(tweet.referenced_tweets?.some((reference) => reference.type === "replied_to") ?? false).toBe(!!repliedTo);
      expect(tweet.referenced_tweets?.some((reference) => reference.type === "retweeted") ?? false).toBe(
        !!raw("retweeted_status"),
      );
      expect(tweet.author.verified).toBe(field(raw("user"), "verified"));
      const place = raw("place");
      expect(tweet.geo !== undefined).toBe(!!place || !!raw("coordinates"));
      expect(tweet.geo?.country_code).toBe(field(place, "country_code") || undefined);
      seen.cashtags += cashtags.length > 0 ? 1 : 0;
      seen.replies += repliedTo ? 1 : 0;
      seen.verified += tweet.author.verified ? 1 : 0;
      seen.media += tweet.media ? 1 : 0;
      seen.geo += tweet.geo ? 1 : 0;
      seen.countries += tweet.geo?.country_code ? 1 : 0;
    });
    // The facts every capture holds, so that the comparisons above compare something (2013's have no cashtags).
    const { cashtags, ...always } = seen;
    for (const [fact, count] of Object.entries(always)) expect({ fact, some: count > 0 }).toEqual({ fact, some: true });
    if (!file.startsWith("sample-2013")) expect(cashtags).toBeGreaterThan(0);
  });

  it("gives an extended tweet its full text, longer than the cut one", () => {
    const { items } = readCapture("sample-2017-01-26T1600Z.jsonl.gz");
    const tweet = items.flatMap((item) =>
      item?.kind === "tweet" && item.tweet.id === "824648094751002624" ? [item.tweet] : [],
    )[0];
    expect(tweet?.text).toBe(
      "#Info\nDie offene Sprechstunde der Psychosozialberatung auf dem Campus Westend fällt am Di, den 31.1. leider aus. Wir bitten um Verständnis. https://t.co/QlgUMUf1zA",
    );
    expect(tweet?.urls).toContain("pic.twitter.com/QlgUMUf1zA");
    expect(tweet?.created_at).toBe("2017-01-26T16:00:01.666Z");
  });
});
