import type { RunStatistics, TimelinePage } from "../../contracts/actions";
import { ruleTag } from "../../sources/x/rules";
import { FakeXApi } from "../support/fake-x-api";
import { curlPost, eventually, request, TestMesh } from "../support/mesh";
import { v1CaptureAsV2 } from "../support/x-messages";
import { referenceMatch } from "../unit/matching/reference-track";
import { v1CaptureDir, v1CapturesPresent } from "../unit/matching/v1-capture";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const TRACK = ["love", "the", "que", "lol", "follow me", "ff"];
const TOKEN = "AAAAAAAAAAAAAAAAAAAAAintegration-secret-token-987654321";

/**
 * The whole mesh with STREAM_SOURCE=x against the fake X API: /launch turns the track into the
 * app's filtered-stream rules, the launcher streams what the fake serves (a real v1.1 capture
 * converted to v2 messages), and /statistics counts exactly the tweets that match, as the slow
 * reference matcher counts them on the test's own reading of the capture.
 */
/** Every log line of the mesh into `output`, to check that the token never appears in one. */
function captureLogLines(output: string[]): void {
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(" ")));
  }
}

const describeWithCaptures = v1CapturesPresent() ? describe : describe.skip;
if (!v1CapturesPresent())
  console.warn(`X API integration test skipped: no captures in ${v1CaptureDir} (set SHARED_DATA)`);

