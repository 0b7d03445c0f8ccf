import { startLocalRedisCluster } from "../test/support/local-redis-cluster";
import { runCpu } from "./archive-cost";
import { measureThroughput, median, ONE_WORKER_PER_SERVICE } from "./pipeline";

/**
 * What cluster mode and its `WAIT` cost (issue #17): the 1-worker-per-service pipeline on a local Redis
 * Cluster (3 primaries, 3 replicas, AOF on) with REDIS_MIN_REPLICAS 1 and 0, alternately, and once on
 * the one Redis for reference. CPU is read from /proc for every worker and for RabbitMQ and every
 * redis-server of the machine (the cluster's six nodes and the shared one).
 */

export interface WaitRun {
  redis: "one Redis" | "cluster, WAIT 1" | "cluster, WAIT 0";
  tweetsPerSecond: number;
  examined: number;
  meshCpuMsPer1000: number;
  brokersCpuMsPer1000: number;
}

export interface WaitCostResult {
  runs: WaitRun[];
  /** Medians of the cluster's runs with WAIT for one replica, and without. */
  waitMedian: number;
  noWaitMedian: number;
  /** With WAIT over without: what waiting for a replica leaves of the pipeline's speed. */
  ratio: number;
  single: number;
  /** Medians of CPU per 1,000 examined tweets, milliseconds. */
  meshCpuMsPer1000: { wait: number; noWait: number };
  brokersCpuMsPer1000: { wait: number; noWait: number };
}

export async function measureWaitCost(
  rounds: number,
  tweets: number,
  progress: (line: string) => void,
): Promise<WaitCostResult> {
  progress("starting a local Redis Cluster (scripts/redis-cluster.sh)");
  const cluster = await startLocalRedisCluster();
  const runs: WaitRun[] = [];
  const run = async (redis: WaitRun["redis"], env: Record<string, string>) => {
    progress(`pipeline, 1 worker per service, ${redis}`);
    const cpu = runCpu();
    const result = await measureThroughput(redis, ONE_WORKER_PER_SERVICE, tweets, progress, env, cpu.observer);
    const used = cpu.used();
    runs.push({
      redis,
      tweetsPerSecond: result.tweetsPerSecond,
      examined: result.tweets,
      meshCpuMsPer1000: (used.meshCpuSeconds * 1e6) / result.tweets,
      brokersCpuMsPer1000: (used.brokersCpuSeconds * 1e6) / result.tweets,
    });
  };
  try {
    const nodes = cluster.nodes.join(",");
    await run("one Redis", {});
    for (let round = 0; round < rounds; round++) {
      await run("cluster, WAIT 1", { REDIS_CLUSTER_NODES: nodes, REDIS_MIN_REPLICAS: "1" });
      await run("cluster, WAIT 0", { REDIS_CLUSTER_NODES: nodes, REDIS_MIN_REPLICAS: "0" });
    }
  } finally {
    await cluster.stop();
  }
  const of = (kind: WaitRun["redis"]) => runs.filter((one) => one.redis === kind);
  const medianOf = (kind: WaitRun["redis"], figure: (one: WaitRun) => number) => median(of(kind).map(figure));
  const waitMedian = medianOf("cluster, WAIT 1", (one) => one.tweetsPerSecond);
  const noWaitMedian = medianOf("cluster, WAIT 0", (one) => one.tweetsPerSecond);
  return {
    runs,
    waitMedian,
    noWaitMedian,
    ratio: waitMedian / noWaitMedian,
    single: medianOf("one Redis", (one) => one.tweetsPerSecond),
    meshCpuMsPer1000: {
      wait: medianOf("cluster, WAIT 1", (one) => one.meshCpuMsPer1000),
      noWait: medianOf("cluster, WAIT 0", (one) => one.meshCpuMsPer1000),
    },
    brokersCpuMsPer1000: {
      wait: medianOf("cluster, WAIT 1", (one) => one.brokersCpuMsPer1000),
      noWait: medianOf("cluster, WAIT 0", (one) => one.brokersCpuMsPer1000),
    },
  };
}
