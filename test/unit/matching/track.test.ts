import { ZodError } from "zod";
import type { TweetContent } from "../../../contracts/tweet";
import { termFingerprint } from "../../../matching/terms";
import { Track, TrackPhrase } from "../../../contracts/track";
import { compileTrack, trackWarnings, tweetTerms } from "../../../matching/track";
import { referenceMatch } from "./reference-track";

type Fields = Partial<Pick<TweetContent, "hashtags" | "mentions" | "urls">>;

let nextId = 1;
function content(text: string, fields: Fields = {}): TweetContent {
  const id = String(nextId++);
  return { id, text, author: { id: "1", username: "someone" }, hashtags: [], mentions: [], urls: [], ...fields };
}

/** Does a track, given as the v1.1 comma-separated parameter value, match a tweet? */
function matches(trackParameter: string, tweet: TweetContent & { referenced?: TweetContent[] }): boolean {
  return compileTrack(trackParameter.split(",")).match(tweet).length > 0;
}

/**
 * The "Track examples" table of the v1.1 "Standard stream parameters" documentation
 * (developer.twitter.com/en/docs/tweets/filter-realtime/guides/basic-stream-parameters, track),
 * one row per (parameter value, tweet text), with "will match" and "will not match" as true/false.
 */
const documentedExamples: [track: string, text: string, match: boolean][] = [
  ["Twitter", "TWITTER", true],
  ["Twitter", "twitter", true],
  ["Twitter", "\u201cTwitter\u201d", true],
  ["Twitter", "twitter.", true],
  ["Twitter", "#twitter", true],
  ["Twitter", "@twitter", true],
  ["Twitter", "http://twitter.com", true],
  ["Twitter", "TwitterTracker", false],
  ["Twitter", "#newtwitter", false],
  ["Twitter's", "I like Twitter's new design", true],
  ["Twitter's", "Someday I'd like to visit @Twitter's office", false],
  ["twitter api,twitter streaming", "The Twitter API is awesome", true],
  ["twitter api,twitter streaming", "The twitter streaming service is fast", true],
  ["twitter api,twitter streaming", "Twitter has a streaming API", true],
  ["twitter api,twitter streaming", "I'm new to Twitter", false],
  ["example.com", "Someday I will visit example.com", true],
  ["example.com", "There is no example.com/foobarbaz", false],
  ["example.com/foobarbaz", "example.com/foobarbaz", true],
  ["example.com/foobarbaz", "www.example.com/foobarbaz", true],
  ["example.com/foobarbaz", "example.com", false],
  // The doc's row has no "will match" entry: Twitter drops "www." from tweets, never from tracks.
  ["www.example.com/foobarbaz", "www.example.com/foobarbaz", false],
  ["example com", "example.com", true],
  ["example com", "www.example.com", true],
  ["example com", "foo.example.com", true],
  ["example com", "foo.example.com/bar", true],
  ["example com", "I hope my startup isn't merely another example of a dot com boom!", true],
];

describe("the documented v1.1 track examples", () => {
  it.each(documentedExamples)("track %j on tweet %j matches: %s", (track, text, expected) => {
    expect(matches(track, content(text))).toBe(expected);
  });
});