describeWithCaptures("the X API source in the mesh", () => {
  let fake: FakeXApi;
  let mesh: TestMesh;
  const output: string[] = [];
  const answers: string[] = [];
  const statistics = () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body);
  const launch = async (track: readonly string[]) => {
    const answer = await curlPost(`${mesh.url}/launch`, JSON.stringify({ track }));
    answers.push(JSON.stringify(answer.body));
    return answer;
  };

  beforeAll(async () => {
    captureLogLines(output);
    fake = await FakeXApi.start({ token: TOKEN, keepAliveMs: 1000 });
    fake.seedRules([{ value: "rule of an earlier deployment", tag: "old" }]);
    mesh = await TestMesh.start([{ services: ["api", "launcher", "filter", "statistics", "timeline"] }], {
      X_BEARER_TOKEN: TOKEN,
      STREAM_SOURCE: "x",
      X_API_BASE_URL: fake.url,
      BATCH_SIZE: "50",
      LOG_LEVEL: "debug",
    });
  });

  afterAll(async () => {
    await mesh?.stop();
    await fake?.close();
    jest.restoreAllMocks();
  });

  it("counts exactly the matching tweets the stream served", async () => {
    const { messages, tweets } = v1CaptureAsV2(CAPTURE);
    const matched = tweets.filter((tweet) => referenceMatch(TRACK, tweet).length > 0);
    expect(matched.length).toBeGreaterThan(100);

    const launched = await launch(TRACK);
    expect(launched.status).toBe(200);
    expect(launched.body).toMatchObject({ process_started: true, source: "x" });
    const runId = String(launched.body.run_id);
    const tag = ruleTag(mesh.namespace);
    expect(fake.rules.map(({ value, tag }) => [value, tag])).toEqual(TRACK.map((phrase) => [phrase, tag]));

    await eventually(
      async () => fake.streaming,
      (streaming) => streaming,
      20000,
      "the launcher to connect to the stream",
    );
    fake.feed(messages);
    const counted = await eventually(
      statistics,
      (figures) => figures.examined === tweets.length,
      60000,
      "every served tweet to be examined",
    );
    expect(counted).toMatchObject({
      run_id: runId,
      source: "x",
      running: true,
      published: tweets.length,
      amount: matched.length,
    });

    const stopped = await curlPost(`${mesh.url}/stop`, "{}");
    expect(stopped.body).toMatchObject({ process_stopped: true, run_id: runId });
    await eventually(
      async () => fake.streaming,
      (streaming) => !streaming,
      20000,
      "the launcher to close its stream connection",
    );
  });

  it("counts an edited post once, counts an edit that newly matches once, and shows the newest version", async () => {
    const launched = await launch(["bieber"]);
    expect(launched.status).toBe(200);
    await eventually(
      async () => fake.streaming,
      (streaming) => streaming,
      20000,
      "the launcher to connect",
    );
    const post = (id: string, text: string, history: string[]) => ({
      data: {
        id,
        text,
        author_id: "42",
        created_at: "2026-12-03T10:00:00.000Z",
        lang: "en",
        edit_history_tweet_ids: history,
      },
      includes: { users: [{ id: "42", username: "editor", name: "An Editor" }] },
      matching_rules: [{ id: "1", tag: ruleTag(mesh.namespace) }],
    });
    const [first, second, third, fourth] = [
      "1900000000000000001",
      "1900000000000000002",
      "1900000000000000005",
      "1900000000000000007",
    ];
    fake.feed([
      post(first, "bieber one", [first]),
      post(second, "nothing to see", [second]),
      post(third, "bieber one, edited", [first, third]),
      post("1900000000000000006", "now it says bieber", [second, "1900000000000000006"]),
      post(fourth, "bieber one, edited twice", [first, third, fourth]),
    ]);
    const figures = await eventually(statistics, (answer) => answer.examined === 5, 30000, "the five versions");
    expect(figures).toMatchObject({ amount: 2, edits: 3, per_phrase: { bieber: 2 } });
    const timeline = await eventually(
      () => request<TimelinePage>(`${mesh.url}/timeline`).then((answer) => answer.body.tweets),
      (tweets) => tweets.length === 2 && tweets.some((entry) => entry.tweet.text.endsWith("twice")),
      20000,
      "the timeline to show the newest versions",
    );
    expect(timeline.map((entry) => entry.tweet.text)).toEqual(["now it says bieber", "bieber one, edited twice"]);
    await curlPost(`${mesh.url}/stop`, "{}");
  });

  it("refuses an invalid phrase with a 422 naming it, and keeps the rules as they were", async () => {
    const before = fake.rules;
    const refused = await launch(["bieber", "(bieber"]);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: "INVALID_RULES",
      message: expect.stringContaining('"(bieber": There are mismatched parentheses'),
    });
    expect(fake.rules).toEqual(before);
  });

  it("replaces the rules of the earlier run on the next launch", async () => {
    const launched = await launch(["bieber", "twitter api"]);
    expect(launched.status).toBe(200);
    const tag = ruleTag(mesh.namespace);
    expect(fake.rules.map(({ value, tag }) => [value, tag])).toEqual([
      ["bieber", tag],
      ["twitter api", tag],
    ]);
    await curlPost(`${mesh.url}/stop`, "{}");
  });

  it("shows reconnects in /statistics, and a refused token ends the run with the reason", async () => {
    const launched = await launch(["bieber"]);
    expect(launched.status).toBe(200);
    await eventually(
      async () => fake.streaming,
      (streaming) => streaming,
      20000,
      "the launcher to connect",
    );
    fake.dropStream();
    const reconnected = await eventually(
      statistics,
      (figures) => figures.reconnects >= 1,
      20000,
      "a reconnect to be counted",
    );
    expect(reconnected).toMatchObject({ run_id: launched.body.run_id, running: true, dropped: 0 });

    await eventually(
      async () => fake.streaming,
      (streaming) => streaming,
      20000,
      "the launcher to reconnect",
    );
    fake.failNextConnects(401, 10);
    fake.dropStream();
    const ended = await eventually(statistics, (figures) => !figures.running, 30000, "the 401 to end the run");
    expect(ended).toMatchObject({
      end_reason: "source_failed",
      end_detail: expect.stringMatching(/401.*X_BEARER_TOKEN/),
    });
    answers.push(JSON.stringify(ended));
  });

  it("never shows the token in a log line or an answer", () => {
    expect(output.length).toBeGreaterThan(0);
    expect(output.filter((line) => line.includes(TOKEN))).toEqual([]);
    expect(answers.filter((answer) => answer.includes(TOKEN))).toEqual([]);
    // It did reach X, in the Authorization header only.
    expect(fake.requests.every((recorded) => recorded.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});

/** One post of the stream, in X's v2 shape. */
const post = (id: string, text: string, lang: string) => ({
  data: { id, text, lang, author_id: "7", created_at: "2026-12-01T10:00:00.000Z" },
  includes: { users: [{ id: "7", username: "seven" }] },
  matching_rules: [{ id: "1", tag: "tweetmesh" }],
});

/**
 * What a paying X user needs (#15), with two gateway workers and two launchers: the languages go to
 * X with every rule, `/x/usage` answers X's figures, the mesh's rule budget refuses a launch that
 * would exceed it on whichever workers it lands, and the posts a backfilled reconnect sends again
 * count once. Synthetic posts: no capture needed.
 */
describe("the X source as a paying user needs it", () => {
  const BUDGET = 6;
  let fake: FakeXApi;
  let mesh: TestMesh;
  const output: string[] = [];
  const answers: string[] = [];
  const statistics = () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body);
  /** A launch through one gateway worker, with its Retry-After. */
  const launch = async (gateway: number, body: Record<string, unknown>) => {
    const answer = await fetch(`${mesh.urls[gateway]}/launch`, { method: "POST", body: JSON.stringify(body) });
    const text = await answer.text();
    answers.push(text);
    return {
      status: answer.status,
      body: JSON.parse(text) as Record<string, unknown>,
      retryAfter: answer.headers.get("retry-after"),
    };
  };
  const requestsInWindow = () => mesh.redis.zcard(`${mesh.namespace}:x:rule-requests`);
  /** Waits until the run's stream is connected: the streaming worker's rule check is done by then. */
  const streamed = async (accepted: number) =>
    eventually(
      async () => fake.streamsAccepted,
      (count) => count > accepted && fake.streaming,
      20000,
      "the stream",
    );

  beforeAll(async () => {
    captureLogLines(output);
    fake = await FakeXApi.start({ token: TOKEN, keepAliveMs: 500 });
    fake.usage = { cap: 2_000_000, used: 1_650_000, resetDay: 9 };
    mesh = await TestMesh.start(
      [
        { services: ["api"] },
        { services: ["api"] },
        { services: ["launcher"] },
        { services: ["launcher"] },
        { services: ["filter", "statistics", "timeline"] },
      ],
      {
        X_BEARER_TOKEN: TOKEN,
        STREAM_SOURCE: "x",
        X_API_BASE_URL: fake.url,
        X_RULE_REQUESTS_PER_15MIN: String(BUDGET),
        X_BACKFILL_MINUTES: "2",
        BATCH_SIZE: "10",
        LOG_LEVEL: "debug",
      },
    );
  });

  afterAll(async () => {
    await mesh?.stop();
    await fake?.close();
    jest.restoreAllMocks();
  });

  it("answers /x/usage with X's figures, read from X once for both gateways, and warns past 80% once", async () => {
    const readings = await Promise.all(mesh.urls.map((url) => request(`${url}/x/usage`)));
    for (const reading of readings) {
      answers.push(JSON.stringify(reading.body));
      expect(reading).toMatchObject({
        status: 200,
        body: { project_cap: 2_000_000, project_usage: 1_650_000, cap_reset_day: 9, percent_used: 82.5 },
      });
    }
    expect(fake.usageReads).toBe(1);
    expect(output.filter((line) => line.includes("X post usage passed 80%"))).toHaveLength(1);
  });

  it("sends X the languages with every rule, and counts the backfill's posts once", async () => {
    const accepted = fake.streamsAccepted;
    const launched = await launch(0, { track: ["bieber", "love"], languages: ["en", "es"] });
    expect(launched.status).toBe(200);
    expect(fake.rules.map((rule) => rule.value)).toEqual([
      "(bieber) (lang:en OR lang:es)",
      "(love) (lang:en OR lang:es)",
    ]);
    await streamed(accepted);
    // The fake applies no rules: the French post is X's to keep out, and the filter's.
    fake.feed([
      post("1001", "i love bieber", "en"),
      post("1002", "te quiero bieber", "es"),
      post("1003", "j'aime bieber", "fr"),
      post("1004", "nothing to see", "en"),
    ]);
    await eventually(statistics, (figures) => figures.examined === 4, 20000, "the first posts to be examined");

    fake.dropStream();
    await eventually(
      async () => fake.backfillRequests,
      (asked) => asked.length === 1,
      20000,
      "a backfilled reconnect",
    );
    fake.feed([post("1005", "love at last", "en")]);
    const counted = await eventually(
      statistics,
      (figures) => figures.examined === 5 && figures.reconnects === 1,
      20000,
      "the last post and the reconnect",
    );
    expect(fake.backfillRequests).toEqual([2]);
    // X sent the four posts again: examined and counted once each.
    expect(fake.served).toHaveLength(9);
    expect(counted).toMatchObject({ run_id: launched.body.run_id, amount: 3, reconnects: 1 });
    expect(await statistics()).toMatchObject({ examined: 5, amount: 3 });
  });

  it("refuses the launch that would exceed the rule budget with 429 and Retry-After, before calling X", async () => {
    // Two POSTs so far (a dry run, an add). `cats` costs three (dry run, delete, add): five of six.
    let accepted = fake.streamsAccepted;
    expect(await launch(1, { track: ["cats"] })).toMatchObject({ status: 200 });
    await streamed(accepted);
    expect(fake.rulesPosts).toBe(5);
    const { run_id: active } = await statistics();

    for (const gateway of [0, 1]) {
      const refused = await launch(gateway, { track: ["dogs"] });
      expect(refused).toMatchObject({
        status: 429,
        body: { type: "X_RULE_BUDGET", data: { setting: "X_RULE_REQUESTS_PER_15MIN" } },
      });
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(900);
      expect(refused.body.data).toMatchObject({ retry_after: Number(refused.retryAfter) });
    }
    expect(fake.rulesPosts).toBe(5);
    expect(await requestsInWindow()).toBe(5);
    expect(await statistics()).toMatchObject({ run_id: active, running: true });

    // Unchanged rules cost nothing: the same track launches again within the spent budget.
    accepted = fake.streamsAccepted;
    expect(await launch(0, { track: ["cats"] })).toMatchObject({ status: 200 });
    await streamed(accepted);
    expect(fake.rulesPosts).toBe(5);
  });

  it("refuses a launch once the post cap is used (X_POST_CAP_GUARD)", async () => {
    fake.usage = { cap: 2_000_000, used: 2_000_000, resetDay: 9 };
    // The mesh's reading is younger than a minute: forget it rather than wait.
    await mesh.redis.del(`${mesh.namespace}:x:usage`, `${mesh.namespace}:x:usage:reading`);
    const refused = await launch(1, { track: ["cats"] });
    expect(refused).toMatchObject({
      status: 429,
      body: { type: "X_POST_CAP_REACHED", data: { setting: "X_POST_CAP_GUARD", cap_reset_day: 9 } },
    });
    expect(output.filter((line) => line.includes("X post usage passed 95%"))).toHaveLength(1);
  });

  it("never shows the token in a log line or an answer", () => {
    expect(output.length).toBeGreaterThan(0);
    expect(output.filter((line) => line.includes(TOKEN))).toEqual([]);
    expect(answers.filter((answer) => answer.includes(TOKEN))).toEqual([]);
    expect(fake.requests.every((recorded) => recorded.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});
