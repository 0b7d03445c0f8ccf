import type { Tweet } from "../../../contracts/tweet";
import { compileTrack, tweetTerms } from "../../../matching/track";
import { referenceMatch, referenceTerms } from "./reference-track";
import { readV1Capture, tweetFromV1, v1CaptureDir, v1CaptureFiles, v1CapturesPresent } from "./v1-capture";

/** Real captures live outside the project (../shared/data or $SHARED_DATA); without them these tests skip. */
const present = v1CapturesPresent();
const describeWithCaptures = present ? describe : describe.skip;
const title = present
  ? `real v1.1 captures in ${v1CaptureDir}`
  : `real v1.1 captures: SKIPPED, none found in ${v1CaptureDir} (set SHARED_DATA to the shared data folder)`;
const files = present ? v1CaptureFiles() : ["(no capture)"];
if (!present) console.warn(`matching tests on ${title}`);

const cache = new Map<string, Tweet[]>();
function captureTweets(file: string): Tweet[] {
  let tweets = cache.get(file);
  if (tweets === undefined) {
    tweets = readV1Capture(file).map(tweetFromV1);
    cache.set(file, tweets);
  }
  return tweets;
}

describeWithCaptures(title, () => {
  describe("chosen tweets of sample-2017-01-26T1600Z", () => {
    const tweet = (id: string): Tweet => {
      const found = captureTweets("sample-2017-01-26T1600Z.jsonl.gz").find((candidate) => candidate.id === id);
      if (found === undefined) throw new Error(`tweet ${id} is not in the capture`);
      return found;
    };

    it.each([
      [
        "a long tweet, through extended_tweet.full_text",
        "824648107313033216",
        ["observing", "observin"],
        ["observing"],
      ],
      [
        "a hashtag, as a whole term",
        "824648094751059968",
        ["DCLovesAutos", "autos", "#DCLovesAutos"],
        ["DCLovesAutos"],
      ],
      ["a mention, without its @", "824648094751059968", ["WashAutoShow team", "@WashAutoShow"], ["WashAutoShow team"]],
      [
        "a retweet, through its retweeted_status full text",
        "824648132482961408",
        ["real slim shady", "solely memory"],
        ["real slim shady", "solely memory"],
      ],
      ["a retweet, through a hashtag of its retweeted_status", "824648111511445505", ["ResistTrump"], ["ResistTrump"]],
      [
        "a link, by its whole address or its words",
        "824648090519040003",
        ["spr.ly/60198Rdt1", "http://spr.ly/60198Rdt1", "spr ly", "spr.ly", "t.co/W30ebqAZ2K"],
        ["spr.ly/60198Rdt1", "http://spr.ly/60198Rdt1", "spr ly"],
      ],
      [
        "words stripped of punctuation at their edges",
        "824648090519040003",
        ["home-schooled SAT", "circumstances", "here:"],
        ["home-schooled SAT", "circumstances"],
      ],
    ])("%s (tweet %s)", (_what, id, phrases, expected) => {
      expect(compileTrack(phrases).match(tweet(id))).toEqual(expected);
    });

    it("the retweet and the long tweet need what they carry", () => {
      const retweet = tweet("824648132482961408");
      expect(retweet.text).toContain("slim shad\u2026");
      expect(compileTrack(["solely memory"]).match({ ...retweet, referenced: [] })).toEqual([]);
      expect(tweet("824648107313033216").text).toContain("seeing w/o observing.");
    });
  });

  describe.each(files)("%s", (file) => {
    it("tweetTerms agrees with the regex reference on every tweet", () => {
      const disagreements = captureTweets(file)
        .filter((tweet) => !sameSet(tweetTerms(tweet), referenceTerms(tweet)))
        .map((tweet) => ({ id: tweet.id, fast: [...tweetTerms(tweet)], slow: [...referenceTerms(tweet)] }));
      expect(disagreements.slice(0, 3)).toEqual([]);
    });

    it("the compiled index of 400 phrases agrees with scanning every phrase, on every tweet", () => {
      const tweets = captureTweets(file);
      const phrases = trackFromCapture(tweets);
      expect(phrases).toHaveLength(400);
      const matcher = compileTrack(phrases);
      let matchedTweets = 0;
      let multiTermMatches = 0;
      for (const tweet of tweets) {
        const fast = matcher.match(tweet);
        const slow = referenceMatch(phrases, tweet);
        if (fast.join("\n") !== slow.join("\n")) expect({ id: tweet.id, fast }).toEqual({ id: tweet.id, fast: slow });
        if (fast.length > 0) matchedTweets++;
        multiTermMatches += fast.filter((phrase) => phrase.includes(" ")).length;
      }
      // The property only means something if the track matches a fair share of the capture.
      expect(matchedTweets).toBeGreaterThan(tweets.length / 5);
      expect(multiTermMatches).toBeGreaterThan(50);
    });
  });
});

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

/** A deterministic pseudo-random sequence (mulberry32), so the drawn track is the same on every run. */
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fitsAPhrase = (term: string): boolean => !term.includes(",") && Buffer.byteLength(term, "utf8") <= 20;

/**
 * 400 phrases drawn from the capture itself: frequent, mid and rare single terms, some uppercased,
 * multi-term phrases taken from one tweet (so that they match) and from two tweets (so they mostly don't).
 */
function trackFromCapture(tweets: readonly Tweet[]): string[] {
  const random = randomSequence(20170126);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const tweetTermLists = tweets.map((tweet) => [...tweetTerms(tweet)].filter(fitsAPhrase));
  const frequency = new Map<string, number>();
  for (const terms of tweetTermLists) for (const term of terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const byFrequency = [...frequency.keys()].sort(
    (a, b) => (frequency.get(b) ?? 0) - (frequency.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  const mid = byFrequency.filter((term) => (frequency.get(term) ?? 0) >= 2 && (frequency.get(term) ?? 0) <= 10);
  const rare = byFrequency.filter((term) => frequency.get(term) === 1);

  const phrases = new Set<string>();
  const addUntil = (size: number, draw: () => string | undefined): void => {
    for (let attempt = 0; phrases.size < size && attempt < size * 50; attempt++) {
      const phrase = draw();
      if (phrase !== undefined && Buffer.byteLength(phrase, "utf8") <= 60) phrases.add(phrase);
    }
  };
  const shout = (phrase: string): string => (random() < 0.2 ? phrase.toUpperCase() : phrase);
  addUntil(80, () => shout(pick(byFrequency.slice(0, 200))));
  addUntil(200, () => shout(pick(mid)));
  addUntil(260, () => pick(rare));
  addUntil(360, () => {
    const terms = pick(tweetTermLists);
    if (terms.length < 2) return undefined;
    return shout(Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(terms)).join(" "));
  });
  addUntil(400, () => `${pick(byFrequency.slice(0, 300))} ${pick(mid)}`);
  return [...phrases];
}
