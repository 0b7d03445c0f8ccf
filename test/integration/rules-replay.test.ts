import fs from "node:fs";
import zlib from "node:zlib";
import type { RunStatistics } from "../../contracts/actions";
import type { RuleTimelinePage } from "../../contracts/timelines";
import { captureFile, expectReplay, v1CaptureDir, v1CapturesPresent } from "../support/captures";
import { curlPost, eventually, request, TestMesh } from "../support/mesh";
import { rawV1Facts, type RawV1Facts } from "../support/raw-v1";
import { referenceMatch } from "../unit/matching/reference-track";
import { readV1Capture, tweetFromV1 } from "../unit/matching/v1-capture";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const TRACK = ["love"];

/**
 * A real capture replayed with a track phrase and three X rules of several operators: the counts,
 * per rule and overall, and each rule's timeline equal what the test works out from the file's own
 * raw fields (authors, language, retweets, links), sharing no code with the evaluator.
 */
const describeWithCaptures = v1CapturesPresent() ? describe : describe.skip;
if (!v1CapturesPresent()) console.warn(`rules replay test skipped: no captures in ${v1CaptureDir} (set SHARED_DATA)`);

interface RuleReference {
  rule: string;
  matches(facts: RawV1Facts): boolean;
}

/** The capture's tweets' raw facts, in file order, and the ids its delete notices name. */
function readCapture(): { tweets: RawV1Facts[]; deleted: Set<string> } {
  const tweets: RawV1Facts[] = [];
  const deleted = new Set<string>();
  for (const line of zlib
    .gunzipSync(fs.readFileSync(captureFile(CAPTURE)))
    .toString("utf8")
    .split("\n")) {
    if (line.trim() === "") continue;
    const message = JSON.parse(line) as { delete?: { status?: { id_str?: string } } };
    if (message.delete?.status?.id_str) deleted.add(message.delete.status.id_str);
    else if (!("delete" in message)) tweets.push(rawV1Facts(message));
  }
  return { tweets, deleted };
}

/** `(from:a OR from:b ...)` over the first authors of the tweets `pick` chooses, distinct. */
function authorsOf(tweets: readonly RawV1Facts[], pick: (facts: RawV1Facts) => boolean, count: number): string[] {
  return [...new Set(tweets.filter(pick).map((facts) => facts.username))].slice(0, count);
}

const fromAny = (authors: readonly string[]): string => `(${authors.map((name) => `from:${name}`).join(" OR ")})`;
const byAny = (authors: readonly string[]) => {
  const names = new Set(authors.map((name) => name.toLowerCase()));
  return (facts: RawV1Facts) => names.has(facts.username.toLowerCase());
};

/** Three rules whose answers the raw fields give: languages, retweets, links, and AND binding tighter than OR. */
function rulesOf(tweets: readonly RawV1Facts[]): RuleReference[] {
  const retweeters = authorsOf(tweets, (facts) => facts.retweet && facts.lang === "ja", 12);
  const linkers = authorsOf(tweets, (facts) => facts.links, 16);
  const [first, ...english] = authorsOf(tweets, (facts) => facts.lang === "en", 6);
  const ofRetweeters = byAny(retweeters);
  const ofLinkers = byAny(linkers);
  const ofEnglish = byAny(english);
  return [
    {
      rule: `${fromAny(retweeters)} is:retweet lang:ja`,
      matches: (facts) => ofRetweeters(facts) && facts.retweet && facts.lang === "ja",
    },
    {
      rule: `${fromAny(linkers)} has:links -is:retweet`,
      matches: (facts) => ofLinkers(facts) && facts.links && !facts.retweet,
    },
    {
      rule: `from:${first} OR ${fromAny(english)} lang:en`,
      matches: (facts) =>
        facts.username.toLowerCase() === first?.toLowerCase() || (ofEnglish(facts) && facts.lang === "en"),
    },
  ];
}