/** The rules stated in the documentation's prose, and the project's decisions where it is silent. */
const ruleExamples: [rule: string, track: string, tweet: TweetContent, match: boolean][] = [
  ["terms in any order", "api twitter", content("Twitter API rocks"), true],
  ["every term is needed", "twitter api", content("Twitter rocks"), false],
  ["a repeated term needs one occurrence", "twitter twitter", content("twitter"), true],
  ["extra spaces between terms", "twitter    api", content("the api of twitter"), true],
  ["punctuation in the tweet is ignored at word edges", "hello", content("my brother says hello."), true],
  ["punctuation in a term is part of it", "hello.", content("my brother says hello."), false],
  ["punctuation inside a tweet word is kept", "Twitter", content("I like Twitter's new design"), false],
  ["no accent folding", "touché", content("touche"), false],
  ["no accent folding, the other way", "cafe", content("un café."), false],
  ["lowercasing covers accented letters", "CAFÉ", content("Un Café!"), true],
  ["dotted capital I lowercases to i and a combining dot", "İstanbul", content("#İSTANBUL'da"), true],
  ["dotted capital I in a hashtag entity", "İSTANBUL", content("x", { hashtags: ["İstanbul"] }), true],
  ["dotted capital I is not a plain i", "istanbul", content("İstanbul"), false],
  ["Greek final sigma", "ΟΔΟΣ", content("η οδος."), true],
  ["Greek final sigma, uppercase tweet", "οδος", content("Η ΟΔΟΣ!"), true],
  ["curly quotes and brackets are punctuation", "twitter", content("(\u2018twitter\u2019)"), true],
  ["emoji at a word edge are stripped", "twitter", content("love twitter\u{1F600}\u{1F600}"), true],
  ["emoji with a variation selector are stripped", "twitter", content("twitter\u2764\ufe0f"), true],
  ["newlines and tabs separate words", "twitter api", content("twitter\napi\tdocs"), true],
  ["no-break and ideographic spaces separate words", "twitter api", content("twitter\u00a0api\u3000docs"), true],
  ["CJK words are whole space-separated runs", "日本語", content("日本語 のテスト"), true],
  ["CJK without spaces is not split", "日本語", content("日本語のテスト"), false],
  ["a mention ends at its punctuation", "twitter", content("thanks @twitter: great"), true],
  ["a hashtag ends at its punctuation", "twitter's", content("#twitter's day"), false],
  [
    "a track term with # matches no hashtag (the doc)",
    "#twitter",
    content("#twitter", { hashtags: ["twitter"] }),
    false,
  ],
  ["hashtag entity", "Streaming", content("no such word", { hashtags: ["streaming"] }), true],
  ["hashtag entity is a whole term", "stream", content("no such word", { hashtags: ["streaming"] }), false],
  ["mention entity", "TwitterAPI", content("no such word", { mentions: ["twitterapi"] }), true],
  [
    "expanded_url with www",
    "example.com/foobarbaz",
    content("see t.co", { urls: ["http://www.example.com/foobarbaz"] }),
    true,
  ],
  [
    "expanded_url with its protocol",
    "http://example.com/foobarbaz",
    content("x", { urls: ["http://www.example.com/foobarbaz"] }),
    true,
  ],
  [
    "a domain alone does not match a URL with a path",
    "example.com",
    content("x", { urls: ["https://example.com/foobarbaz"] }),
    false,
  ],
  ["a trailing slash is punctuation", "example.com", content("x", { urls: ["https://example.com/"] }), true],
  [
    "domain words match any URL of the domain",
    "example com",
    content("x", { urls: ["https://news.example.com/a/b?c=d"] }),
    true,
  ],
  ["a path word of a URL", "foobarbaz", content("x", { urls: ["https://example.com/foobarbaz"] }), true],
  [
    "a display_url cut with an ellipsis is ignored",
    "example.com/foo",
    content("x", { urls: ["example.com/foo\u2026"] }),
    false,
  ],
  ["t.co wrappers in the text give no terms", "t.co", content("look https://t.co/AbC123"), false],
  ["t.co wrappers in the text give no URL words", "co", content("look https://t.co/AbC123"), false],
  ["t.co wrappers cut by an ellipsis give no terms", "t", content("RT @a: look https://t\u2026"), false],
];

describe("track rules beyond the table", () => {
  it.each(ruleExamples)("%s: track %j", (_rule, track, tweet, expected) => {
    expect(matches(track, tweet)).toBe(expected);
  });
});

describe("the slow reference matcher", () => {
  it("agrees with the compiled matcher on every example above", () => {
    const examples = [
      ...documentedExamples.map(([track, text]) => [track, content(text)] as const),
      ...ruleExamples.map(([, track, tweet]) => [track, tweet] as const),
    ];
    for (const [track, tweet] of examples) {
      const phrases = track.split(",");
      expect({ track, text: tweet.text, matched: compileTrack(phrases).match(tweet) }).toEqual({
        track,
        text: tweet.text,
        matched: referenceMatch(phrases, tweet),
      });
    }
  });
});

describe("termFingerprint", () => {
  it("is the same for every BMP character and its lowercase, when that is one code unit", () => {
    const differing: string[] = [];
    for (let code = 0; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      const lower = char.toLowerCase();
      if (lower.length === 1 && termFingerprint(char, 0, 1) !== termFingerprint(lower, 0, 1)) differing.push(char);
    }
    expect(differing).toEqual([]);
  });

  it("is the same for a word and its lowercase, final sigma included", () => {
    expect(termFingerprint("xTwitterx", 1, 8)).toBe(termFingerprint("twitter", 0, 7));
    expect(termFingerprint("ΟΔΟΣ", 0, 4)).toBe(termFingerprint("ΟΔΟΣ".toLowerCase(), 0, 4));
  });
});

describe("retweets and quotes", () => {
  const retweet = {
    ...content("RT @nasa: Launch window opens at 09:00 from pad\u2026", { mentions: ["nasa"] }),
    referenced: [
      content("Launch window opens at 09:00 from pad 39A, weather permitting #Artemis", { hashtags: ["Artemis"] }),
    ],
  };

  it("match through the retweeted tweet's full text and entities", () => {
    expect(compileTrack(["39a weather", "artemis", "pad\u2026"]).match(retweet)).toEqual(["39a weather", "artemis"]);
  });

  it("match a phrase whose terms are split between the quote and the quoted tweet", () => {
    const quote = { ...content("so proud"), referenced: [content("we landed")] };
    expect(matches("proud landed", quote)).toBe(true);
  });
});

