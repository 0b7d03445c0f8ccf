import type { Match } from "../contracts/messages";
import { screenNameRef } from "../contracts/timelines";
import { originalIdOf, type DeleteNotice } from "../contracts/tweet";
import { normalizePhrase } from "../contracts/track";
import type { RedisCommand } from "./cross-slot";
import { ALL_RUNS, type RedisKeys } from "./keys";

/**
 * The fan-out on write of a match batch, as pure functions: which follower sets it reads, and the
 * Redis commands it then sends. The store runs them in one read round trip and a few write round
 * trips (see `TimelineStore.add`).
 */

export interface TimelineLimits {
  /** Ids kept per timeline; older ones are trimmed. */
  cap: number;
  /** Seconds a tweet body is kept. */
  tweetTtl: number;
  /**
   * Seconds a timeline of a run, phrase, rule or subscriber is kept after its newest tweet: longer than
   * the bodies when the archive hydrates what Redis no longer holds. Author timelines, one per author,
   * go with the bodies. Unset: `tweetTtl`.
   */
  timelineTtl?: number;
}

/**
 * A deleted tweet's tombstone outlives its body by this much: a fan-out racing the delete may store
 * the body again just after it, and that body must expire while the tombstone still hides it.
 */
export const TOMBSTONE_MARGIN_SECONDS = 3600;

/** Members per SADD of a tweet's record of timelines. */
const RECORD_MEMBERS_PER_COMMAND = 1000;

export function padId(id: string): string {
  return id.padStart(20, "0");
}

export function unpadId(member: string): string {
  return member.replace(/^0+(?=\d)/, "");
}

/** The follower sets of a match: its author's by user id and by screen name, and each phrase's. */
export function followerSets(keys: RedisKeys, match: Match): string[] {
  return [
    keys.authorFollowers(match.tweet.author.id),
    keys.authorFollowers(screenNameRef(match.tweet.author.username)),
    ...match.phrases.map((phrase) => keys.phraseFollowers(normalizePhrase(phrase))),
  ];
}

/**
 * Every timeline a matched tweet enters: the run's, each of its phrases' and rules', its author's and the home
 * timeline of each follower, in the run and across runs. Writing both, rather than merging the
 * runs' timelines when reading, keeps every read one range of one key: runs accumulate without
 * bound, and a merge would read each of them per page.
 */
export function timelinesOf(keys: RedisKeys, runId: string, match: Match, followers: Iterable<string>): string[] {
  const phrases = [...new Set(match.phrases.map(normalizePhrase))];
  const subscribers = [...followers];
  const rules = match.rules ?? [];
  const inRun = (run: string): string[] => [
    ...phrases.map((phrase) => keys.timeline(run, phrase)),
    ...rules.map((rule) => keys.ruleTimeline(run, rule)),
    keys.authorTimeline(run, match.tweet.author.id),
    ...subscribers.map((subscriber) => keys.homeTimeline(run, subscriber)),
  ];
  return [keys.timeline(runId), ...inRun(runId), ...inRun(ALL_RUNS)];
}

/** What the fan-out read before writing. */
export interface FanOutReads {
  /** Subscriber ids in each follower set (absent: none). */
  followers: ReadonlyMap<string, readonly string[]>;
  /** Tweets of the batch already deleted: they enter no timeline. */
  deleted: ReadonlySet<string>;
  /** Each deleted tweet's record of the timelines it entered. */
  entered: ReadonlyMap<string, readonly string[]>;
}

/** A stored tweet's body: the tweet and the phrases it matched, joined into timelines when read. */
export function tweetBody(match: Match): string {
  return JSON.stringify({ tweet: match.tweet, phrases: match.phrases });
}

/**
 * The writes of one match batch: bodies, the tweets' ids added to every timeline (one ZADD per
 * timeline, however many of the batch's tweets enter it), each timeline trimmed to the cap and set to
 * expire with the bodies, each
 * tweet's record of its timelines; then the delete notices. Every write is idempotent: a redelivered
 * batch changes nothing.
 */
export function batchWrites(
  keys: RedisKeys,
  limits: TimelineLimits,
  runId: string,
  matches: readonly Match[],
  deletes: readonly DeleteNotice[],
  reads: FanOutReads,
): RedisCommand[] {
  const deleted = new Set([...reads.deleted, ...deletes.map((notice) => notice.tweet_id)]);
  const commands: RedisCommand[] = [];
  const members = new Map<string, string[]>();
  const authorTimelines = new Set<string>();
  for (const match of matches) {
    const { tweet } = match;
    // An edit admitted in its own right (its original never matched) takes its original's place.
    const id = originalIdOf(tweet);
    if (deleted.has(id)) continue;
    const followers = new Set(followerSets(keys, match).flatMap((set) => reads.followers.get(set) ?? []));
    const timelines = timelinesOf(keys, runId, match, followers);
    authorTimelines.add(keys.authorTimeline(runId, tweet.author.id));
    authorTimelines.add(keys.authorTimeline(ALL_RUNS, tweet.author.id));
    for (const timeline of timelines) {
      const ids = members.get(timeline) ?? [];
      ids.push(padId(id));
      members.set(timeline, ids);
    }
    commands.push(["set", keys.tweet(id), tweetBody(match), "EX", limits.tweetTtl]);
    commands.push(["set", keys.authorId(tweet.author.username.toLowerCase()), tweet.author.id, "EX", limits.tweetTtl]);
    for (let start = 0; start < timelines.length; start += RECORD_MEMBERS_PER_COMMAND) {
      commands.push(["sadd", keys.tweetTimelines(id), ...timelines.slice(start, start + RECORD_MEMBERS_PER_COMMAND)]);
    }
    commands.push(["expire", keys.tweetTimelines(id), limits.tweetTtl]);
  }
  for (const [timeline, ids] of members) {
    commands.push(["zadd", timeline, ...ids.flatMap((id) => [0, id])]);
    commands.push(["zremrangebyrank", timeline, 0, -(limits.cap + 1)]);
    // Once its newest body has expired a timeline shows nothing: it goes too, so that the timelines
    // of old runs (a home timeline per follower and run) do not pile up.
    const ttl = authorTimelines.has(timeline) ? limits.tweetTtl : (limits.timelineTtl ?? limits.tweetTtl);
    commands.push(["expire", timeline, ttl]);
  }
  for (const notice of deletes)
    commands.push(...deleteWrites(keys, limits, notice.tweet_id, reads.entered.get(notice.tweet_id) ?? []));
  return commands;
}

/**
 * A delete notice: the tweet leaves every timeline its fan-out recorded (the home timelines of its
 * author's followers at the time included) and its body goes. The tombstone makes reads skip it and
 * a later fan-out leave it out, should its batch arrive after the notice.
 */
export function deleteWrites(
  keys: RedisKeys,
  limits: TimelineLimits,
  tweetId: string,
  entered: readonly string[],
): RedisCommand[] {
  return [
    ["set", keys.deletedTweet(tweetId), "1", "EX", limits.tweetTtl + TOMBSTONE_MARGIN_SECONDS],
    ["del", keys.tweet(tweetId)],
    ["del", keys.tweetTimelines(tweetId)],
    ...entered.map((timeline): RedisCommand => ["zrem", timeline, padId(tweetId)]),
  ];
}

/** Commands in pipelines of at most `size`: a client's memory stays bounded however large the fan-out. */
export function inPipelines(commands: readonly RedisCommand[], size: number): RedisCommand[][] {
  const pipelines: RedisCommand[][] = [];
  for (let start = 0; start < commands.length; start += size) pipelines.push(commands.slice(start, start + size));
  return pipelines;
}
