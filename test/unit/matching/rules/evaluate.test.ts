import type { Tweet, TweetContent } from "../../../../contracts/tweet";
import { compileRules } from "../../../../matching/rules";

const options = { maxLength: 1024 };

function aTweet(overrides: Partial<Tweet> = {}): Tweet {
  return {
    id: "1000",
    text: "",
    author: { id: "1", username: "alice" },
    hashtags: [],
    mentions: [],
    urls: [],
    created_at: "2021-04-01T15:52:31.000Z",
    lang: "en",
    referenced: [],
    ...overrides,
  };
}

function aContent(overrides: Partial<TweetContent> = {}): TweetContent {
  return {
    id: "900",
    text: "",
    author: { id: "9", username: "zoe" },
    hashtags: [],
    mentions: [],
    urls: [],
    ...overrides,
  };
}

const matches = (rule: string, tweet: Tweet): boolean => compileRules([rule], options).matches(tweet).length === 1;

const text = (value: string, overrides: Partial<Tweet> = {}): Tweet => aTweet({ text: value, ...overrides });
const retweet = aTweet({
  text: "RT @zoe: snow day…",
  mentions: ["zoe"],
  referenced: [aContent({ text: "snow day at last #NoSchool", hashtags: ["NoSchool"] })],
  referenced_tweets: [{ type: "retweeted", id: "900" }],
});
const quote = aTweet({
  text: "so true",
  referenced: [aContent({ text: "grumpy cat" })],
  referenced_tweets: [{ type: "quoted", id: "900" }],
});
const reply = aTweet({
  text: "@bob thanks",
  mentions: ["bob"],
  reply_to: { tweet_id: "800", user_id: "2", username: "Bob" },
  referenced_tweets: [{ type: "replied_to", id: "800" }],
});

describe("compileRules: X's documented examples", () => {
  it.each<[string, Tweet, boolean]>([
    ["snow day #NoSchool", text("Snow day! #NoSchool", { hashtags: ["NoSchool"] }), true],
    ["snow day #NoSchool", text("snow day, no school"), false],
    ["grumpy OR cat OR #meme", text("a cat"), true],
    ["grumpy OR cat OR #meme", text("a #meme", { hashtags: ["meme"] }), true],
    ["grumpy OR cat OR #meme", text("a dog"), false],
    ["cat #meme -grumpy", text("cat #meme", { hashtags: ["meme"] }), true],
    ["cat #meme -grumpy", text("grumpy cat #meme", { hashtags: ["meme"] }), false],
    ["(grumpy cat) OR (#meme has:images)", text("cat, grumpy"), true],
    ["(grumpy cat) OR (#meme has:images)", text("#meme", { hashtags: ["meme"], media: ["photo"] }), true],
    ["(grumpy cat) OR (#meme has:images)", text("#meme", { hashtags: ["meme"], media: ["video"] }), false],
    ["skiing -snow -day -noschool", text("skiing today"), true],
    ["skiing -snow -day -noschool", text("skiing in the snow"), false],
    ["apple OR iphone ipad", text("apple pie"), true],
    ["apple OR iphone ipad", text("iphone only"), false],
    ["apple OR iphone ipad", text("ipad and iphone"), true],
    ["(apple OR iphone) ipad", text("apple pie"), false],
    ["(apple OR iphone) ipad", text("apple ipad"), true],
    ["diacrítica", text("Diacrítica"), true],
    ["diacrítica", text("diacritica"), false],
    ["cumpleaños", text("cumpleaños"), true],
    ["cumpleaños", text("cumplea os"), false],
    ["cat", text("CAT Cat cat"), true],
    ["(happy OR happiness) lang:en -birthday -is:retweet", text("so happy"), true],
    ["(happy OR happiness) lang:en -birthday -is:retweet", text("so happy", { lang: "fr" }), false],
    ["(happy OR happiness) lang:en -birthday -is:retweet", text("happy birthday"), false],
    ["(happy OR happiness) place_country:GB -birthday", text("happy", { geo: { country_code: "GB" } }), true],
    ["(happy OR happiness) place_country:GB -birthday", text("happy", { geo: {} }), false],
    ["cat has:media", text("cat", { media: ["animated_gif"] }), true],
    ["cat has:media", text("cat"), false],
    ['pepsi OR cola OR "coca cola"', text("I like coca-cola"), true],
    ['pepsi OR cola OR "coca cola"', text("cocacola"), false],
    ["coca-cola", text("Coca Cola"), true],
    ["(😃 OR 😡) 😬", text("😡😬"), true],
    ["(😃 OR 😡) 😬", text("😡 only"), false],
    ['("X API" OR #v2) -"filtered stream"', text("the x api is here"), true],
    ['("X API" OR #v2) -"filtered stream"', text("the X API filtered stream"), false],
    ['("X API" OR #v2) -"filtered stream"', text("api x"), false],
    ["#thanku", text("#thankunext", { hashtags: ["thankunext"] }), false],
    ["#thankunext #fanart", text("", { hashtags: ["ThankUNext", "fanart"] }), true],
    ["(@XDevelopers OR @api) -@x", text("", { mentions: ["XDevelopers"] }), true],
    ["(@XDevelopers OR @api) -@x", text("", { mentions: ["api", "X"] }), false],
    ["$twtr OR @XDevelopers -$fb", text("", { cashtags: ["TWTR"] }), true],
    ["$twtr OR @XDevelopers -$fb", text("$TWTR in the text only"), false],
    ["from:XDevelopers OR from:api", text("", { author: { id: "2244994945", username: "XDevelopers" } }), true],
    ["from:2244994945", text("", { author: { id: "2244994945", username: "XDevelopers" } }), true],
    ["from:XDevelopers OR from:api", text(""), false],
    ["to:bob", reply, true],
    ["to:2", reply, true],
    ["to:alice", reply, false],
    ["retweets_of:zoe", retweet, true],
    ["retweets_of:9", retweet, true],
    ["retweets_of:zoe", quote, false],
    ['url:"https://developer.x.com"', text("", { urls: ["https://developer.x.com/en/docs"] }), true],
    ['url:"https://t.co"', text("see https://t.co/c0A36SWil4"), true],
    ['url:"/developer"', text("", { urls: ["https://x.com/developer/page"] }), true],
    ['url:"https://developer.x.com"', text("developer x com"), false],
    ["conversation_id:1334987486343299072", text("", { conversation_id: "1334987486343299072" }), true],
    ["conversation_id:1334987486343299072", text("", { conversation_id: "1" }), false],
    ["data @XDevelopers -is:retweet", text("data", { mentions: ["XDevelopers"] }), true],
    ["snow -is:retweet", retweet, false],
    ["snow is:retweet", retweet, true],
    ["thanks is:reply", reply, true],
    ["true is:reply", quote, false],
    ["grumpy is:quote", quote, true],
    ["grumpy is:quote", retweet, false],
    [
      "#nowplaying is:verified",
      text("", { hashtags: ["nowplaying"], author: { id: "1", username: "a", verified: true } }),
      true,
    ],
    ["#nowplaying is:verified", text("", { hashtags: ["nowplaying"] }), false],
    ['"mobile games" -is:nullcast', text("mobile games"), true],
    ["cat -has:hashtags", text("cat"), true],
    ["cat -has:hashtags", text("cat #x", { hashtags: ["x"] }), false],
    ["#stonks has:cashtags", text("", { hashtags: ["stonks"], cashtags: ["GME"] }), true],
    ["cat has:links", text("cat", { urls: ["https://example.org"] }), true],
    ["cat has:mentions", text("cat", { mentions: ["bob"] }), true],
    ["cat has:videos", text("cat", { media: ["video"] }), true],
    ["cat has:video_link", text("cat", { media: ["animated_gif"] }), false],
    ["recommend #paris has:geo", text("recommend", { hashtags: ["paris"], geo: {} }), true],
    ["recommend #paris has:geo", text("recommend", { hashtags: ["paris"] }), false],
  ])("%s on %j: %s", (rule, tweet, expected) => {
    expect({ rule, text: tweet.text, matched: matches(rule, tweet) }).toEqual({
      rule,
      text: tweet.text,
      matched: expected,
    });
  });
});