describe("compileTrack", () => {
  const tweet = content("The Twitter API is awesome #dev @jack");

  it("returns the matched phrases in track order, trimmed", () => {
    const matcher = compileTrack(["  jack ", "nothing here", "api", "dev twitter"]);
    expect(matcher.phrases).toEqual(["jack", "nothing here", "api", "dev twitter"]);
    expect(matcher.match(tweet)).toEqual(["jack", "api", "dev twitter"]);
  });

  it("returns [] when nothing matches, and matches again on the next tweet", () => {
    const matcher = compileTrack(["twitter api"]);
    expect(matcher.match(content("twitter"))).toEqual([]);
    expect(matcher.match(content("api"))).toEqual([]);
    expect(matcher.match(tweet)).toEqual(["twitter api"]);
  });

  it("handles 400 phrases of up to 30 terms", () => {
    const longest = [..."abcdefghijklmnopqrstuvwxyz0123"].join(" "); // 30 terms in 59 bytes
    const phrases = [longest, ...Array.from({ length: 399 }, (_, i) => `word${i}`)];
    const matcher = compileTrack(phrases);
    expect(matcher.match(content(`${longest} word398`))).toEqual([longest, "word398"]);
    expect(matcher.match(content(longest.replace(" m ", " ")))).toEqual([]);
  });

  it("rejects an invalid track with a ZodError", () => {
    expect(() => compileTrack([])).toThrow(ZodError);
  });
});

describe("Track validation", () => {
  const messages = (input: unknown): string[] => {
    const result = Track.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => issue.message);
  };

  it("trims phrases", () => {
    expect(Track.parse(["  twitter api\t", "x"])).toEqual(["twitter api", "x"]);
    expect(TrackPhrase.parse(" a ")).toBe("a");
  });

  it.each([
    ["a blank phrase", ["   "], "a track phrase must not be blank"],
    ["an empty phrase", [""], "a track phrase must not be blank"],
    ["61 bytes", ["a".repeat(61)], "each track phrase must be 1 to 60 bytes of UTF-8"],
    ["31 two-byte letters (62 bytes)", ["é".repeat(31)], "each track phrase must be 1 to 60 bytes of UTF-8"],
    ["a comma", ["twitter,api"], "a track phrase must not contain a comma"],
    ["no phrase", [], "a track must have 1 to 400 phrases"],
    ["401 phrases", Array.from({ length: 401 }, (_, i) => `p${i}`), "a track must have 1 to 400 phrases"],
  ])("rejects %s", (_case, input, message) => {
    expect(messages(input).join("\n")).toContain(message);
  });

  it.each([
    ["60 bytes", ["a".repeat(60)]],
    ["30 two-byte letters (60 bytes)", ["é".repeat(30)]],
    ["60 bytes once trimmed", [` ${"a".repeat(60)} `]],
    ["400 phrases", Array.from({ length: 400 }, (_, i) => `p${i}`)],
  ])("accepts %s", (_case, input) => {
    expect(messages(input)).toEqual([]);
  });
});

describe("tweetTerms", () => {
  it("lists the lowercased terms of the text, entities and referenced tweets", () => {
    const tweet = {
      ...content("RT @Jack: Hello, World! See http://www.Example.com/Path and t.co https://t.co/x #Dev's", {
        hashtags: ["Dev"],
        mentions: ["jack"],
        urls: ["https://docs.example.org/a"],
      }),
      referenced: [content("Hello… World")],
    };
    expect([...tweetTerms(tweet)].sort()).toEqual(
      [
        "rt",
        "jack",
        "hello",
        "world",
        "see",
        "http://example.com/path",
        "example.com/path",
        "example",
        "com",
        "path",
        "and",
        "t.co",
        "t",
        "co",
        "dev",
        "https://docs.example.org/a",
        "docs.example.org/a",
        "docs",
        "org",
        "a",
      ].sort(),
    );
  });
});

describe("track warnings", () => {
  it("warns of terms that can never match a hashtag or a mention", () => {
    expect(trackWarnings(["#bieber", "love @justin tour", "plain words"])).toEqual([
      expect.stringMatching(/^track phrase "#bieber": the term "#bieber" .* track "bieber"/),
      expect.stringMatching(/^track phrase "love @justin tour": the term "@justin" .* track "justin"/),
    ]);
  });

  it("says nothing of a lone sigil or of punctuation elsewhere", () => {
    expect(trackWarnings(["#", "twitter's", "example.com"])).toEqual([]);
  });
});
