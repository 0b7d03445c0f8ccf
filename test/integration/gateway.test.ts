import type { RunStatistics } from "../../contracts/actions";
import { eventually, request, TestMesh } from "../support/mesh";
import { EventStreamClient } from "../support/sse";

const TOKEN = "test-token-0123456789abcdef";
const ALLOWED_ORIGIN = "https://allowed.example";

/**
 * The production side of the gateway over a real mesh with two gateway workers: the token, the
 * launch rate limit, CORS, /stream from either worker, /openapi.json, the pages and /metrics.
 */
describe("the gateway", () => {
  let mesh: TestMesh;
  let first: string;
  let second: string;
  const authorized = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const launch = (url: string, body: unknown, headers: Record<string, string> = authorized) =>
    request(`${url}/launch`, { method: "POST", headers, body: JSON.stringify(body) });
  const statistics = () => request<RunStatistics>(`${first}/statistics`).then((answer) => answer.body);

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [
        { services: ["api"] },
        { services: ["api"] },
        { services: ["launcher"] },
        { services: ["filter"] },
        { services: ["statistics"] },
        { services: ["timeline"] },
      ],
      {
        API_TOKEN: TOKEN,
        LAUNCH_RATE_LIMIT: "3",
        CORS_ORIGINS: ALLOWED_ORIGIN,
        STREAM_MAX_RATE: "5",
        GENERATOR_RATE: "500",
      },
    );
    [first = "", second = ""] = mesh.urls;
  });

  afterAll(async () => {
    await request(`${first}/stop`, { method: "POST", headers: authorized }).catch(() => undefined);
    await mesh?.stop();
  });

  describe("the bearer token", () => {
    it.each([
      ["no Authorization header", { "content-type": "application/json" }],
      ["a wrong token", { authorization: "Bearer wrong-token-0123456789", "content-type": "application/json" }],
      ["another scheme", { authorization: `Basic ${TOKEN}`, "content-type": "application/json" }],
    ])("refuses /launch with %s: 401 JSON naming the header", async (_, headers) => {
      const answer = await launch(first, { track: ["love"] }, headers);
      expect(answer).toMatchObject({
        status: 401,
        body: { code: 401, type: "UNAUTHORIZED", data: { field: "authorization" } },
      });
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    });

    it("refuses follows without it: they are writes", async () => {
      const follows = `${first}/subscribers/token-reader/follows`;
      const body = JSON.stringify({ track: ["love"] });
      const headers = { "content-type": "application/json" };
      expect((await request(follows, { method: "POST", headers, body })).status).toBe(401);
      expect((await request(`${follows}?track=love`, { method: "DELETE" })).status).toBe(401);
      expect((await request(follows, { method: "POST", headers: authorized, body })).status).toBe(200);
      expect((await request(`${follows}?track=love`, { method: "DELETE", headers: authorized })).status).toBe(200);
      expect((await request(follows)).status).toBe(200);
    });

    it("refuses /stop without it, and leaves the read endpoints open", async () => {
      expect((await request(`${first}/stop`, { method: "POST" })).status).toBe(401);
      expect((await request(`${first}/statistics`)).status).toBe(200);
      expect((await request(`${first}/statistics/runs`)).status).toBe(200);
    });
  });

  describe("the live stream", () => {
    it("reaches clients of every gateway worker: statistics updates and matched tweets, filtered by track", async () => {
      const onFirst = await EventStreamClient.open(`${first}/stream`);
      const onSecond = await EventStreamClient.open(`${second}/stream?track=love`);
      try {
        expect(onFirst.status).toBe(200);
        expect(onFirst.contentType).toMatch(/^text\/event-stream/);
        const launched = await launch(first, { track: ["love", "music"], max_tweets: 200 });
        expect(launched.status).toBe(200);
        const runId = (launched.body as { run_id: string }).run_id;
        const counted = (client: EventStreamClient) => () =>
          Promise.resolve(client.named("statistics") as RunStatistics[]).then((updates) =>
            updates.filter((update) => update.run_id === runId),
          );
        for (const client of [onFirst, onSecond]) {
          await eventually(
            counted(client),
            (updates) => updates.some((update) => update.amount > 0),
            30000,
            "a statistics update with matches",
          );
          await eventually(
            async () => client.named("tweet").length,
            (tweets) => tweets > 0,
            30000,
            "a matched tweet",
          );
        }
        const filtered = onSecond.named("tweet") as Array<{ phrases: string[] }>;
        expect(filtered.every((event) => event.phrases.includes("love"))).toBe(true);
        const all = onFirst.named("tweet") as Array<{ run_id: string; tweet: { id: string }; phrases: string[] }>;
        expect(all[0]).toMatchObject({ run_id: runId, tweet: { id: expect.stringMatching(/^\d+$/) } });

        await eventually(
          statistics,
          (figures) => figures.run_id === runId && !figures.running && figures.examined === figures.published,
          30000,
          "the run to end",
        );
        const last = await eventually(
          counted(onFirst),
          (updates) => updates.at(-1)?.amount === 200,
          30000,
          "the final figures on the stream",
        );
        expect(last.at(-1)).toMatchObject({ running: false, end_reason: "max_tweets" });
      } finally {
        await Promise.all([onFirst.close(), onSecond.close()]);
      }
      // Disconnected clients are forgotten.
      for (const url of [first, second]) {
        await eventually(
          () => request<string>(`${url}/metrics`).then((answer) => answer.body),
          (text) => /^tweetmesh_stream_clients\{node="[^"]+"\} 0$/m.test(text),
          10000,
          "the streams to be forgotten",
        );
      }
    });

    it("refuses a bad track with a 422 before streaming", async () => {
      const answer = await request(`${first}/stream?track=${"x".repeat(61)}`);
      expect(answer).toMatchObject({ status: 422, body: { type: "VALIDATION_ERROR" } });
    });
  });

  describe("the launch rate limit", () => {
    it("answers 429 with Retry-After once a client made LAUNCH_RATE_LIMIT launches in a minute on one gateway worker", async () => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await launch(second, { track: ["love"], max_tweets: 1 }));
      expect(answers.slice(0, 3).map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(answers[3]).toMatchObject({ status: 429, body: { code: 429, type: "RATE_LIMITED" } });
      const response = await fetch(`${second}/launch`, {
        method: "POST",
        headers: authorized,
        body: '{"track": ["love"]}',
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Reads are not limited.
      expect((await request(`${second}/statistics`)).status).toBe(200);
    });
  });

  describe("CORS", () => {
    it("gives an allowed origin the headers, and another origin none", async () => {
      const allowed = await fetch(`${first}/statistics`, { headers: { origin: ALLOWED_ORIGIN } });
      expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
      const other = await fetch(`${first}/statistics`, { headers: { origin: "https://other.example" } });
      expect(other.status).toBe(200);
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("answers a preflight itself: 204, and nothing is launched", async () => {
      const before = (await statistics()).run_id;
      const preflight = await fetch(`${first}/launch`, {
        method: "OPTIONS",
        headers: {
          origin: ALLOWED_ORIGIN,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
      expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
      expect((await statistics()).run_id).toBe(before);
    });
  });

  describe("documentation and pages", () => {
    it("serves /openapi.json describing every endpoint", async () => {
      const answer = await request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
        `${first}/openapi.json`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.openapi).toBe("3.1.0");
      expect(Object.keys(answer.body.paths)).toEqual(
        expect.arrayContaining([
          "/",
          "/stream",
          "/launch",
          "/stop",
          "/statistics",
          "/statistics/runs",
          "/timeline",
          "/health",
          "/ready",
          "/metrics",
          "/openapi.json",
          "/docs",
        ]),
      );
      expect(answer.body.paths["/launch"]?.post).toMatchObject({ security: [{ apiToken: [] }] });
    });

    it.each([
      ["/", /^text\/html/, "/assets/dashboard.js"],
      ["/docs", /^text\/html/, "/assets/docs.js"],
      ["/assets/dashboard.js", /^application\/javascript/, "EventSource"],
      ["/assets/dashboard.css", /^text\/css/, "#chart"],
    ])("serves %s", async (path, type, content) => {
      const answer = await request<string>(`${first}${path}`);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(type);
      expect(answer.body).toContain(content);
    });

    it("serves no other file", async () => {
      expect((await request(`${first}/assets/..%2F..%2Fpackage.json`)).status).toBe(422);
      expect((await request(`${first}/assets/secret.js`)).status).toBe(404);
    });
  });

  describe("/metrics", () => {
    it("shows every node's figures in Prometheus text: requests, latencies, tweets, queues", async () => {
      const answer = await request<string>(`${first}/metrics`);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = answer.body;
      for (const family of [
        "tweetmesh_http_requests_total counter",
        "tweetmesh_http_request_duration histogram",
        "tweetmesh_tweets_total counter",
        "tweetmesh_queue_messages gauge",
        "tweetmesh_pipeline_messages_total counter",
        "moleculer_request_total counter",
      ]) {
        expect(text).toContain(`# TYPE ${family}`);
      }
      expect(text).toMatch(/^tweetmesh_tweets_total\{stage="counted",node="[^"]*statistics[^"]*"\} [1-9]\d*$/m);
      expect(text).toMatch(/^tweetmesh_tweets_total\{stage="received",node="[^"]*filter[^"]*"\} [1-9]\d*$/m);
      expect(text).toMatch(/^tweetmesh_queue_messages\{queue="filter",node="[^"]+"\} \d+$/m);
      expect(text).toMatch(
        /^tweetmesh_http_requests_total\{method="POST",route="POST \/launch",status="401",node="[^"]+"\} [1-9]/m,
      );
      // Every sample line is `name{labels} number`.
      for (const line of text.split("\n").filter((line) => line && !line.startsWith("#")))
        expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{.*\})? (-?[\d.e+-]+|NaN|\+Inf)$/);
    });
  });
});
