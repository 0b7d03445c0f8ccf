/**
 * Test-only reading of real Streaming API v1.1 captures into the project's `Tweet`, so that matching
 * tests do not depend on the production v1.1 parser (sources/), which is written separately.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { z } from "zod";
import { sharedDataDir } from "../../support/shared-data";
import type { Tweet, TweetContent } from "../../../contracts/tweet";

export { sharedDataDir };
export const v1CaptureDir = path.join(sharedDataDir, "tweets", "v1");

export function v1CapturesPresent(): boolean {
  return fs.existsSync(v1CaptureDir) && v1CaptureFiles().length > 0;
}

export function v1CaptureFiles(): string[] {
  return fs
    .readdirSync(v1CaptureDir)
    .filter((name) => name.endsWith(".jsonl.gz"))
    .sort();
}

const V1Link = z.looseObject({ expanded_url: z.string().nullish(), display_url: z.string().nullish() });

const V1Entities = z.looseObject({
  hashtags: z.array(z.looseObject({ text: z.string() })).default([]),
  user_mentions: z.array(z.looseObject({ screen_name: z.string() })).default([]),
  urls: z.array(V1Link).default([]),
  media: z.array(V1Link).default([]),
});
type V1Entities = z.infer<typeof V1Entities>;

const V1Content = z.looseObject({
  id_str: z.string(),
  text: z.string(),
  truncated: z.boolean().default(false),
  created_at: z.string(),
  lang: z.string().nullish(),
  user: z.looseObject({ id_str: z.string(), screen_name: z.string(), name: z.string().nullish() }),
  entities: V1Entities,
  extended_tweet: z.looseObject({ full_text: z.string(), entities: V1Entities }).optional(),
});
type V1Content = z.infer<typeof V1Content>;

const V1Quoting = V1Content.extend({ quoted_status: V1Content.optional() });
export const V1Status = V1Quoting.extend({ retweeted_status: V1Quoting.optional() });
export type V1Status = z.infer<typeof V1Status>;

/** The tweets of a capture, in file order; delete notices are skipped. */
export function readV1Capture(file: string): V1Status[] {
  const lines = zlib
    .gunzipSync(fs.readFileSync(path.join(v1CaptureDir, file)))
    .toString("utf8")
    .split("\n");
  const statuses: V1Status[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    const message: unknown = JSON.parse(line);
    if (typeof message === "object" && message !== null && "delete" in message) continue;
    statuses.push(V1Status.parse(message));
  }
  return statuses;
}

/** v1.1 text escapes these three as HTML entities. */
const unescapeHtml = (text: string): string => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function toContent(status: V1Content): TweetContent {
  // A long tweet's `text` is cut; its full text and entities are in `extended_tweet`.
  const long = status.truncated && status.extended_tweet !== undefined ? status.extended_tweet : undefined;
  const entities = long?.entities ?? status.entities;
  const links = [...entities.urls, ...entities.media];
  return {
    id: status.id_str,
    text: unescapeHtml(long?.full_text ?? status.text),
    author: { id: status.user.id_str, username: status.user.screen_name },
    hashtags: entities.hashtags.map((hashtag) => hashtag.text),
    mentions: entities.user_mentions.map((mention) => mention.screen_name),
    urls: links.flatMap((link) => [link.expanded_url, link.display_url].filter((url): url is string => !!url)),
  };
}

export function tweetFromV1(status: V1Status): Tweet {
  const retweeted = status.retweeted_status;
  const carried = [retweeted, status.quoted_status, retweeted?.quoted_status].filter(
    (tweet): tweet is V1Content => tweet !== undefined,
  );
  return {
    ...toContent(status),
    created_at: new Date(status.created_at).toISOString(),
    lang: status.lang ?? null,
    referenced: carried.map(toContent),
  };
}
