import fs from "node:fs";
import zlib from "node:zlib";
import type { Tweet } from "../../../../contracts/tweet";
import { compileRules } from "../../../../matching/rules";
import { v1MessageToItem } from "../../../../sources/payloads/v1";
import { V2Page, V2StreamMessage, v2PageToTweets, v2StreamMessageToTweet } from "../../../../sources/payloads/v2";
import { rawV1Facts } from "../../../support/raw-v1";
import { describeWithSharedData, sharedPath } from "../../../support/shared-data";

/**
 * Rules on the real captures, mapped through the payloads: what each simple operator should answer
 * is read from the message's own raw fields, so that a wrong mapping or evaluation fails here.
 */

const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0;

interface Expected {
  authorId: string;
  username: string;
  english: boolean;
  links: boolean;
  retweet: boolean;
}

/** Per author, rules that hold their answer in their index: from: by name, then by id with lang:en, has:links, is:retweet. */
function rulesFor(authors: readonly string[][]): string[] {
  return authors.flatMap(([id, username]) => [
    `from:${username}`,
    `from:${id} lang:en`,
    `from:${id} has:links`,
    `from:${id} is:retweet`,
  ]);
}

function checkAll(cases: ReadonlyArray<{ tweet: Tweet; expected: Expected }>): void {
  const authors = [...new Map(cases.map(({ expected }) => [expected.authorId, expected.username])).entries()].slice(
    0,
    150,
  );
  const matcher = compileRules(rulesFor(authors), { maxLength: 1024 });
  const authorIndex = new Map(authors.map(([id], index) => [id, index]));
  let checked = 0;
  for (const { tweet, expected } of cases) {
    const index = authorIndex.get(expected.authorId);
    if (index === undefined) continue;
    const own = new Set(
      matcher
        .matches(tweet)
        .filter((rule) => Math.floor(rule / 4) === index)
        .map((rule) => rule % 4),
    );
    const answers = { from: own.has(0), english: own.has(1), links: own.has(2), retweet: own.has(3) };
    expect({ id: tweet.id, ...answers }).toEqual({
      id: tweet.id,
      from: true,
      english: expected.english,
      links: expected.links,
      retweet: expected.retweet,
    });
    checked += 1;
  }
  expect(checked).toBeGreaterThan(0);
}

// ---- v1.1 -------------------------------------------------------------------------------------

function v1Cases(file: string): Array<{ tweet: Tweet; expected: Expected }> {
  const lines = zlib
    .gunzipSync(fs.readFileSync(sharedPath(`tweets/v1/${file}`)))
    .toString("utf8")
    .split("\n");
  return lines.flatMap((line) => {
    if (line.trim() === "") return [];
    const message: unknown = JSON.parse(line);
    const item = v1MessageToItem(message);
    if (item?.kind !== "tweet") return [];
    const raw = rawV1Facts(message);
    const { authorId, username, links, retweet } = raw;
    return [{ tweet: item.tweet, expected: { authorId, username, english: raw.lang === "en", links, retweet } }];
  });
}

describeWithSharedData("rules on the real v1.1 captures", "tweets/v1", () => {
  it.each(["sample-2013-08-10T1100Z.jsonl.gz", "sample-2017-01-26T1600Z.jsonl.gz", "sample-2021-01-01T0729Z.jsonl.gz"])(
    "%s: from:, lang:, has:links and is:retweet as the raw fields say",
    (file) => {
      const cases = v1Cases(file);
      expect(cases.some(({ expected }) => expected.retweet)).toBe(true);
      expect(cases.some(({ expected }) => expected.links)).toBe(true);
      checkAll(cases);
    },
  );
});

// ---- v2 ---------------------------------------------------------------------------------------

function v2Expected(raw: V2Page["data"][number], page: { includes?: V2Page["includes"] }): Expected {
  const embedded = (raw.referenced_tweets ?? [])
    .filter((reference) => reference.type !== "replied_to")
    .flatMap((reference) => page.includes?.tweets?.filter((candidate) => candidate.id === reference.id) ?? []);
  const username = page.includes?.users?.find((user) => user.id === raw.author_id)?.username ?? "";
  return {
    authorId: raw.author_id ?? "",
    username,
    english: raw.lang === "en",
    links: [raw, ...embedded].some((tweet) => nonEmpty((tweet.note_tweet?.entities ?? tweet.entities)?.urls)),
    retweet: raw.referenced_tweets?.some((reference) => reference.type === "retweeted") ?? false,
  };
}

const readLines = (relative: string): unknown[] =>
  fs
    .readFileSync(sharedPath(relative), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line): unknown => JSON.parse(line));

describeWithSharedData("rules on the real X API v2 captures", "tweets/v2", () => {
  it("filtered-stream-2021-04-01: from:, lang:, has:links and is:retweet as the raw fields say", () => {
    const messages = readLines("tweets/v2/filtered-stream-2021-04-01.jsonl").map((line) => V2StreamMessage.parse(line));
    const cases = messages.flatMap((message) => {
      const tweet = v2StreamMessageToTweet(message);
      return tweet === undefined || message.data === undefined
        ? []
        : [{ tweet, expected: v2Expected(message.data, message) }];
    });
    expect(cases).toHaveLength(8);
    checkAll(cases);
  });

  it("search-page-2022-09-25: from:, lang:, has:links and is:retweet as the raw fields say", () => {
    const [line] = readLines("tweets/v2/search-page-2022-09-25.jsonl");
    const page = V2Page.parse(line);
    const tweets = v2PageToTweets(page);
    const cases = page.data.map((raw, index) => ({ tweet: tweets[index] as Tweet, expected: v2Expected(raw, page) }));
    expect(cases.filter(({ expected }) => expected.retweet)).toHaveLength(314);
    checkAll(cases);
  });
});
