import type { RedisClient } from "./redis";
import { z } from "zod";
import type { Follows } from "../contracts/timelines";
import type { RedisKeys } from "./keys";
import { SCRIPT_CODES } from "./script-codes";
import { scripts } from "./scripts";

/** The caps on follows: each subscriber's follows fan every matching tweet out to one more timeline. */
export interface FollowLimits {
  /** Subscribers who follow something (MAX_SUBSCRIBERS). */
  subscribers: number;
  /** Authors and phrases one subscriber follows, together (MAX_FOLLOWS_PER_SUBSCRIBER). */
  followsPerSubscriber: number;
}

/** A follow the caps refused: which cap, and how much of it is taken. */
export class FollowRefused extends Error {
  constructor(
    readonly limit: "subscribers" | "follows",
    readonly held: number,
    readonly cap: number,
  ) {
    super(`follow refused: ${held} of ${cap} ${limit}`);
  }
}

const ScriptReply = z.tuple([z.number(), z.number()]);

/**
 * Who follows whom, kept both ways: each subscriber's followed authors and phrases (to list them),
 * and each author's and phrase's followers (read by the fan-out). Each change writes both sides in
 * one script (store/follow-3+.lua), which also keeps the caps, so that they never disagree.
 */
export class FollowStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly limits: FollowLimits,
  ) {}

  /** Authors are `123` or `@name`, phrases normalized (see contracts/timelines.ts); throws `FollowRefused` past a cap. */
  async follow(subscriber: string, authors: readonly string[], phrases: readonly string[]): Promise<Follows> {
    const reply = await scripts.follow.run(this.redis, this.keysOf(subscriber, authors, phrases), [
      subscriber,
      this.limits.subscribers,
      this.limits.followsPerSubscriber,
      authors.length,
      ...authors,
      ...phrases,
    ]);
    const [code, held] = ScriptReply.parse(reply);
    if (code === SCRIPT_CODES.SUBSCRIBER_LIMIT) throw new FollowRefused("subscribers", held, this.limits.subscribers);
    if (code === SCRIPT_CODES.FOLLOW_LIMIT) throw new FollowRefused("follows", held, this.limits.followsPerSubscriber);
    return this.follows(subscriber);
  }

  async unfollow(subscriber: string, authors: readonly string[], phrases: readonly string[]): Promise<Follows> {
    await scripts.unfollow.run(this.redis, this.keysOf(subscriber, authors, phrases), [
      subscriber,
      authors.length,
      ...authors,
      ...phrases,
    ]);
    return this.follows(subscriber);
  }

  /** What a subscriber follows, sorted; empty lists for a subscriber who follows nothing. */
  async follows(subscriber: string): Promise<Follows> {
    const [authors, phrases] = await Promise.all([
      this.redis.smembers(this.keys.followedAuthors(subscriber)),
      this.redis.smembers(this.keys.followedPhrases(subscriber)),
    ]);
    return { subscriber, authors: authors.sort(), track: phrases.sort() };
  }

  private keysOf(subscriber: string, authors: readonly string[], phrases: readonly string[]): string[] {
    return [
      this.keys.subscribers,
      this.keys.followedAuthors(subscriber),
      this.keys.followedPhrases(subscriber),
      ...authors.map((author) => this.keys.authorFollowers(author)),
      ...phrases.map((phrase) => this.keys.phraseFollowers(phrase)),
    ];
  }
}
