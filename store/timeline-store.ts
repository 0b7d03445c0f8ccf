import { z } from "zod";
import type { Match } from "../contracts/messages";
import { originalIdOf, type DeleteNotice } from "../contracts/tweet";
import { TimelineEntry } from "../contracts/actions";
import type { HydratedTweet } from "../contracts/timelines";
import { normalizePhrase } from "../contracts/track";
import {
  batchWrites,
  followerSets,
  inPipelines,
  padId,
  tweetBody,
  unpadId,
  type FanOutReads,
  type TimelineLimits,
} from "./fan-out";
import { getMany, runCommands, type RedisCommand } from "./cross-slot";
import type { RedisKeys } from "./keys";
import type { RedisClient } from "./redis";
import { scripts } from "./scripts";

export { padId, unpadId, type TimelineLimits };

export type TimelineEntry = z.infer<typeof TimelineEntry>;

export interface TimelineQuery {
  runId: string;
  phrase?: string;
  limit: number;
  /** Exclusive: the page starts below this tweet id. */
  before?: string;
}

export interface TimelinePageOf {
  entries: TimelineEntry[];
  /** The last id scanned; null at the end of the timeline. */
  nextCursor: string | null;
}

/**
 * Commands per pipeline of a fan-out: a tweet whose author has 10,000 followers enters 20,000 home
 * timelines (in its run and across runs), 60,000-odd commands with the trims and expiries: 7
 * pipelines after the one read, 8 round trips (measured in test/integration/timelines.test.ts). Bounded so that a batch
 * of popular authors does not build one pipeline of millions of commands in the worker's memory.
 */
export const COMMANDS_PER_PIPELINE = 10_000;

/** Rounds of reading on when a page's ids have lost their bodies. */
const PAGE_ROUNDS = 5;

const StringList = z.array(z.string());
const MaybeStrings = z.array(z.string().nullable());

/**
 * Timelines hold tweet ids in sorted sets whose members are ids zero-padded to 20 digits, all with
 * score 0, so that lexical order is id order (snowflake ids grow with time) and a cursor is an id.
 * Scores cannot carry the ids themselves: 64-bit ids exceed a double's exact range. Adding an id
 * twice changes nothing, so a redelivered batch lands once. Bodies are stored once and joined in on
 * read; an id whose body expired or was deleted is skipped.
 */
/** Where bodies gone from Redis are found again: the archive, when there is one. */
export interface ArchivedBodies {
  timelineEntries(tweetIds: readonly string[]): Promise<Map<string, TimelineEntry>>;
}

