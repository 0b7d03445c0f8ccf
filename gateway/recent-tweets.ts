import { type MatchedNotice, tweetEventId } from "../contracts/stream";
import { searchWords } from "../matching/search/words";

/** One `tweet` event of `/stream`, serialized once for every client that gets it. */
export interface TweetEvent {
  /** Its SSE `id:`, `<run_id>/<tweet_id>`: the same on every gateway worker, which all get the same notices. */
  id: string;
  /** The whole SSE event, its `id:` line included. */
  text: string;
  /** The phrases it matched, lower-cased, for the clients' track filters. */
  phrases: string[];
  /** The tweet's text, for the clients' searches. */
  tweetText: string;
  /** Its words (`wordsOf`), split at the first search that reads them. */
  words?: string[];
}

/** A tweet event's words as searches read them: split once, however many clients search. */
export function wordsOf(event: TweetEvent): string[] {
  event.words ??= searchWords(event.tweetText);
  return event.words;
}

/**
 * The newest tweet events this gateway worker sent, oldest first, at most `capacityBytes` of them:
 * what a client that reconnects with `Last-Event-ID` missed. Bounded like one client's buffer, so
 * that a replay costs no more than a client that fell behind.
 */
export class RecentTweets {
  /** By id, in the order they came (a Map keeps insertion order). */
  private readonly events = new Map<string, TweetEvent>();
  private bytes = 0;
  private newest: string | null = null;

  constructor(private readonly capacityBytes: number) {}

  /** Keeps the notice's tweets not held yet, and returns them: a tweet notified twice is sent once. */
  record(notice: MatchedNotice): TweetEvent[] {
    const added: TweetEvent[] = [];
    for (const match of notice.matches) {
      const id = tweetEventId(notice.run_id, match.tweet.id);
      if (this.events.has(id)) continue;
      const data = JSON.stringify({ run_id: notice.run_id, tweet: match.tweet, phrases: match.phrases });
      const event: TweetEvent = {
        id,
        text: `id: ${id}\nevent: tweet\ndata: ${data}\n\n`,
        phrases: lowerCased(match.phrases),
        tweetText: match.tweet.text,
      };
      this.events.set(id, event);
      this.bytes += event.text.length;
      added.push(event);
      this.newest = id;
    }
    this.evictOldest();
    return added;
  }

  /** The id of the newest tweet held: where a client that opens now starts. */
  get newestId(): string | null {
    return this.newest;
  }

  /** The tweets that came after `id`, oldest first; null when `id` is not held (too old, another gateway's, unknown). */
  after(id: string): TweetEvent[] | null {
    if (!this.events.has(id)) return null;
    const later: TweetEvent[] = [];
    let seen = false;
    for (const event of this.events.values()) {
      if (seen) later.push(event);
      else seen = event.id === id;
    }
    return later;
  }

  /** Held tweets, and their bytes. */
  get size(): { tweets: number; bytes: number } {
    return { tweets: this.events.size, bytes: this.bytes };
  }

  /** Forgets the oldest tweets past the capacity, keeping the newest one whatever its size. */
  private evictOldest(): void {
    for (const [id, event] of this.events) {
      if (this.bytes <= this.capacityBytes || this.events.size === 1) return;
      this.events.delete(id);
      this.bytes -= event.text.length;
    }
  }
}

function lowerCased(phrases: readonly string[]): string[] {
  return phrases.map((phrase) => phrase.toLowerCase());
}
