import fs from "node:fs";
import path from "node:path";
import { readV1Capture, sharedDataDir, tweetFromV1, type V1Status } from "../unit/matching/v1-capture";
import type { Tweet } from "../../contracts/tweet";

/**
 * Stream messages for the fake X API, from the shared captures (never copied into the project):
 * the real v2 filtered-stream messages, and real v1.1 tweets converted to what the v2 filtered
 * stream would send for them (`data` + `includes` + `matching_rules`). Test-only code: it shares
 * nothing with sources/.
 */

export const v2StreamCapture = path.join(sharedDataDir, "tweets", "v2", "filtered-stream-2021-04-01.jsonl");

export function v2StreamCapturePresent(): boolean {
  return fs.existsSync(v2StreamCapture);
}

/** The real v2 messages, as they came: tweets and one operational-disconnect. */
export function readV2StreamCapture(): unknown[] {
  return fs
    .readFileSync(v2StreamCapture, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line): unknown => JSON.parse(line));
}

/** A tweet's own fields, as the tweets a tweet carries have them. */
type V1Content = NonNullable<V1Status["quoted_status"]>;
type V1Entities = V1Content["entities"];

function v2Entities(entities: V1Entities): Record<string, unknown> {
  return {
    hashtags: entities.hashtags.map((hashtag) => ({ tag: hashtag.text })),
    mentions: entities.user_mentions.map((mention) => ({ username: mention.screen_name })),
    // v2 lists media links among the URLs.
    urls: [...entities.urls, ...entities.media].map((link) => ({
      expanded_url: link.expanded_url,
      display_url: link.display_url,
    })),
  };
}

interface Reference {
  type: "retweeted" | "quoted";
  status: V1Content;
}

/** A v1.1 tweet as a v2 tweet object: a long tweet's full text goes to `note_tweet`, as v2 sends it. */
function v2Tweet(status: V1Content, references: readonly Reference[]): Record<string, unknown> {
  const long = status.truncated ? status.extended_tweet : undefined;
  return {
    id: status.id_str,
    text: status.text,
    created_at: new Date(status.created_at).toISOString(),
    ...(status.lang ? { lang: status.lang } : {}),
    author_id: status.user.id_str,
    entities: v2Entities(status.entities),
    ...(long ? { note_tweet: { text: long.full_text, entities: v2Entities(long.entities) } } : {}),
    ...(references.length > 0
      ? { referenced_tweets: references.map((reference) => ({ type: reference.type, id: reference.status.id_str })) }
      : {}),
  };
}

const v2User = (content: V1Content): Record<string, unknown> => ({
  id: content.user.id_str,
  username: content.user.screen_name,
  ...(content.user.name ? { name: content.user.name } : {}),
});

/** What the v2 filtered stream sends for a v1.1 tweet: the tweet, its expansions, the rule it matched. */
export function v2MessageFromV1(
  status: V1Status,
  rule: { id: string; tag: string } = { id: "1", tag: "fake" },
): Record<string, unknown> {
  const retweeted = status.retweeted_status;
  // A retweet of a quote carries the quote on the retweeted tweet; v2 refers to it from there.
  const quoted = retweeted ? retweeted.quoted_status : status.quoted_status;
  const quoting: Reference[] = quoted ? [{ type: "quoted", status: quoted }] : [];
  const included = [...(retweeted ? [v2Tweet(retweeted, quoting)] : []), ...(quoted ? [v2Tweet(quoted, [])] : [])];
  const users = new Map(
    [status, retweeted, quoted].flatMap((content) =>
      content ? [[content.user.id_str, v2User(content)] as const] : [],
    ),
  );
  return {
    data: v2Tweet(status, retweeted ? [{ type: "retweeted", status: retweeted }] : quoting),
    includes: { users: [...users.values()], ...(included.length > 0 ? { tweets: included } : {}) },
    matching_rules: [rule],
  };
}

/** A v1.1 capture's tweets, each with its v2 message and the test's own reading of it (for the reference matcher). */
export function v1CaptureAsV2(
  capture: string,
  limit = Number.POSITIVE_INFINITY,
): { messages: Record<string, unknown>[]; tweets: Tweet[] } {
  const statuses = readV1Capture(capture).slice(0, limit);
  return { messages: statuses.map((status) => v2MessageFromV1(status)), tweets: statuses.map(tweetFromV1) };
}
