import { connect } from "node:net";
import { zstdCompressSync } from "node:zlib";
import type { ServiceBroker } from "moleculer";
import { buildsTable } from "../../bin/repl";
import { readBuildInfo } from "../../config/build";
import { GATEWAY_ROUTES } from "../../gateway/routes";
import { ProcessCluster, serverBuilt, type Worker } from "../support/cluster";
import { eventually, request, TestMesh } from "../support/mesh";

/** A path of a GET route with its parameters filled in. */
const SAMPLE_PARAMS: Record<string, string> = {
  file: "dashboard.js",
  phrase: "bieber",
  author: "@jack",
  subscriber: "sub-1",
  id: "123",
};
const samplePath = (path: string): string => path.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? name);

/** The raw answer to raw request bytes: for what Node's HTTP parser refuses before any handler. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(bytes));
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** Each of these was answered 404, 500 or an empty body before (issue #14, items 5, 14, 17). */
describe("the gateway's answers to what clients send", () => {
  let mesh: TestMesh;

  beforeAll(async () => {
    mesh = await TestMesh.start([{ services: ["api", "launcher", "filter", "statistics", "timeline"] }]);
  });
  afterAll(() => mesh?.stop());

  it("answers HEAD on every GET route as it answers GET, without a body", async () => {
    for (const route of GATEWAY_ROUTES.filter((candidate) => candidate.method === "GET")) {
      const url = `${mesh.url}${samplePath(route.path)}`;
      const head = await fetch(url, { method: "HEAD" });
      const body = await head.arrayBuffer();
      if (route.path === "/stream") {
        expect({ path: route.path, status: head.status, type: head.headers.get("content-type") }).toEqual({
          path: route.path,
          status: 200,
          type: "text/event-stream; charset=utf-8",
        });
        continue;
      }
      const get = await fetch(url);
      await get.arrayBuffer();
      expect({ path: route.path, status: head.status, type: head.headers.get("content-type") }).toEqual({
        path: route.path,
        status: get.status,
        type: get.headers.get("content-type"),
      });
      expect(body.byteLength).toBe(0);
    }
    const page = await fetch(`${mesh.url}/`, { method: "HEAD" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("reads a zstd body, answers 400 to one that does not decode, and 415 naming Content-Encoding to an unknown coding", async () => {
    const follows = `${mesh.url}/subscribers/zstd-reader/follows`;
    const zstd = await fetch(follows, {
      method: "POST",
      headers: { "Content-Encoding": "zstd" },
      body: zstdCompressSync(JSON.stringify({ track: ["bieber"] })),
    });
    expect(zstd.status).toBe(200);
    expect(await zstd.json()).toMatchObject({ track: ["bieber"] });

    const garbage = await request(follows, {
      method: "POST",
      headers: { "Content-Encoding": "zstd" },
      body: "not zstd at all",
    });
    expect(garbage).toMatchObject({ status: 400, body: { type: "INVALID_BODY_ENCODING", data: { field: "body" } } });
    for (const coding of ["compress", "x-gzip", "snappy"]) {
      const unknown = await request(follows, { method: "POST", headers: { "Content-Encoding": coding }, body: "{}" });
      expect(unknown.status).toBe(415);
      expect(unknown.body).toMatchObject({
        type: "UNSUPPORTED_CONTENT_ENCODING",
        message: expect.stringContaining("Content-Encoding"),
      });
    }
  });

  it("refuses bodies nested deeper than 16 levels with 400 before they reach the transporter, and goes on working", async () => {
    const deepList = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`;
    for (const path of ["/launch", "/stop", "/subscribers/deep/follows"]) {
      for (const body of [deepObject, `{"track": ${deepList}}`]) {
        const answer = await request(`${mesh.url}${path}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
        });
        expect({ path, status: answer.status, body: answer.body }).toMatchObject({
          path,
          status: 400,
          body: { type: "BODY_TOO_DEEP", data: { field: "body" } },
        });
      }
    }
    const launch = await request(`${mesh.url}/launch`, { method: "POST", body: JSON.stringify({ track: ["bieber"] }) });
    expect(launch).toMatchObject({ status: 200, body: { process_started: true } });
    await request(`${mesh.url}/stop`, { method: "POST" });
  });

  it("the REPL's `builds` lists each node with its version, commit and services (issue #14, item 8)", () => {
    const rows = buildsTable(mesh.brokers[0] as ServiceBroker);
    const build = readBuildInfo();
    expect(rows).toEqual([
      {
        node: expect.any(String),
        version: build.version,
        commit: build.commit.slice(0, 12),
        services: expect.stringContaining("launcher"),
      },
    ]);
    expect(build.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("answers headers too large with 431 and a JSON body", async () => {
    const port = Number(new URL(mesh.url).port);
    const answer = await rawRequest(
      port,
      `GET /statistics HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    const [head = "", body = ""] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body)).toMatchObject({ code: 431, type: "HEADERS_TOO_LARGE" });

    const malformed = await rawRequest(port, "NOT HTTP AT ALL\r\n\r\n");
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(malformed.split("\r\n\r\n")[1] ?? "")).toMatchObject({ code: 400, type: "MALFORMED_REQUEST" });
  });
});

const describeProcesses = serverBuilt() ? describe : describe.skip;

/** Gateways as processes of the built server (issue #14, items 3 and 4). */
describeProcesses("a gateway process", () => {
  let cluster: ProcessCluster;
  let gateway: Worker;

  beforeAll(async () => {
    cluster = new ProcessCluster({ GATEWAY_SHARE_PORT: "false", LOG_LEVEL: "info" });
    gateway = cluster.start("api");
    await eventually(
      () => request(`${cluster.url}/health`).catch(() => ({ status: 0 })),
      (answer) => answer.status === 200,
      30_000,
      "the gateway to answer",
    );
  });
  afterAll(() => cluster?.stop());

  it("refuses a taken port in one line naming PORT, unless asked to share it", async () => {
    const second = cluster.start("api");
    expect(await second.exited).toBe(1);
    expect(second.log().trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^PORT ${cluster.port} is taken by another process: .*GATEWAY_SHARE_PORT=true`)),
    ]);
  });

  it("never shares the port of another namespace's gateway", async () => {
    const intruder = cluster.start("api", { GATEWAY_SHARE_PORT: "true", NAMESPACE: `${cluster.namespace}-other` });
    expect(await intruder.exited).toBe(1);
    expect(intruder.log().trim().split("\n")).toEqual([
      `PORT ${cluster.port} is shared by a gateway of NAMESPACE "${cluster.namespace}", not this mesh's "${cluster.namespace}-other": set PORT to a free port, or NAMESPACE to "${cluster.namespace}" to join that mesh`,
    ]);
  });

  it("while no worker has joined, answers 503 NO_WORKER at once and logs a few lines, without stack traces", async () => {
    const before = gateway.log().length;
    const answers = await Promise.all(Array.from({ length: 200 }, () => request(`${cluster.url}/statistics`)));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([503]));
    expect(answers[0]?.body).toMatchObject({ type: "NO_WORKER", data: { action: "statistics.get" } });
    const logged = await eventually(
      async () => gateway.log().slice(before),
      (text) => text.includes("503 NO_WORKER"),
      5_000,
      "the failure to be logged",
    );
    const lines = logged.trim().split("\n");
    expect(lines.filter((line) => line.includes("GET /statistics 503 NO_WORKER request ")).length).toBe(1);
    expect(lines.filter((line) => /^\s+at /.test(line) || line.includes("is not registered"))).toEqual([]);
  });
});
