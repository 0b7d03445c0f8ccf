import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freeBase, installed, lines, range, runScript } from "./cluster-scripts";

/**
 * A 3-node RabbitMQ cluster of a test's own (scripts/rabbitmq-cluster.sh), on random free ports and in a
 * temporary folder, beside the shared RabbitMQ and a developer's `make brokers-cluster`.
 */

/** RabbitMQ nodes boot slowly on a busy 2-core machine: the script waits this long, the test a little longer. */
const BOOT_SECONDS = 150;
export const CLUSTER_START_MS = (BOOT_SECONDS + 30) * 1000;
export const CLUSTER_STOP_MS = 90_000;

/** Whether rabbitmq-server is installed; a test skips, saying so, when it is not. */
export const rabbitmqInstalled = (): boolean => installed("rabbitmq-server");

/** A base port, a multiple of 10, whose AMQP (base..+2), epmd (+19999), distribution and CLI (+20000..+29) ports are free. */
const freeAmqpBase = () => freeBase("rabbitmqClusters", [...range(0, 3), ...range(19_999, 31)]);

const run = (args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) =>
  runScript("rabbitmq-cluster.sh", args, env, timeoutMs);

export interface LocalRabbitmqCluster {
  /** Each node's amqp:// URL, node 1 first. */
  urls: string[];
  /** Node names, in the same order. */
  nodes: string[];
  /** Each node's OS pid, in the same order. */
  pids(): Promise<number[]>;
  /** rabbitmqctl against the cluster, e.g. `ctl("-n", nodes[0], "list_queues")`. */
  ctl(...args: string[]): Promise<string>;
  /** Starts again the nodes that are not running; they rejoin the cluster. */
  restart(): Promise<void>;
  /** Stops every node and removes the cluster's folder. */
  stop(): Promise<void>;
}

export async function startLocalRabbitmqCluster(): Promise<LocalRabbitmqCluster> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "rabbitmq-cluster-"));
  const name = `test${Math.floor(Math.random() * 1e6)}`;
  const env = {
    ...process.env,
    RABBITMQ_CLUSTER_PORT_BASE: String(await freeAmqpBase()),
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
      restart: async () => void (await run(["start"], env, CLUSTER_START_MS)),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