describeWithCaptures("a replay of a real capture with X rules", () => {
  let mesh: TestMesh;
  const capture = v1CapturesPresent() ? readCapture() : { tweets: [], deleted: new Set<string>() };
  const references = rulesOf(capture.tweets);
  const statistics = () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body);

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [{ services: ["api", "launcher", "filter"] }, { services: ["filter", "statistics", "timeline"] }],
      {
        STREAM_SOURCE: "replay",
        REPLAY_FILE: captureFile(CAPTURE),
        REPLAY_RATE: "0",
        BATCH_SIZE: "50",
        TIMELINE_CAP: "5000",
      },
    );
  });

  afterAll(() => mesh?.stop());

  it("counts per rule and overall exactly what the raw fields say, and fills each rule's timeline", async () => {
    const byRule = references.map((reference) => capture.tweets.filter((facts) => reference.matches(facts)));
    for (const matched of byRule) expect(matched.length).toBeGreaterThan(0);
    const tracked = new Set(
      readV1Capture(CAPTURE)
        .map(tweetFromV1)
        .filter((tweet) => referenceMatch(TRACK, tweet).length > 0)
        .map((tweet) => tweet.id),
    );
    const matchedIds = new Set([...tracked, ...byRule.flat().map((facts) => facts.id)]);
    const rules = references.map((reference) => reference.rule);

    const launch = await curlPost(`${mesh.url}/launch`, JSON.stringify({ track: TRACK, rules }));
    expect(launch.status).toBe(200);
    expect(launch.body).toMatchObject({ track: TRACK, rules });

    const final = await eventually(
      statistics,
      (figures) => !figures.running && !figures.streaming && figures.examined === figures.published,
      60000,
      "the replay to end and drain",
    );
    expect(final).toMatchObject({ end_reason: "source_exhausted", examined: capture.tweets.length, rules });
    expect(final.amount).toBe(matchedIds.size);
    expect(final.per_phrase).toEqual(expectReplay(CAPTURE, TRACK).perPhrase);
    expect(final.per_rule).toEqual(Object.fromEntries(rules.map((rule, index) => [rule, byRule[index]?.length])));

    for (const [index, rule] of rules.entries()) {
      const shown = (byRule[index] ?? []).filter((facts) => !capture.deleted.has(facts.id)).map((facts) => facts.id);
      const page = await eventually(
        () =>
          request<RuleTimelinePage>(`${mesh.url}/timeline/rule?limit=200&rule=${encodeURIComponent(rule)}`).then(
            (answer) => answer.body,
          ),
        (answer) => answer.tweets.length >= shown.length,
        30000,
        `the timeline of rule ${index} to fill`,
      );
      expect(new Set(page.tweets.map((entry) => entry.id))).toEqual(new Set(shown));
    }
  });

  it("refuses bad rules with a 422 naming rules[i], the position and the reason, and launches nothing", async () => {
    const before = await statistics();
    const cases: [unknown, string, RegExp][] = [
      [["cats (dogs"], "rules[0]", /position \d+/],
      [["ok", "bogus:thing"], "rules[1]", /bogus/],
      [["lang:en"], "rules[0]", /standalone|alone/i],
      [["  "], "rules[0]", /blank/],
      [[], "rules", /at least one rule/],
      ["not a list", "rules", /array/i],
      [Array.from({ length: 1001 }, (_, index) => `word${index}`), "rules", /at most 1000 rules \(X_MAX_RULES\)/],
    ];
    for (const [rules, field, message] of cases) {
      const answer = await curlPost(`${mesh.url}/launch`, JSON.stringify({ rules }));
      expect({ rules, status: answer.status }).toEqual({ rules, status: 422 });
      const data = (answer.body as { data?: { field: string; message: string }[] }).data ?? [];
      expect(data.find((problem) => problem.field === field)?.message).toMatch(message);
    }
    const tooLong = await curlPost(`${mesh.url}/launch`, JSON.stringify({ rules: [`${"a".repeat(1030)}`] }));
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body)).toMatch(/rules\[0\].*1024/);
    expect((await statistics()).run_id).toBe(before.run_id);
  });
});
