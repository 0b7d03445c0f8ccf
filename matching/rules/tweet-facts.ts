import type { Tweet, TweetContent } from "../../contracts/tweet";
import { textTokens } from "./text-tokens";

/**
 * What the rules read of one tweet, worked out once per tweet for every rule: lowercased tokens,
 * entity sets and flags, so that evaluating a clause is a set lookup or a short scan.
 *
 * The body that keywords, phrases, #, @, $, url: and has:links/mentions/hashtags/cashtags/media
 * match is the tweet's own and that of the tweets it carries (`referenced`: the retweeted and the
 * quoted tweet). X says so of quotes ("operators match on both the Quote Tweet's content and the
 * content from the original Post that was quoted", with the list of those operators); a retweet's
 * body on X is "RT @user: " and the original's whole text, which payloads cut, so the carried
 * original stands for it. The other operators (from:, lang:, is:verified, has:geo…) read the tweet
 * alone.
 */
export interface TweetFacts {
  readonly tweet: Tweet;
  /** Every token of the body: texts and link URLs, tweet and carried tweets. */
  readonly tokens: ReadonlySet<string>;
  /** The token sequences a phrase may match inside: each text and each link URL, apart. */
  readonly sequences: readonly (readonly string[])[];
  /** Each URL's tokens, for url:: link URLs and the t.co links written in the texts. */
  readonly urls: readonly (readonly string[])[];
  readonly hashtags: ReadonlySet<string>;
  readonly mentions: ReadonlySet<string>;
  readonly cashtags: ReadonlySet<string>;
  readonly hasLinks: boolean;
  readonly hasMedia: boolean;
  /** X: is:reply "matches on replies to an original Post, replies in quoted Posts and replies in Retweets". */
  readonly isReply: boolean;
}

/** Which facts the compiled rules read: the others are not worked out. */
export interface FactNeeds {
  readonly sequences: boolean;
  readonly urls: boolean;
}

/** A display URL cut with "…" ends in a cut word: its expanded URL is read instead. */
const isCut = (url: string): boolean => url.endsWith("\u2026");

const HTTP_PREFIX = /^https?:\/\//iu;
const WHITESPACE = /\s+/u;

/** Link URLs written in a text (t.co wrappers, as X's `url` field holds them). */
function textUrls(text: string): string[] {
  if (!text.includes("http")) return [];
  return text.split(WHITESPACE).filter((word) => HTTP_PREFIX.test(word));
}

const lowered = (names: readonly string[] | undefined): string[] => (names ?? []).map((name) => name.toLowerCase());

export function tweetFacts(tweet: Tweet, needs: FactNeeds): TweetFacts {
  const contents: readonly TweetContent[] = [tweet, ...tweet.referenced];
  const tokens = new Set<string>();
  const sequences: string[][] = [];
  const urls: string[][] = [];
  const addSequence = (sequence: string[]): void => {
    for (const token of sequence) tokens.add(token);
    if (needs.sequences) sequences.push(sequence);
  };
  for (const content of contents) {
    addSequence(textTokens(content.text));
    for (const url of content.urls) {
      if (isCut(url)) continue;
      const urlTokens = textTokens(url);
      addSequence(urlTokens);
      if (needs.urls) urls.push(urlTokens);
    }
    if (needs.urls) for (const url of textUrls(content.text)) urls.push(textTokens(url));
  }
  return {
    tweet,
    tokens,
    sequences,
    urls,
    hashtags: new Set(contents.flatMap((content) => lowered(content.hashtags))),
    mentions: new Set(contents.flatMap((content) => lowered(content.mentions))),
    cashtags: new Set(contents.flatMap((content) => lowered(content.cashtags))),
    hasLinks: contents.some((content) => content.urls.length > 0),
    hasMedia: contents.some((content) => (content.media?.length ?? 0) > 0),
    isReply: contents.some((content) => content.reply_to !== undefined),
  };
}
