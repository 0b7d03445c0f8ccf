import http from "node:http";
import net from "node:net";
import { GATEWAY_ROUTES } from "../../gateway/routes";
import { TestDatabase } from "../support/database";
import { FuzzRandom } from "../support/fuzz";
import { eventually, request, TestMesh } from "../support/mesh";

/**
 * Thousands of random and malformed requests against every endpoint of the gateway: bodies, headers,
 * paths, queries and raw bytes on the socket. None may get a 5xx, the process stays up, and a valid
 * launch still works afterwards. Deterministic: FUZZ_SEED picks the inputs (printed on failure).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const CONCURRENCY = 8;
const TOKEN = "fuzz-token-0123456789abcdef";

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface FuzzAnswer {
  status: number;
  body: string;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_.~%/?#[]@!$&'()*+,;=:\"<>{}|\\^` \t\u00e9\u4e2d\ud83d\ude00";

function jsonValue(random: FuzzRandom, depth = 0): unknown {
  const kind = random.int(depth > 3 ? 5 : 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -1e-308, 2 ** 53 + 1, 42]);
    case 2:
      return random.text(random.int(80), ALPHABET);
    case 3:
      return random.chance(0.5);
    case 4:
      return random.pick([
        "bieber",
        "love",
        "",
        " ",
        ",",
        "a,b",
        "#bieber",
        "x".repeat(61),
        "é".repeat(31),
        "1",
        "null",
      ]);
    case 5:
      return Array.from({ length: random.int(6) }, () => jsonValue(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(5) }, () => [
          random.pick([
            "track",
            "languages",
            "max_tweets",
            "duration",
            "limit",
            "cursor",
            "run_id",
            "__proto__",
            "constructor",
            "file",
            random.text(6, ALPHABET),
          ]),
          jsonValue(random, depth + 1),
        ]),
      );
  }
}

/** A body: valid-looking params with wrong values, broken JSON, other formats, binary, oversized, deeply nested. */
function body(random: FuzzRandom): Buffer | undefined {
  switch (random.int(11)) {
    case 0:
      return undefined;
    case 1:
      return Buffer.from(
        JSON.stringify({
          track: jsonValue(random),
          max_tweets: jsonValue(random),
          duration: jsonValue(random),
          languages: jsonValue(random),
        }),
      );
    case 2:
      return Buffer.from(JSON.stringify(jsonValue(random)));
    case 3:
      return Buffer.from(JSON.stringify(jsonValue(random)).slice(0, random.int(20)));
    case 4:
      return random.bytes(random.int(200));
    case 5:
      return Buffer.from(`track=${random.text(10, ALPHABET)}&max_tweets=${random.int(9)}`);
    case 6:
      return Buffer.from(`${"[".repeat(5000 + random.int(20000))}`);
    case 7:
      return Buffer.from(JSON.stringify({ track: ["a"], padding: "x".repeat(60 * 1024 + random.int(20 * 1024)) }));
    case 8:
      return Buffer.from(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "track": ["love"]}',
      );
    case 9:
      return Buffer.from(`{"track": ${"[".repeat(2000)}"a"${"]".repeat(2000)}}`);
    default:
      return Buffer.from(JSON.stringify({ track: ["love", "music"], max_tweets: 1 + random.int(3) }));
  }
}

/** A path: every route (its params filled at random), near misses, and malformed URLs. */
function path(random: FuzzRandom): string {
  const route = random.pick(GATEWAY_ROUTES);
  const filled = route.path.replace(/:(\w+)/g, () =>
    random.pick([
      "dashboard.js",
      "docs.js",
      "..%2F..%2Fetc%2Fpasswd",
      "%",
      "%zz",
      "%00",
      encodeURIComponent(random.text(12, ALPHABET)),
      "a".repeat(300),
    ]),
  );
  const query = random.chance(0.6)
    ? `?${Array.from({ length: 1 + random.int(4) }, () => `${random.pick(["track", "limit", "cursor", "run_id", "track[]", "track[a][b]", "limit[]", "__proto__[x]", "constructor[prototype][x]", "%", "a%zz"])}=${random.pick([encodeURIComponent(random.text(random.int(70), ALPHABET)), "%", "%E0%A4%A", "0", "-1", "999999999999999999999", "1e3", "love", "", "00000000000000000000001"])}`).join("&")}`
    : "";
  switch (random.int(8)) {
    case 0:
      return `/${encodeURIComponent(random.text(random.int(40), ALPHABET))}`;
    case 1:
      return `${filled}/${random.pick(["", "x", "..", "%2e%2e", "//"])}${query}`;
    case 2:
      return `/${"a/".repeat(random.int(200))}${query}`;
    case 3:
      return `${filled.toUpperCase()}${query}`;
    default:
      return `${filled}${query}`;
  }
}

function headers(random: FuzzRandom): Record<string, string> {
  const result: Record<string, string> = {};
  if (random.chance(0.8))
    result["content-type"] = random.pick([
      "application/json",
      "application/x-www-form-urlencoded",
      "text/plain",
      "multipart/form-data; boundary=x",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
      "application/json; charset=bogus",
      "*/*",
      ";;;",
      "a".repeat(500),
    ]);
  if (random.chance(0.15))
    result["content-encoding"] = random.pick(["gzip", "deflate", "br", "identity", "bogus", "gzip, gzip"]);
  if (random.chance(0.6))
    result.authorization = random.pick([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      "Bearer",
      "Bearer  ",
      `bearer ${TOKEN}`,
      "Basic Zm9vOmJhcg==",
      random.text(40, ALPHABET).replace(/[^\x21-\x7e]/g, "a"),
    ]);
  if (random.chance(0.2)) result.origin = random.pick(["https://allowed.example", "https://evil.example", "null", "x"]);
  if (random.chance(0.1)) result["access-control-request-method"] = random.pick(["POST", "DELETE", "GET", "BREW"]);
  if (random.chance(0.1)) result["x-request-id"] = random.text(20, "abc123-");
  if (random.chance(0.05)) result.accept = "text/event-stream";
  return result;
}

