import type { Redis } from "ioredis";
import type { Follows } from "../contracts/timelines";
import type { RedisKeys } from "./keys";

/**
 * Who follows whom, kept both ways: each subscriber's followed authors and phrases (to list them),
 * and each author's and phrase's followers (read by the fan-out). Each change writes both sides in
 * one MULTI, so that they never disagree.
 */
export class FollowStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Authors are `123` or `@name`, phrases normalized (see contracts/timelines.ts). */
  async follow(subscriber: string, authors: readonly string[], phrases: readonly string[]): Promise<Follows> {
    const multi = this.redis.multi();
    if (authors.length > 0) multi.sadd(this.keys.followedAuthors(subscriber), ...authors);
    if (phrases.length > 0) multi.sadd(this.keys.followedPhrases(subscriber), ...phrases);
    for (const author of authors) multi.sadd(this.keys.authorFollowers(author), subscriber);
    for (const phrase of phrases) multi.sadd(this.keys.phraseFollowers(phrase), subscriber);
    await multi.exec();
    return this.follows(subscriber);
  }

  async unfollow(subscriber: string, authors: readonly string[], phrases: readonly string[]): Promise<Follows> {
    const multi = this.redis.multi();
    if (authors.length > 0) multi.srem(this.keys.followedAuthors(subscriber), ...authors);
    if (phrases.length > 0) multi.srem(this.keys.followedPhrases(subscriber), ...phrases);
    for (const author of authors) multi.srem(this.keys.authorFollowers(author), subscriber);
    for (const phrase of phrases) multi.srem(this.keys.phraseFollowers(phrase), subscriber);
    await multi.exec();
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
}
