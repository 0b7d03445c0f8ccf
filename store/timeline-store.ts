import type { Redis } from "ioredis";
import { z } from "zod";
import type { Match } from "../contracts/messages";
import type { DeleteNotice } from "../contracts/tweet";
import { TimelineEntry } from "../contracts/actions";
import type { RedisKeys } from "./keys";

export type TimelineEntry = z.infer<typeof TimelineEntry>;

export interface TimelineLimits {
  /** Ids kept per timeline; older ones are trimmed. */
  cap: number;
  /** Seconds a tweet body is kept. */
  tweetTtl: number;
}

export interface TimelineQuery {
  runId: string;
  phrase?: string;
  limit: number;
  /** Exclusive: the page starts below this tweet id. */
  before?: string;
}

/**
 * Timelines hold tweet ids in sorted sets whose members are ids zero-padded to 20 digits, all with
 * score 0, so that lexical order is id order (snowflake ids grow with time) and a cursor is an id.
 * Scores cannot carry the ids themselves: 64-bit ids exceed a double's exact range. Adding an id
 * twice changes nothing, so a redelivered batch lands once. Bodies are stored once and joined in on
 * read; an id whose body expired or was deleted is skipped.
 */
export class TimelineStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly limits: TimelineLimits,
  ) {}

  /** Stores one batch of matches and applies its delete notices, in one round trip. */
  async add(runId: string, matches: readonly Match[], deletes: readonly DeleteNotice[]): Promise<void> {
    if (matches.length === 0 && deletes.length === 0) return;
    const pipeline = this.redis.pipeline();
    const touched = new Set<string>();
    for (const match of matches) {
      const member = padId(match.tweet.id);
      const entry: TimelineEntry = { tweet: match.tweet, phrases: match.phrases };
      pipeline.set(this.keys.tweet(match.tweet.id), JSON.stringify(entry), "EX", this.limits.tweetTtl);
      for (const key of [this.keys.timeline(runId), ...match.phrases.map((phrase) => this.keys.timeline(runId, phrase))]) {
        pipeline.zadd(key, 0, member);
        touched.add(key);
      }
    }
    for (const key of touched) pipeline.zremrangebyrank(key, 0, -(this.limits.cap + 1));
    for (const notice of deletes) pipeline.del(this.keys.tweet(notice.tweet_id));
    await pipeline.exec();
  }

  /** A page, newest first, and the cursor of the next page (null at the end). */
  async page(query: TimelineQuery): Promise<{ entries: TimelineEntry[]; nextCursor: string | null }> {
    const key = this.keys.timeline(query.runId, query.phrase);
    const entries: TimelineEntry[] = [];
    let before = query.before;
    // Ids whose bodies are gone are skipped; read on until the page is full or the timeline ends.
    for (let round = 0; round < 5 && entries.length < query.limit; round++) {
      const wanted = query.limit - entries.length;
      const members = await this.redis.zrevrangebylex(key, before ? `(${padId(before)}` : "+", "-", "LIMIT", 0, wanted);
      if (members.length === 0) return { entries, nextCursor: null };
      const bodies = await this.redis.mget(members.map((member) => this.keys.tweet(unpadId(member))));
      for (const body of bodies) if (body) entries.push(TimelineEntry.parse(JSON.parse(body)));
      before = unpadId(members[members.length - 1] ?? "0");
      if (members.length < wanted) return { entries, nextCursor: null };
    }
    return { entries, nextCursor: before ?? null };
  }
}

export function padId(id: string): string {
  return id.padStart(20, "0");
}

export function unpadId(member: string): string {
  return member.replace(/^0+(?=\d)/, "");
}