function fuzzRequest(random: FuzzRandom): FuzzRequest {
  const method = random.chance(0.85)
    ? random.pick(["GET", "POST"])
    : random.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
  return {
    method,
    path: path(random),
    headers: headers(random),
    body: method === "GET" && random.chance(0.8) ? undefined : body(random),
  };
}

function send(base: URL, agent: http.Agent, fuzz: FuzzRequest): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: fuzz.method,
        path: fuzz.path,
        headers: fuzz.headers,
        agent,
        timeout: 20000,
      },
      (res) => {
        // A stream that opened is an answer: it would never end by itself.
        if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
          resolve({ status: res.statusCode ?? 0, body: "(event stream)" });
          return res.destroy();
        }
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk.length + text.length < 2000 ? chunk : ""));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 20 s")));
    req.on("error", reject);
    req.end(fuzz.body);
  });
}

/** Bytes no HTTP client would send: the server must answer 4xx or hang up, never fail. */
const RAW_REQUESTS = [
  "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
  "POST /launch HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
  "POST /launch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
  "POST /launch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
  "GET /statistics HTTP/9.9\r\nHost: x\r\n\r\n",
  "BREW /launch HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
  `GET /${"a".repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${"b".repeat(20000)}\r\n\r\n`,
  'POST /launch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"track":',
  "\r\n\r\n\r\n",
  "GET\r\n\r\n",
];

function sendRaw(base: URL, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    let answer = "";
    socket.setTimeout(1500, () => socket.destroy());
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", () => undefined);
    socket.write(bytes, "latin1", () => setTimeout(() => socket.end(), 200));
  });
}

describe("the gateway under fuzzing", () => {
  let mesh: TestMesh;
  let database: TestDatabase;

  beforeAll(async () => {
    // With an archive, so that its endpoints are fuzzed past ARCHIVE_DISABLED too.
    database = await TestDatabase.create();
    mesh = await TestMesh.start(
      [{ services: ["api"] }, { services: ["launcher", "filter", "statistics", "timeline", "archive"] }],
      {
        DATABASE_URL: database.url,
        API_TOKEN: TOKEN,
        CORS_ORIGINS: "https://allowed.example",
        // The limiter runs on every authorized launch, yet leaves room for the valid launch at the end.
        LAUNCH_RATE_LIMIT: "100000",
        GENERATOR_RATE: "100",
      },
    );
  });

  afterAll(async () => {
    await mesh?.stop();
    await database?.drop();
  });

  it(`answers ${REQUESTS} random requests (seed ${SEED}) without a 5xx, and stays up`, async () => {
    const random = new FuzzRandom(SEED);
    const requests = Array.from({ length: REQUESTS }, () => fuzzRequest(random));
    const base = new URL(mesh.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const index = next++;
          const fuzz = requests[index] as FuzzRequest;
          try {
            const answer = await send(base, agent, fuzz);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            if (answer.status >= 500)
              failures.push(
                `#${index} ${fuzz.method} ${fuzz.path.slice(0, 200)} ${JSON.stringify(fuzz.headers)} body ${fuzz.body?.subarray(0, 120).toString("latin1")}: ${answer.status} ${answer.body.slice(0, 300)}`,
              );
          } catch (error) {
            // The server may hang up on what Node's HTTP parser refuses; it must still answer the next request.
            const health = await request(`${mesh.url}/health`).catch(() => ({ status: 0 }));
            if (health.status !== 200)
              failures.push(
                `#${index} ${fuzz.method} ${fuzz.path.slice(0, 200)}: ${String(error)}, and /health then answered ${health.status}`,
              );
          }
        }
      }),
    );
    agent.destroy();
    for (const raw of RAW_REQUESTS) {
      const answer = await sendRaw(base, raw);
      if (/^HTTP\/1\.[01] 5\d\d/.test(answer))
        failures.push(`raw ${JSON.stringify(raw.slice(0, 80))}: ${answer.slice(0, 200)}`);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `fuzz: ${REQUESTS} requests + ${RAW_REQUESTS.length} raw in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
    expect(failures).toEqual([]);
    // Most inputs must have reached past the HTTP layer: 4xx of each kind, and some successes.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 413, 422]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await request(`${mesh.url}/health`)).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("still launches a valid run afterwards, and counts it", async () => {
    const launch = await request(`${mesh.url}/launch`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"track": ["love"], "max_tweets": 3}',
    });
    expect(launch.status).toBe(200);
    const runId = (launch.body as { run_id: string }).run_id;
    const figures = await eventually(
      () => request<{ run_id: string; amount: number }>(`${mesh.url}/statistics`).then((answer) => answer.body),
      (body) => body.run_id === runId && body.amount === 3,
      30000,
      "the valid run to count 3 tweets",
    );
    expect(figures.amount).toBe(3);
  });
});