describe("compileRules: what a tweet's body holds", () => {
  it("matches a quote by the quoted tweet's content, but not by its author's or its language", () => {
    expect(matches("grumpy cat", quote)).toBe(true);
    expect(matches("from:zoe", quote)).toBe(false);
  });

  it("matches a retweet by the original's whole text, which the retweet's own text cuts", () => {
    expect(matches('"at last" #NoSchool', retweet)).toBe(true);
    expect(matches("rt", retweet)).toBe(true);
  });

  it("matches is:reply on a reply carried by a quote or a retweet, as X documents", () => {
    const quoteOfReply = aTweet({ text: "look", referenced: [aContent({ reply_to: { user_id: "3" } })] });
    expect(matches("look is:reply", quoteOfReply)).toBe(true);
  });

  it("matches keywords in link URLs, and phrases within one text or URL, never across two", () => {
    const tweet = aTweet({ text: "news", urls: ["https://example.org/snow-day", "example.org/snow-d\u2026"] });
    expect(matches("snow", tweet)).toBe(true);
    expect(matches('"snow day"', tweet)).toBe(true);
    expect(matches('"news https"', tweet)).toBe(false);
    // A cut display URL's last word is not a word of the link.
    expect(matches("d", tweet)).toBe(false);
  });

  it("does not match has:images or has:geo through a carried tweet", () => {
    const quoteOfPhoto = aTweet({ text: "wow", referenced: [aContent({ media: ["photo"] })] });
    expect(matches("wow has:media", quoteOfPhoto)).toBe(true);
    expect(matches("wow has:images", quoteOfPhoto)).toBe(false);
  });

  it("treats a tweet without the newer facts (an older writer's, the generator's) as having none", () => {
    const old = text("cat");
    for (const rule of ["cat is:retweet", "cat is:reply", "cat is:verified", "cat has:media", "cat has:geo", "$cat"])
      expect({ rule, matched: matches(rule, old) }).toEqual({ rule, matched: false });
  });
});

describe("compileRules over a list", () => {
  it("answers the indexes of the matched rules, ascending, for each tweet", () => {
    const matcher = compileRules(["cat", "dog OR cat", "-cat bird", "bird"], options);
    expect(matcher.rules.map((rule) => rule.text)).toEqual(["cat", "dog OR cat", "-cat bird", "bird"]);
    expect(matcher.matches(text("cat and bird"))).toEqual([0, 1, 3]);
    expect(matcher.matches(text("a bird"))).toEqual([2, 3]);
    expect(matcher.matches(text("nothing"))).toEqual([]);
    expect(compileRules([], options).matches(text("cat"))).toEqual([]);
  });

  it("refuses the whole list when one rule is bad, naming that rule", () => {
    expect(() => compileRules(["cat", "has:media"], options)).toThrow(/^rule "has:media": .* \(at position 1\)$/);
  });
});
