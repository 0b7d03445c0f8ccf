import type { RunStatistics } from "../../contracts/actions";
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
    // Every log line of the mesh, to check that the token never appears in one.
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      jest
        .spyOn(console, method)
        .mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(" ")));
    }
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
    expect(fake.rules.map(({ value, tag }) => [value, tag])).toEqual(TRACK.map((phrase) => [phrase, runId]));

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
    expect(fake.rules.map(({ value, tag }) => [value, tag])).toEqual([
      ["bieber", launched.body.run_id],
      ["twitter api", launched.body.run_id],
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
