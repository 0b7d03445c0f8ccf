import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cluster } from "ioredis";
import { freeBase, installed, lines, range, runScript } from "./cluster-scripts";

/**
 * A Redis Cluster of a test's own (scripts/redis-cluster.sh: 3 primaries, 3 replicas), on free ports
 * and in a temporary folder, beside the shared Redis and a developer's `make brokers-cluster`.
 */

const START_MS = 120_000;
const STOP_MS = 60_000;
/** Long enough for a start and a stop on a busy machine: the hook timeout of a test that starts one. */
export const REDIS_CLUSTER_HOOK_MS = START_MS + 10_000;

/** Why a test of the cluster is skipped, or null when redis-server and redis-cli are installed. */
export function redisClusterMissing(): string | null {
  const missing = ["redis-server", "redis-cli"].filter((command) => !installed(command));
  return missing.length === 0 ? null : `${missing.join(", ")} not installed (apt-get install redis-server)`;
}

export interface LocalRedisCluster {
  /** The seed nodes, `127.0.0.1:<port>` each, in port order: REDIS_CLUSTER_NODES is them comma-separated. */
  nodes: string[];
  /** A Cluster client of it, as the mesh makes one; the caller disconnects it. */
  client(): Cluster;
  /** Each node's OS pid, in the same order. */
  pids(): Promise<number[]>;
  /** Starts again the nodes that are not running (a killed primary comes back as a replica). */
  restart(): Promise<void>;
  /** Stops every node and removes the cluster's folder. */
  stop(): Promise<void>;
}

/** Tries with other ports when a node could not bind its own: another test took one since it was found free. */
const START_ATTEMPTS = 3;

export async function startLocalRedisCluster(): Promise<LocalRedisCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts();
    } catch (error) {
      if (attempt === START_ATTEMPTS || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnFreePorts(): Promise<LocalRedisCluster> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "redis-cluster-"));
  const env = {
    ...process.env,
    // Nodes base..+5, their cluster bus base+10000..+5.
    REDIS_CLUSTER_PORT_BASE: String(await freeBase("redisClusters", [...range(0, 6), ...range(10_000, 6)])),
    REDIS_CLUSTER_STATE: path.join(stateDir, "redis"),
    REDIS_CLUSTER_TIMEOUT: String(START_MS / 1000 - 10),
  };
  const stop = async () => {
    await runScript("redis-cluster.sh", ["stop", "--clean"], env, STOP_MS);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const nodes = lines(await runScript("redis-cluster.sh", ["start"], env, START_MS))
      .join(",")
      .split(",");
    return {
      nodes,
      client: () =>
        new Cluster(
          nodes.map((node) => ({ host: "127.0.0.1", port: Number(node.split(":")[1]) })),
          { redisOptions: { maxRetriesPerRequest: 3 } },
        ),
      pids: async () => lines(await runScript("redis-cluster.sh", ["pids"], env, 30_000)).map(Number),
      restart: async () => void (await runScript("redis-cluster.sh", ["start"], env, START_MS)),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw /Address already in use/.test(String(error)) ? new PortTaken(String(error)) : error;
  }
}
