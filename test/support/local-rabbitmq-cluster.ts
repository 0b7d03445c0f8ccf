import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "./project";

/**
 * A 3-node RabbitMQ cluster of a test's own (scripts/rabbitmq-cluster.sh), on random free ports and in a
 * temporary folder, beside the shared RabbitMQ and a developer's `make brokers-cluster`.
 */

const SCRIPT = path.join(projectRoot(), "scripts", "rabbitmq-cluster.sh");
/** RabbitMQ nodes boot slowly on a busy 2-core machine: the script waits this long, the test a little longer. */
const BOOT_SECONDS = 150;
export const CLUSTER_START_MS = (BOOT_SECONDS + 30) * 1000;
export const CLUSTER_STOP_MS = 90_000;

/** Whether rabbitmq-server is installed; a test skips, saying so, when it is not. */
export function rabbitmqInstalled(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v rabbitmq-server"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** A base port, a multiple of 10, whose AMQP (base..+2), epmd (+19999), distribution and CLI (+20000..+29) ports are free. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 14_000 + 10 * Math.floor(Math.random() * 400);
    const free = await Promise.all([...range(0, 3), ...range(19_999, 31)].map((offset) => portFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error("no free ports for a RabbitMQ cluster from 14000 to 18000");
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`rabbitmq-cluster.sh ${args.join(" ")} exited with ${code ?? signal}: ${stderr.slice(-2000)}`),
        );
    });
  });
}

const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

export interface LocalRabbitmqCluster {
  /** Each node's amqp:// URL, node 1 first. */
  urls: string[];
  /** Node names, in the same order. */
  nodes: string[];
  /** Each node's OS pid, in the same order. */
  pids(): Promise<number[]>;
  /** rabbitmqctl against the cluster, e.g. `ctl("-n", nodes[0], "list_queues")`. */
  ctl(...args: string[]): Promise<string>;
  /** Stops every node and removes the cluster's folder. */
  stop(): Promise<void>;
}

export async function startLocalRabbitmqCluster(): Promise<LocalRabbitmqCluster> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "rabbitmq-cluster-"));
  const name = `test${Math.floor(Math.random() * 1e6)}`;
  const env = {
    ...process.env,
    RABBITMQ_CLUSTER_PORT_BASE: String(await freeBase()),
    RABBITMQ_CLUSTER_STATE: path.join(stateDir, "rabbitmq"),
    RABBITMQ_CLUSTER_NAME: name,
    RABBITMQ_CLUSTER_TIMEOUT: String(BOOT_SECONDS),
  };
  const stop = async () => {
    await run(["stop", "--clean"], env, CLUSTER_STOP_MS);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const urls = lines(await run(["start"], env, CLUSTER_START_MS));
    return {
      urls,
      nodes: range(1, urls.length).map((n) => `${name}-${n}@localhost`),
      pids: async () => lines(await run(["pids"], env, 30_000)).map(Number),
      ctl: (...args) => run(["ctl", ...args], env, 60_000),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
