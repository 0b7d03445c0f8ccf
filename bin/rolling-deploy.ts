import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { readBuildInfo } from "../config/build";
import {
  alive,
  type ClusterWorker,
  formatClusterState,
  parseClusterState,
  replacementOrder,
} from "../mesh/cluster-state";

/**
 * A rolling deploy of a local cluster (`scripts/cluster.sh`) to this build, one worker at a time:
 * start a worker of this build for the same service, wait until it is ready and the mesh knows it,
 * then drain the old one (SIGTERM: it stops taking work, finishes what it holds, leaves) and wait
 * for it to exit. A new worker that does not get ready stops the deploy, with the old one running.
 *
 *   node <new build>/dist/bin/rolling-deploy.js [--state .cluster/workers] [--timeout 90]
 *
 * New workers get this process's environment (TRANSPORTER, REDIS_URL, NAMESPACE, ...), as
 * cluster.sh gives its workers; the gateway's PORT (default 8004) is where the mesh is asked
 * which nodes it knows.
 */

const SERVER = path.join(__dirname, "server.js");
/** Linux hands connections queued on a closing SO_REUSEPORT listener to the others only when this is 1. */
const MIGRATE_REQUESTS = "/proc/sys/net/ipv4/tcp_migrate_req";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function say(line: string): void {
  process.stdout.write(`rolling-deploy: ${line}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    // Where the worker will listen: a port free on every address, not only on loopback.
    probe.listen(0, "0.0.0.0", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

async function answers(url: string, accept: (body: unknown) => boolean = () => true): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000), headers: { Connection: "close" } });
    return response.status === 200 && accept(await response.json());
  } catch {
    return false;
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(200);
  }
}

const knowsNode = (nodeId: string) => (body: unknown) =>
  typeof body === "object" &&
  body !== null &&
  "nodes" in body &&
  Array.isArray(body.nodes) &&
  body.nodes.some((node: { node?: string }) => node.node === nodeId);

function logTail(logDir: string, nodeId: string, lines = 20): string {
  try {
    return readFileSync(path.join(logDir, `${nodeId}.log`), "utf8")
      .trimEnd()
      .split("\n")
      .slice(-lines)
      .join("\n");
  } catch {
    return "(no log)";
  }
}

async function startWorker(old: ClusterWorker, logDir: string, gatewayPort: number): Promise<ClusterWorker> {
  const suffix = Math.random().toString(36).slice(2, 7);
  const prefix = process.env.NAMESPACE ? `${process.env.NAMESPACE}-` : "";
  const nodeId = `${prefix}${old.service}-${suffix}`;
  const probePort = await freePort();
  const log = openSync(path.join(logDir, `${nodeId}.log`), "a");
  const child = spawn(process.execPath, [SERVER], {
    // A new gateway shares the port with the old one until the old one leaves.
    env: {
      ...process.env,
      SERVICES: old.service,
      NODE_ID: nodeId,
      HEALTH_PORT: String(probePort),
      PORT: String(gatewayPort),
      GATEWAY_SHARE_PORT: "true",
    },
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start a ${old.service} worker`);
  return { service: old.service, nodeId, pid: child.pid, probePort };
}

class StartFailure extends Error {
  constructor(
    message: string,
    /** The worker exited while starting (e.g. a port taken meanwhile), rather than being slow. */
    readonly exited: boolean,
  ) {
    super(message);
  }
}

/**
 * A worker of this build for `old`'s service, ready and known to the mesh. A worker that exits while
 * starting is started once more; one that does not get ready in time stops the deploy.
 */
async function startReady(
  old: ClusterWorker,
  step: string,
  logDir: string,
  gatewayPort: number,
  timeoutMs: number,
): Promise<ClusterWorker> {
  for (let attempt = 1; ; attempt++) {
    const fresh = await startWorker(old, logDir, gatewayPort);
    say(`${step}: started ${fresh.nodeId} (pid ${fresh.pid}), waiting until it is ready`);
    try {
      await waitFor(`${fresh.nodeId} to be ready`, timeoutMs, async () => {
        if (!alive(fresh.pid)) throw new StartFailure(`${fresh.nodeId} exited`, true);
        return answers(`http://127.0.0.1:${fresh.probePort}/ready`);
      });
      await waitFor(`the mesh to know ${fresh.nodeId}`, timeoutMs, () =>
        answers(`http://127.0.0.1:${gatewayPort}/version`, knowsNode(fresh.nodeId)),
      );
      return fresh;
    } catch (error) {
      if (alive(fresh.pid)) process.kill(fresh.pid, "SIGTERM");
      const reason = `${error instanceof Error ? error.message : String(error)}; the last lines of its log:\n${logTail(logDir, fresh.nodeId)}`;
      if (!(error instanceof StartFailure && error.exited && attempt === 1)) throw new Error(reason, { cause: error });
      say(`${step}: ${reason}\n${step}: starting another one`);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { state: { type: "string", default: ".cluster/workers" }, timeout: { type: "string", default: "90" } },
  });
  const stateFile = path.resolve(values.state);
  const timeoutMs = Number(values.timeout) * 1000;
  const gatewayPort = Number(process.env.PORT ?? 8004);
  const build = readBuildInfo();
  let workers = parseClusterState(readFileSync(stateFile, "utf8"));
  const save = () => {
    writeFileSync(`${stateFile}.next`, formatClusterState(workers));
    renameSync(`${stateFile}.next`, stateFile);
  };
  const order = replacementOrder(workers);
  say(`replacing ${order.length} workers with build ${build.version} (${build.commit}), one at a time`);
  if (
    order.some((worker) => worker.service === "api") &&
    existsSync(MIGRATE_REQUESTS) &&
    readFileSync(MIGRATE_REQUESTS, "utf8").trim() === "0"
  ) {
    say(
      "warning: net.ipv4.tcp_migrate_req is 0, so a connection queued on an old gateway at the moment it closes is reset; `sysctl -w net.ipv4.tcp_migrate_req=1` hands it to the new one",
    );
  }

  for (const [index, old] of order.entries()) {
    const step = `[${index + 1}/${order.length}] ${old.nodeId}`;
    const fresh = await startReady(old, step, path.dirname(stateFile), gatewayPort, timeoutMs);
    workers = workers.map((worker) => (worker.nodeId === old.nodeId ? fresh : worker));
    save();
    say(`${step}: ${fresh.nodeId} is ready; draining ${old.nodeId} (pid ${old.pid})`);
    if (alive(old.pid)) process.kill(old.pid, "SIGTERM");
    await waitFor(`${old.nodeId} to drain and exit`, timeoutMs, () => !alive(old.pid));
    say(`${step}: replaced`);
  }
  say(`done: every worker runs build ${build.version} (${build.commit})`);
}

main().catch((error) => {
  process.stderr.write(`rolling-deploy: stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
