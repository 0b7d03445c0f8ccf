import type { RunHistory, RunStatistics, TimelinePage } from "../../contracts/actions";
import { curlPost, eventually, request, TestMesh } from "../support/mesh";

/**
 * The gateway and the four services on separate nodes over the real RabbitMQ and Redis, driven as
 * the original's users drove it: `curl -d` to /launch, then /statistics.
 */
describe("the HTTP API over a mesh of separate nodes", () => {
  let mesh: TestMesh;
  const drained = (figures: RunStatistics) =>
    !figures.running && !figures.streaming && figures.examined === figures.published;
  const statistics = () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body);

  beforeAll(async () => {
    mesh = await TestMesh.start([
      { services: ["api"] },
      { services: ["launcher"] },
      { services: ["filter"] },
      { services: ["filter"] },
      { services: ["statistics"] },
      { services: ["timeline"] },
    ]);
  });

  afterAll(() => mesh?.stop());

  it("answers zeros before any run", async () => {
    const answer = await request<RunStatistics>(`${mesh.url}/statistics`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ amount: 0, speed: 0, elapsed_time: 0, running: false, run_id: null });
  });

  it("launches from a form-encoded body, counts climb, and stop freezes the run", async () => {
    const launch = await curlPost(`${mesh.url}/launch`, '{"track": ["bieber", "love"]}');
    expect(launch.status).toBe(200);
    expect(launch.contentType).toMatch(/^application\/json/);
    expect(launch.body).toMatchObject({
      process_started: true,
      track: ["bieber", "love"],
      source: "generator",
      warnings: [],
    });
    const runId = launch.body.run_id as string;

    const first = await eventually(statistics, (figures) => figures.amount > 0, 30000, "a first matched tweet");
    const later = await eventually(
      statistics,
      (figures) => figures.amount > first.amount && figures.elapsed_time >= 1,
      30000,
      "counts climbing",
    );
    expect(later).toMatchObject({ run_id: runId, running: true, track: ["bieber", "love"] });
    expect(later.speed).toBeCloseTo(later.amount / later.elapsed_time, 10);
    expect(later.examined).toBeGreaterThanOrEqual(later.amount);
    expect(Object.keys(later.per_phrase).sort()).toEqual(expect.arrayContaining(["love"]));

    const stop = await request(`${mesh.url}/stop`, { method: "POST" });
    expect(stop).toMatchObject({ status: 200, body: { process_stopped: true, run_id: runId } });
    const stopped = await statistics();
    expect(stopped).toMatchObject({ running: false, end_reason: "stopped" });

    // The stream stops, what the pipeline had accepted is counted, and the figures stay put.
    const settled = await eventually(statistics, drained, 30000, "the pipeline to drain");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await statistics();
    expect(after).toMatchObject({
      amount: settled.amount,
      examined: settled.examined,
      elapsed_time: stopped.elapsed_time,
    });
  });

  it("keeps every run in the history, newest first, with totals across runs", async () => {
    const first = await curlPost(`${mesh.url}/launch`, '{"track": ["music"]}');
    await eventually(statistics, (figures) => figures.amount > 0, 30000, "matches of the first run");
    const second = await curlPost(`${mesh.url}/launch`, '{"track": ["game"], "max_tweets": 5}');
    expect(second.body).toMatchObject({ process_started: true, replaced_run_id: first.body.run_id });

    const ended = await eventually(statistics, drained, 30000, "max_tweets to end the run and the pipeline to drain");
    expect(ended).toMatchObject({ run_id: second.body.run_id, amount: 5, end_reason: "max_tweets" });

    const history = (await request<RunHistory>(`${mesh.url}/statistics/runs`)).body;
    const ids = history.runs.map((run) => run.run_id);
    expect(ids.slice(0, 2)).toEqual([second.body.run_id, first.body.run_id]);
    expect(history.runs[1]).toMatchObject({ running: false, end_reason: "replaced" });
    expect(history.totals.runs).toBe(history.runs.length);
    expect(history.totals.amount).toBe(history.runs.reduce((sum, run) => sum + run.amount, 0));
  });

  it("serves the newest matched tweets as a timeline, page by page without duplicates", async () => {
    const launch = await curlPost(`${mesh.url}/launch`, '{"track": ["love"], "max_tweets": 30}');
    const runId = launch.body.run_id as string;
    const ended = await eventually(statistics, drained, 30000, "the run to end and drain");
    expect(ended.amount).toBe(30);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `track=love&limit=7&run_id=${runId}${cursor ? `&cursor=${cursor}` : ""}`;
      const page: TimelinePage = await eventually(
        () => request<TimelinePage>(`${mesh.url}/timeline?${query}`).then((answer) => answer.body),
        (body) => seen.length > 0 || body.tweets.length === 7,
        30000,
        "the timeline to fill",
      );
      for (const entry of page.tweets) {
        expect(entry.phrases).toContain("love");
        seen.push(entry.tweet.id);
      }
      cursor = page.next_cursor;
    } while (cursor);

    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const ordered = [...seen].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));
    expect(seen).toEqual(ordered);
  });

  describe("health, readiness and versions", () => {
    it("answers liveness", async () => {
      expect(await request(`${mesh.url}/health`)).toMatchObject({ status: 200, body: { status: "ok" } });
    });

    it("is ready with RabbitMQ, Redis and a worker of each routed service", async () => {
      const answer = await request(`${mesh.url}/ready`);
      expect(answer).toMatchObject({
        status: 200,
        body: {
          ready: true,
          checks: { broker: true, redis: true, services: { launcher: true, statistics: true, timeline: true } },
        },
      });
    });

    it("lists the build of every node", async () => {
      const answer = await request<{
        version: string;
        nodes: Array<{ node: string; version: string; services: string[] }>;
      }>(`${mesh.url}/version`);
      expect(answer.status).toBe(200);
      expect(answer.body.version).toMatch(/^\d+\.\d+\.\d+/);
      const services = answer.body.nodes.flatMap((node) => node.services).sort();
      expect(services).toEqual(
        expect.arrayContaining(["api", "filter", "filter", "launcher", "statistics", "timeline"]),
      );
      expect(answer.body.nodes.every((node) => node.version === answer.body.version)).toBe(true);
    });

    it("is not ready, with 503, while a routed service has no worker", async () => {
      const lonely = await TestMesh.start([{ services: ["api"] }]);
      try {
        const answer = await request(`${lonely.url}/ready`);
        expect(answer).toMatchObject({
          status: 503,
          body: { ready: false, checks: { broker: true, redis: true, services: { launcher: false } } },
        });
      } finally {
        await lonely.stop();
      }
    });
  });

  describe("bad input gets a 4xx that names the field and the rule", () => {
    it.each([
      ["invalid JSON", "{track: bieber", 400, "INVALID_JSON", "body"],
      ["a JSON list instead of an object", '["bieber"]', 400, "INVALID_JSON", "body"],
      ["track missing", "{}", 422, "VALIDATION_ERROR", "track"],
      ["track not a list", '{"track": 42}', 422, "VALIDATION_ERROR", "track"],
      ["track empty", '{"track": []}', 422, "VALIDATION_ERROR", "track"],
      [
        "too many phrases",
        JSON.stringify({ track: Array.from({ length: 401 }, (_, i) => `word${i}`) }),
        422,
        "VALIDATION_ERROR",
        "track",
      ],
      ["a phrase too long", JSON.stringify({ track: ["x".repeat(61)] }), 422, "VALIDATION_ERROR", "track"],
      ["a phrase of the wrong type", '{"track": [["nested"]]}', 422, "VALIDATION_ERROR", "track"],
      ["max_tweets of the wrong type", '{"track": ["a"], "max_tweets": "lots"}', 422, "VALIDATION_ERROR", "max_tweets"],
      [
        "an oversized body",
        JSON.stringify({ track: ["a"], padding: "x".repeat(70 * 1024) }),
        413,
        "BODY_TOO_LARGE",
        "body",
      ],
    ])("%s", async (_, body, status, type, field) => {
      const answer = await curlPost<{ code: number; type: string; message: string; data: unknown }>(
        `${mesh.url}/launch`,
        body,
      );
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ code: status, type });
      expect(JSON.stringify(answer.body.data)).toContain(field);
      expect(answer.body.message.length).toBeGreaterThan(0);
    });

    it("an unknown path is a 404 in JSON", async () => {
      const answer = await request(`${mesh.url}/nowhere`);
      expect(answer.status).toBe(404);
      expect(answer.contentType).toMatch(/^application\/json/);
    });

    it("/x/usage is a 404 in JSON naming X_BEARER_TOKEN when no X app is configured", async () => {
      const answer = await request<{ type: string; data: unknown }>(`${mesh.url}/x/usage`);
      expect(answer).toMatchObject({
        status: 404,
        body: { type: "X_NOT_CONFIGURED", data: { setting: "X_BEARER_TOKEN" } },
      });
      expect(answer.contentType).toMatch(/^application\/json/);
    });

    it("a bad timeline query names the parameter", async () => {
      const answer = await request<{ message: string }>(`${mesh.url}/timeline?limit=0`);
      expect(answer.status).toBe(422);
      expect(answer.body.message).toMatch(/^limit: /);
    });

    it("the mesh keeps running and a valid launch still works afterwards", async () => {
      const launch = await curlPost(`${mesh.url}/launch`, '{"track": ["bieber"], "max_tweets": 3}');
      expect(launch.status).toBe(200);
      const final = await eventually(
        statistics,
        (figures) => figures.run_id === launch.body.run_id && drained(figures),
        30000,
        "3 matches",
      );
      expect(final.amount).toBe(3);
    });
  });
});
