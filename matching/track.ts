import { Track } from "../contracts/track";
import { type MatchableTweet, termFingerprint, visitTweetTerms } from "./terms";

/**
 * Track phrases with Streaming API v1.1 `track` semantics: a tweet matches a track when it matches
 * any of its phrases, and a phrase when every space-separated term of it is a term of the tweet
 * (see ./terms.ts), in any order, ignoring case.
 */

export { tweetTerms } from "./terms";

/**
 * What a user most likely did not mean: the v1.1 rules keep punctuation in a track term, and
 * punctuation is never part of a #hashtag or @mention, so a term like `#bieber` matches no hashtag.
 */
export function trackWarnings(phrases: readonly string[]): string[] {
  return phrases.flatMap((phrase) =>
    phraseTerms(phrase)
      .filter((term) => /^[#@＃＠]./u.test(term))
      .map(
        (term) =>
          `track phrase "${phrase}": the term "${term}" matches no #hashtag or @mention, as punctuation is never part of one; track "${term.slice(1)}" to match them`,
      ),
  );
}

export interface TrackMatcher {
  /** The validated, trimmed phrases, in track order. */
  readonly phrases: readonly string[];
  /** The phrases the tweet matches, in track order; [] when none. */
  match(tweet: MatchableTweet): string[];
}

/** A phrase's distinct lowercased terms. At most 30 terms fit in 60 bytes, so one bit each fits an int. */
function phraseTerms(phrase: string): string[] {
  return [...new Set(phrase.toLowerCase().split(/\s+/))];
}

/** A compiled track: which phrases hold each term, and which term fingerprints exist at all. */
interface TrackIndex {
  /** Term to postings, each packing (phrase index << 5 | term bit) in one number. */
  postings: Map<string, number[]>;
  /** 1 at every fingerprint of a track term (see `termFingerprint`). */
  fingerprints: Uint8Array;
  /** Per phrase, the bits of all its terms: the phrase matches once a tweet has set them all. */
  allTerms: Int32Array;
}

function indexTrack(track: readonly string[]): TrackIndex {
  const index: TrackIndex = {
    postings: new Map(),
    fingerprints: new Uint8Array(1 << 16),
    allTerms: new Int32Array(track.length),
  };
  track.forEach((phrase, phraseIndex) => {
    const terms = phraseTerms(phrase);
    terms.forEach((term, bit) => {
      const postings = index.postings.get(term) ?? [];
      postings.push((phraseIndex << 5) | bit);
      index.postings.set(term, postings);
      index.fingerprints[termFingerprint(term, 0, term.length)] = 1;
    });
    index.allTerms[phraseIndex] = (1 << terms.length) - 1;
  });
  return index;
}

/**
 * Compiles a track once into an index from term to the phrases holding it, so that matching a tweet
 * costs one lookup per tweet term instead of a scan of every phrase.
 * Throws a ZodError when the phrases are not a valid `Track`.
 */
export function compileTrack(phrases: readonly string[]): TrackMatcher {
  const track = Object.freeze(Track.parse(phrases));
  const { postings, fingerprints, allTerms } = indexTrack(track);

  // Scratch state reused across tweets, so that the hot loop allocates nothing:
  // found[p] holds the bits of phrase p's terms seen in the current tweet, valid when stamp[p] is its stamp.
  const found = new Int32Array(track.length);
  const stamp = new Uint32Array(track.length);
  let tweetStamp = 0;
  let matched: number[] = [];

  const visitTerm = (source: string, start: number, end: number, lowercase: boolean): void => {
    // Most tweet words are dropped here, before any slice or lowercasing.
    if (fingerprints[termFingerprint(source, start, end)] === 0) return;
    const term = source.slice(start, end);
    const termPostings = postings.get(lowercase ? term.toLowerCase() : term);
    if (termPostings === undefined) return;
    for (const posting of termPostings) {
      const phrase = posting >>> 5;
      if (stamp[phrase] !== tweetStamp) {
        stamp[phrase] = tweetStamp;
        found[phrase] = 0;
      }
      const before = found[phrase] ?? 0;
      const after = before | (1 << (posting & 31));
      if (after === before) continue;
      found[phrase] = after;
      if (after === allTerms[phrase]) matched.push(phrase);
    }
  };

  return {
    phrases: track,
    match(tweet: MatchableTweet): string[] {
      tweetStamp = tweetStamp === 0xffffffff ? restartStamps(stamp) : tweetStamp + 1;
      matched = [];
      visitTweetTerms(tweet, visitTerm);
      if (matched.length > 1) matched.sort((a, b) => a - b);
      return matched.map((phrase) => track[phrase] ?? "");
    },
  };
}

/** After 2^32 tweets the stamps wrap: clear them so no stale stamp equals a new one. */
function restartStamps(stamp: Uint32Array): number {
  stamp.fill(0);
  return 1;
}
