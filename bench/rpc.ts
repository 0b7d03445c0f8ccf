import { spawn } from "node:child_process";
import { once } from "node:events";
import autocannon from "autocannon";
import type { ServiceBroker } from "moleculer";

export interface RpcResult {
  what: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** HTTP GETs at a fixed concurrency, by autocannon. */
export async function measureHttp(what: string, url: string, connections: number, seconds: number): Promise<RpcResult> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    what,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The same action called over the transporter from a node of the mesh, `concurrency` calls at a time. */
export async function measureDirect(
  broker: ServiceBroker,
  action: string,
  concurrency: number,
  seconds: number,
): Promise<RpcResult> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await broker.call(action);
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    what: `${action} over the transporter`,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
    errors,
  };
}

/** The bare server, in a process of its own as the gateway is: it answers BODY and prints its port. */
const BARE_SERVER = `
  const body = process.env.BODY;
  const server = require("node:http").createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
    response.end(body);
  });
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

/** A bare Node HTTP server answering `body` as JSON: the machine's ceiling for an HTTP answer. */
export async function measureBareHttp(body: string, connections: number, seconds: number): Promise<RpcResult> {
  const server = spawn(process.execPath, ["-e", BARE_SERVER], {
    env: { BODY: body },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [chunk] = (await once(server.stdout, "data")) as [Buffer];
    return await measureHttp(
      "bare Node HTTP server, same JSON",
      `http://127.0.0.1:${chunk.toString().trim()}/statistics`,
      connections,
      seconds,
    );
  } finally {
    server.kill();
  }
}
