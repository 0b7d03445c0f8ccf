import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Tweet } from "../contracts/tweet";
import { compileTrack, tweetTerms } from "../matching/track";
import { decodeLine } from "../sources/capture/replay";

export interface MatcherResult {
  phrases: number;
  tweets: number;
  /** Per capture, and over all of them: tweets matched per second on one core. */
  perCapture: Record<string, number>;
  overall: number;
}

/** The tweets of every capture in `dir`, read with the replay source's own decoder. */
export function readCaptures(dir: string): Map<string, Tweet[]> {
  const captures = new Map<string, Tweet[]>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl.gz"))
    .sort()) {
    const tweets: Tweet[] = [];
    for (const line of gunzipSync(readFileSync(path.join(dir, file)))
      .toString("utf8")
      .split("\n")) {
      const decoded = decodeLine(line);
      if (decoded.kind === "items")
        for (const item of decoded.items) if (item.kind === "tweet") tweets.push(item.tweet);
    }
    captures.set(file, tweets);
  }
  return captures;
}

/**
 * A realistic large track: the 300 most frequent words of the captures themselves (so that phrases
 * do match) and 100 two-word phrases from pairs of them.
 */
export function trackOf(tweets: readonly Tweet[], size: number): string[] {
  const frequency = new Map<string, number>();
  for (const tweet of tweets)
    for (const term of tweetTerms(tweet))
      if (/^[\p{L}\p{N}]{3,20}$/u.test(term)) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const words = [...frequency.entries()].sort((a, b) => b[1] - a[1]).map(([word]) => word);
  const single = words.slice(0, Math.floor(size * 0.75));
  const pairs = Array.from({ length: size - single.length }, (_, i) => `${words[i] ?? "a"} ${words[i + 50] ?? "b"}`);
  return [...single, ...pairs].filter((phrase) => Buffer.byteLength(phrase) <= 60);
}

/** Runs the matcher over each capture for at least `seconds`, on this one thread. */
export function measureMatcher(captures: Map<string, Tweet[]>, phrases: number, seconds = 2): MatcherResult {
  const all = [...captures.values()].flat();
  const matcher = compileTrack(trackOf(all, phrases));
  const rate = (tweets: readonly Tweet[]) => {
    let matched = 0;
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      for (const tweet of tweets) matched += matcher.match(tweet).length;
      done += tweets.length;
    }
    if (matched < 0) throw new Error("unreachable: keeps the loop's work observable");
    return done / ((performance.now() - started) / 1000);
  };
  rate(all.slice(0, 2000));
  const perCapture = Object.fromEntries([...captures.entries()].map(([file, tweets]) => [file, rate(tweets)]));
  return { phrases: matcher.phrases.length, tweets: all.length, perCapture, overall: rate(all) };
}