export class TimelineStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly limits: TimelineLimits,
    private readonly archive: ArchivedBodies | null = null,
  ) {}

  /**
   * Fans one batch of matches out to their timelines and applies its delete notices: one round trip
   * reads the follower sets, tombstones and delete records, then the writes go in pipelines of
   * `COMMANDS_PER_PIPELINE` commands, one after the other.
   */
  async add(
    runId: string,
    matches: readonly Match[],
    deletes: readonly DeleteNotice[],
    edits: readonly Match[] = [],
  ): Promise<void> {
    if (matches.length > 0 || deletes.length > 0) {
      const reads = await this.readBeforeFanOut(matches, deletes);
      const commands = batchWrites(this.keys, this.limits, runId, matches, deletes, reads);
      for (const pipeline of inPipelines(commands, COMMANDS_PER_PIPELINE)) await runCommands(this.redis, pipeline);
    }
    for (const edit of edits) await this.showEdit(edit);
  }

  /** A newer version of a post the timelines hold takes its place (store/show-edit-1.lua); few, so one call each. */
  private async showEdit(edit: Match): Promise<void> {
    const key = this.keys.tweet(originalIdOf(edit.tweet));
    await scripts.showEdit.run(this.redis, [key], [tweetBody(edit), edit.tweet.id, this.limits.tweetTtl]);
  }

  /** A page of a run's timeline, or of one of its track phrases', newest first (`timeline.get`). */
  page(query: TimelineQuery): Promise<TimelinePageOf> {
    const phrase = query.phrase === undefined ? undefined : normalizePhrase(query.phrase);
    return this.read(this.keys.timeline(query.runId, phrase), query.limit, query.before);
  }

  /**
   * A page of any timeline, newest first, and the cursor of the next page. Each round reads a range
   * of ids, then their bodies and tombstones in one MGET; ids whose body is gone are skipped and the
   * next round reads on, until the page is full or the timeline ends.
   */
  async read(timeline: string, limit: number, before?: string): Promise<TimelinePageOf> {
    const entries: TimelineEntry[] = [];
    let cursor = before;
    for (let round = 0; round < PAGE_ROUNDS && entries.length < limit; round++) {
      const wanted = limit - entries.length;
      const members = await this.redis.zrevrangebylex(
        timeline,
        cursor ? `(${padId(cursor)}` : "+",
        "-",
        "LIMIT",
        0,
        wanted,
      );
      if (members.length === 0) return { entries, nextCursor: null };
      entries.push(...(await this.hydrate(members.map(unpadId))));
      cursor = unpadId(members[members.length - 1] ?? "0");
      if (members.length < wanted) return { entries, nextCursor: null };
    }
    return { entries, nextCursor: cursor ?? null };
  }

  /** One tweet, null when its body expired or it was deleted. */
  async tweet(tweetId: string): Promise<TimelineEntry | null> {
    return (await this.hydrate([tweetId]))[0] ?? null;
  }

  /** The user id of an author reference (`123` or `@name`); null for a screen name no kept tweet had. */
  async authorId(author: string): Promise<string | null> {
    return author.startsWith("@") ? this.redis.get(this.keys.authorId(author.slice(1))) : author;
  }

  /**
   * The bodies of these tweets in one round trip, in order, leaving out the deleted; those expired
   * from Redis come from the archive when there is one (and are left out when it does not answer:
   * the page is shorter, not an error).
   */
  private async hydrate(tweetIds: readonly string[]): Promise<TimelineEntry[]> {
    const keys = [...tweetIds.map((id) => this.keys.tweet(id)), ...tweetIds.map((id) => this.keys.deletedTweet(id))];
    const values = await getMany(this.redis, keys);
    const bodies = values.slice(0, tweetIds.length);
    const tombstones = values.slice(tweetIds.length);
    const expired = tweetIds.filter((_id, index) => !bodies[index] && !tombstones[index]);
    const archived =
      this.archive && expired.length > 0
        ? await this.archive.timelineEntries(expired).catch(() => new Map<string, TimelineEntry>())
        : new Map<string, TimelineEntry>();
    // An edited post shows its newest version under its original's id, the place it holds: its own id
    // is the last of its edit history.
    return tweetIds.flatMap((id, index) => {
      const body = bodies[index];
      if (tombstones[index]) return [];
      const entry = body ? TimelineEntry.parse(JSON.parse(body)) : archived.get(id);
      return entry ? [{ ...entry, tweet: { ...entry.tweet, id } }] : [];
    });
  }

  private async readBeforeFanOut(matches: readonly Match[], deletes: readonly DeleteNotice[]): Promise<FanOutReads> {
    const sets = [...new Set(matches.flatMap((match) => followerSets(this.keys, match)))];
    const [tombstone, ...moreTombstones] = matches.map((match) => this.keys.deletedTweet(originalIdOf(match.tweet)));
    const reads: RedisCommand[] = [
      ...(tombstone === undefined ? [] : [["mget", tombstone, ...moreTombstones] satisfies RedisCommand]),
      ...sets.map((set): RedisCommand => ["smembers", set]),
      ...deletes.map((notice): RedisCommand => ["smembers", this.keys.tweetTimelines(notice.tweet_id)]),
    ];
    const replies = await runCommands(this.redis, reads);
    const tombstones = matches.length > 0 ? MaybeStrings.parse(replies.shift()) : [];
    const followers = new Map(sets.map((set) => [set, StringList.parse(replies.shift())]));
    const entered = new Map(deletes.map((notice) => [notice.tweet_id, StringList.parse(replies.shift())]));
    return {
      followers,
      deleted: new Set(matches.flatMap((match, index) => (tombstones[index] ? [originalIdOf(match.tweet)] : []))),
      entered,
    };
  }
}

/** A stored entry as timelines show it. */
export function hydratedTweet(entry: TimelineEntry): HydratedTweet {
  const { tweet, phrases } = entry;
  return {
    id: tweet.id,
    text: tweet.text,
    author: tweet.author,
    created_at: tweet.created_at,
    lang: tweet.lang,
    phrases,
  };
}
