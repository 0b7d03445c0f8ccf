import { readFileSync } from "node:fs";
import path from "node:path";
import { readEnvironment } from "../../../../config/environment";
import { compileTrack } from "../../../../matching/track";
import { TweetGenerator } from "../../../../sources/generator/generator";

/**
 * Every track phrase the docs give as an example matches the built-in generator within the first
 * ten seconds of its default rate: what a user tries first finds tweets. The phrases are read from
 * the docs, so a new example is checked too.
 */

const root = path.resolve(__dirname, "../../../..");
const read = (file: string): string => readFileSync(path.join(root, file), "utf8");
const DOCS = ["README.md", "docs/http-api.md", "docs/operations.md"];
const DASHBOARD = "gateway/dashboard/index.html";

const splitList = (list: string): string[] => list.split(",").map((phrase) => phrase.trim());

/** The phrases of one doc, from JSON bodies, REPL lines, curl query strings and timeline paths. */
function phrasesOfDoc(text: string): string[] {
  const phrases: string[] = [];
  // `{"track": ["bieber", "twitter api"]}`, in requests and in answers (`"phrases":["love"]` too).
  for (const [, list = ""] of text.matchAll(/"(?:track|phrases)"\s*:\s*\[([^\]]*)\]/g))
    for (const [, phrase = ""] of list.matchAll(/"((?:[^"\\]|\\.)*)"/g)) phrases.push(phrase);
  for (const line of text.split("\n")) {
    // `mol $ call launcher.launch --track "bieber,twitter api"`, `--phrase bieber`
    if (/^\s*mol \$ /.test(line))
      for (const [, doubled, single, bare] of line.matchAll(/--(?:track|phrase)\s+(?:"([^"]*)"|'([^']*)'|(\S+))/g))
        phrases.push(...splitList(doubled ?? single ?? bare ?? ""));
    // `curl 'localhost:8004/timeline?track=love'`
    if (/\bcurl\b/.test(line))
      for (const [, list = ""] of line.matchAll(/[?&]track=([^&'"\s]+)/g))
        phrases.push(...splitList(decodeURIComponent(list)));
  }
  // `/timeline/track/follow%20me`; `:phrase` is the route's parameter, not an example.
  for (const [, phrase = ""] of text.matchAll(/\/timeline\/track\/([^\s`'"?)#:][^\s`'"?)#]*)/g))
    phrases.push(decodeURIComponent(phrase));
  return phrases;
}

function phrasesOfDashboard(html: string): string[] {
  const input = /<input\b[^>]*\bid="track"[^>]*>/.exec(html)?.[0] ?? "";
  return splitList(/\bplaceholder="([^"]*)"/.exec(input)?.[1] ?? "");
}

function examplePhrases(): string[] {
  const phrases = [...DOCS.flatMap((doc) => phrasesOfDoc(read(doc))), ...phrasesOfDashboard(read(DASHBOARD))];
  return [...new Set(phrases.map((phrase) => phrase.trim()).filter((phrase) => phrase.length > 0))];
}

describe("the docs' example track phrases", () => {
  const phrases = examplePhrases();
  const { GENERATOR_RATE } = readEnvironment({});
  const tweetCount = GENERATOR_RATE * 10;

  it("are found in the docs", () => {
    // The extraction itself: the examples the docs have today are all read.
    expect(phrases).toEqual(expect.arrayContaining(["bieber", "twitter api", "love", "follow me"]));
  });

  it.each([1, 7, 42])("each match a tweet of the generator's first 10 s at the default rate (seed %i)", (seed) => {
    const matcher = compileTrack(phrases);
    const generator = new TweetGenerator({ rate: GENERATOR_RATE, seed, epoch: Date.UTC(2026, 0, 1) });
    const matched = new Set<string>();
    for (let index = 0; index < tweetCount; index++)
      for (const phrase of matcher.match(generator.tweetAt(index))) matched.add(phrase);
    expect(phrases.filter((phrase) => !matched.has(phrase))).toEqual([]);
  });
});
