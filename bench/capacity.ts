import calculateSlot from "cluster-key-slot";
import type { ProcessCluster } from "../test/support/cluster";
import { startLocalRedisCluster } from "../test/support/local-redis-cluster";
import { cpuSeconds, measureThroughput, ONE_WORKER_PER_SERVICE, pidsOf, type RunObserver } from "./pipeline";

/**
 * The capacity model (issue #17): CPU per 1,000 examined tweets of every process of one run, read from
 * /proc between `/launch` and the drained pipeline: each worker by its service, RabbitMQ, and each
 * redis-server. The run goes on a local Redis Cluster (3 primaries, 3 replicas, AOF on,
 * REDIS_MIN_REPLICAS 1), so that the primary holding the runs' slot (`{<namespace>}`, where every
 * admission and count lands) is told apart from those sharing the fan-out. From these the cores a rate
 * needs follow, and the rate at which a part that runs on one core saturates.
 */

export interface CapacityProcess {
  /** `launcher`, `filter`, …, `RabbitMQ`, `Redis: the runs' primary`, `Redis: other primaries`, `Redis: replicas`. */
  part: string;
  /** Processes of this part in the run. */
  processes: number;
  cpuMsPer1000: number;
  /** Whether the part runs on one core however many are given: one stream per run, one slot for the runs. */
  oneCore: boolean;
}

export interface CapacityResult {
  examined: number;
  matched: number;
  tweetsPerSecond: number;
  parts: CapacityProcess[];
  totalCpuMsPer1000: number;
}

export async function measureCapacity(tweets: number, progress: (line: string) => void): Promise<CapacityResult> {
  progress("starting a local Redis Cluster (scripts/redis-cluster.sh)");
  const redis = await startLocalRedisCluster();
  try {
    const pids = await redis.pids();
    const ports = redis.nodes.map((node) => Number(node.split(":")[1]));
    const client = redis.client();
    let before = new Map<number, number>();
    let after = new Map<number, number>();
    let workers: { service: string; pid: number }[] = [];
    let runsPrimaryPort = 0;
    let primaryPorts = new Set<number>();
    const read = (cluster: ProcessCluster) => {
      workers = cluster.workers.flatMap((worker) =>
        worker.process.pid === undefined ? [] : [{ service: worker.service, pid: worker.process.pid }],
      );
      return new Map([...workers.map((w) => w.pid), ...pids, ...rabbitmqPids()].map((pid) => [pid, cpuSeconds(pid)]));
    };
    const observer: RunObserver = {
      launching: async (cluster) => {
        before = read(cluster);
        const slot = calculateSlot(`{${cluster.namespace}}`);
        // Each range: its first slot, its last, then its nodes, the primary first.
        const ranges = await client.cluster("SLOTS");
        primaryPorts = new Set(ranges.flatMap(([, , primary]) => (primary ? [primary[1]] : [])));
        runsPrimaryPort = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1] ?? 0;
      },
      drained: async (cluster) => void (after = read(cluster)),
    };
    progress("pipeline, 1 worker per service, on the local Redis Cluster, REDIS_MIN_REPLICAS 1");
    const run = await measureThroughput(
      "capacity",
      ONE_WORKER_PER_SERVICE,
      tweets,
      progress,
      { REDIS_CLUSTER_NODES: redis.nodes.join(","), REDIS_MIN_REPLICAS: "1" },
      observer,
    );
    client.disconnect();
    const used = (pid: number) => (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
    const msPer1000 = (seconds: number) => (seconds * 1e6) / run.tweets;
    const part = (name: string, ofPids: number[], oneCore = false): CapacityProcess => ({
      part: name,
      processes: ofPids.length,
      cpuMsPer1000: msPer1000(ofPids.reduce((sum, pid) => sum + used(pid), 0)),
      oneCore,
    });
    const ofService = (service: string) => workers.filter((w) => w.service === service).map((w) => w.pid);
    const redisPids = (keep: (port: number) => boolean) => pids.filter((_, index) => keep(ports[index] ?? 0));
    const parts = [
      part("launcher (the source and publishing)", ofService("launcher"), true),
      part("filter", ofService("filter")),
      part("statistics", ofService("statistics")),
      part("timeline", ofService("timeline")),
      part("api", ofService("api")),
      part("RabbitMQ", rabbitmqPids()),
      part(
        "Redis: the runs' primary",
        redisPids((port) => port === runsPrimaryPort),
        true,
      ),
      part(
        "Redis: the other primaries",
        redisPids((port) => port !== runsPrimaryPort && primaryPorts.has(port)),
      ),
      part(
        "Redis: the replicas",
        redisPids((port) => !primaryPorts.has(port)),
      ),
    ];
    return {
      examined: run.tweets,
      matched: run.matched,
      tweetsPerSecond: run.tweetsPerSecond,
      parts,
      totalCpuMsPer1000: parts.reduce((sum, one) => sum + one.cpuMsPer1000, 0),
    };
  } finally {
    await redis.stop();
  }
}

/** RabbitMQ's Erlang VMs on this machine (the shared node the pipeline uses). */
const rabbitmqPids = () => pidsOf(["beam.smp"]);
