/**
 * A slow, obviously-correct reading of the track rules, written independently of matching/: regexes
 * instead of char loops, and a scan of every phrase instead of an index. Tests check that the fast
 * matcher agrees with it.
 */
import type { TweetContent } from "../../../contracts/tweet";

type Carrying = TweetContent & { referenced?: readonly TweetContent[] };

/** Characters stripped at word edges: punctuation and symbols but `_`, and emoji joiners. */
// The classes hold joiners and variation selectors as single code points on purpose: each is stripped alone.
/* eslint-disable no-misleading-character-class */
const EDGE = String.raw`(?:(?!_)[\p{P}\p{S}]|[\u200d\ufe0e\ufe0f\u20e3]|[\u{e0020}-\u{e007f}])`;
const SPACES = /[\s\u200b]+/u;
const WORD = new RegExp(`^(${EDGE}*)(.*?)${EDGE}*$`, "su");
const NAME = new RegExp(`^(.*?)(?:${EDGE}|$)`, "su");
const EDGES = new RegExp(`${EDGE}+`, "u");
/* eslint-enable no-misleading-character-class */
const SIGILS = ["#", "@", "\uff03", "\uff20"];

function urlTerms(word: string): string[] {
  const scheme = /^https?:\/\//.exec(word)?.[0] ?? "";
  const rest = word.slice(scheme.length);
  if (scheme !== "" && (rest.startsWith("t.co/") || "t.co/".startsWith(rest))) return [];
  const address = rest.replace(/^www\./, "");
  if (address === "") return [];
  const withScheme = scheme === "" ? [] : [scheme + address];
  return [...withScheme, address, ...address.split(EDGES).filter((part) => part !== "")];
}

function wordTerms(word: string): string[] {
  const [, leading = "", core = ""] = WORD.exec(word) ?? [];
  if (core === "") return [];
  if (SIGILS.includes([...leading].pop() ?? "")) {
    const name = NAME.exec(core)?.[1] ?? "";
    return name === "" ? [] : [name];
  }
  return /[./]/.test(core) ? urlTerms(core) : [core];
}

const textTerms = (text: string): string[] => text.toLowerCase().split(SPACES).flatMap(wordTerms);

function contentTerms(content: TweetContent): string[] {
  return [
    ...textTerms(content.text),
    ...[...content.hashtags, ...content.mentions].filter((name) => name !== "").map((name) => name.toLowerCase()),
    ...content.urls.filter((url) => !url.endsWith("\u2026")).flatMap(textTerms),
  ];
}

export function referenceTerms(tweet: Carrying): Set<string> {
  return new Set([tweet, ...(tweet.referenced ?? [])].flatMap(contentTerms));
}

/** Every phrase tried on every tweet: the tweet's phrases, in track order. */
export function referenceMatch(phrases: readonly string[], tweet: Carrying): string[] {
  const terms = referenceTerms(tweet);
  return phrases.filter((phrase) => phraseTerms(phrase).every((term) => terms.has(term)));
}

const phraseTermsCache = new Map<string, string[]>();
function phraseTerms(phrase: string): string[] {
  let terms = phraseTermsCache.get(phrase);
  if (terms === undefined) {
    terms = phrase.trim().toLowerCase().split(/\s+/);
    phraseTermsCache.set(phrase, terms);
  }
  return terms;
}
