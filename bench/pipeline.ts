import { readdirSync, readFileSync } from "node:fs";
import type { RunStatistics } from "../contracts/actions";
import type { ServiceName } from "../config/environment";
import { METRICS } from "../core/metric-names";
import { ProcessCluster } from "../test/support/cluster";
import { curlPost, eventually, request } from "../test/support/mesh";

export const BENCH_TRACK = ["bieber", "love", "music", "game", "news", "happy", "today", "world", "football", "movie"];

export interface ThroughputResult {
  layout: string;
  tweets: number;
  matched: number;
  seconds: number;
  tweetsPerSecond: number;
  /** Peak resident memory of each worker during the run, MB. */
  peakRssMb: Record<string, number>;
  /** Resident set of each worker half-way through the run and at its end: steady when they are alike. */
  halfwayRssMb: Record<string, number>;
  endRssMb: Record<string, number>;
}

export interface LatencyResult {
  offeredRate: number;
  seconds: number;
  tweets: number;
  p50Ms: number;
  p99Ms: number;
}

export interface StatisticsStateResult {
  /** Every run, in the order they ran: state on and off alternately, on first. */
  runs: { state: "on" | "off"; tweetsPerSecond: number }[];
  onMedian: number;
  offMedian: number;
  /** On over off: what keeping the series and top values leaves of the pipeline's speed. */
  ratio: number;
}

export type Layout = Partial<Record<ServiceName, number>>;

export const ONE_WORKER_PER_SERVICE: Layout = { api: 1, launcher: 1, filter: 1, statistics: 1, timeline: 1 };

/** Told of a throughput run's moments, for a scenario that measures more than its speed (archive-cost.ts). */
export interface RunObserver {
  /** The mesh is up and idle; `/launch` comes next. */
  launching?(cluster: ProcessCluster): Promise<void>;
  /** Every published tweet was examined; the mesh is still up. */
  drained?(cluster: ProcessCluster, final: RunStatistics): Promise<void>;
}

const statisticsOf = (cluster: ProcessCluster) => () =>
  request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);

/** Tweets per second end to end: generated, filtered, counted in Redis, stored in timelines. */
export async function measureThroughput(
  name: string,
  layout: Layout,
  tweets: number,
  progress: (line: string) => void,
  env: Record<string, string> = {},
  observer: RunObserver = {},
): Promise<ThroughputResult> {
  const cluster = new ProcessCluster({ GENERATOR_RATE: "10000000", GENERATOR_SEED: "7", LOG_LEVEL: "warn", ...env });
  try {
    await cluster.up(layout);
    const statistics = statisticsOf(cluster);
    await observer.launching?.(cluster);
    const started = performance.now();
    await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: BENCH_TRACK }));
    const rssOfWorkers = (read: (pid: number | undefined) => number) =>
      Object.fromEntries(
        cluster.workers.map((worker) => [worker.nodeId.replace(`${cluster.namespace}-`, ""), read(worker.process.pid)]),
      );
    let halfwayRssMb: Record<string, number> | null = null;
    let lastReport = 0;
    await eventually(
      statistics,
      (figures) => {
        if (!halfwayRssMb && figures.published >= tweets / 2) halfwayRssMb = rssOfWorkers(currentRss);
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          progress(
            `${name}: ${figures.examined.toLocaleString("en")} of ${tweets.toLocaleString("en")} tweets counted`,
          );
        }
        return figures.published >= tweets;
      },
      600_000,
      `${tweets} tweets published`,
    );
    await request(`${cluster.url}/stop`, { method: "POST" });
    const final = await eventually(
      statistics,
      (f) => !f.running && !f.streaming && f.examined >= f.published,
      600_000,
      "the pipeline to drain",
    );
    const seconds = (performance.now() - started) / 1000;
    await observer.drained?.(cluster, final);
    const peakRssMb = rssOfWorkers(peakRss);
    const endRssMb = rssOfWorkers(currentRss);
    return {
      layout: name,
      tweets: final.examined,
      matched: final.amount,
      seconds,
      tweetsPerSecond: final.examined / seconds,
      peakRssMb,
      halfwayRssMb: halfwayRssMb ?? endRssMb,
      endRssMb,
    };
  } finally {
    await cluster.stop();
  }
}

/**
 * The 1-worker-per-service pipeline with the statistics state on and with `STATISTICS_STATE=off`,
 * alternately, `rounds` runs of each, compared by their medians: on this shared machine one run may
 * be slowed by a neighbour, and alternating spreads that over both. `firstOn`, when given, is a run
 * with the state on that was just measured, counted as the first.
 */
export async function measureStatisticsState(
  rounds: number,
  tweets: number,
  progress: (line: string) => void,
  firstOn?: ThroughputResult,
): Promise<StatisticsStateResult> {
  const runs: StatisticsStateResult["runs"] = [];
  for (let round = 0; round < rounds; round++) {
    for (const state of ["on", "off"] as const) {
      const known = round === 0 && state === "on" ? firstOn : undefined;
      const name = `statistics state ${state}, round ${round + 1} of ${rounds}`;
      if (!known) progress(`pipeline, 1 worker per service, ${name}`);
      const run =
        known ?? (await measureThroughput(name, ONE_WORKER_PER_SERVICE, tweets, progress, { STATISTICS_STATE: state }));
      runs.push({ state, tweetsPerSecond: run.tweetsPerSecond });
    }
  }
  const medianOf = (state: "on" | "off") =>
    median(runs.filter((run) => run.state === state).map((run) => run.tweetsPerSecond));
  const onMedian = medianOf("on");
  const offMedian = medianOf("off");
  return { runs, onMedian, offMedian, ratio: onMedian / offMedian };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Ingest-to-counted latency at a fixed offered rate, from the statistics worker's histogram. */
export async function measureLatency(
  rate: number,
  seconds: number,
  progress: (line: string) => void,
): Promise<LatencyResult> {
  const cluster = new ProcessCluster({ GENERATOR_RATE: String(rate), GENERATOR_SEED: "7", LOG_LEVEL: "warn" });
  try {
    await cluster.up(ONE_WORKER_PER_SERVICE);
    await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: BENCH_TRACK }));
    progress(`latency: ${rate} tweets/s offered for ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const statisticsWorker = cluster.workers.find((worker) => worker.service === "statistics");
    const client = await cluster.connectClient();
    const metrics = await client.call<
      Array<{ values: Array<{ quantiles?: Record<string, number> }> }>,
      { includes: string[] }
    >("$node.metrics", { includes: [METRICS.ingestToCounted] }, { nodeID: statisticsWorker?.nodeId });
    const quantiles = metrics[0]?.values[0]?.quantiles ?? {};
    const figures = await statisticsOf(cluster)();
    await request(`${cluster.url}/stop`, { method: "POST" });
    return {
      offeredRate: rate,
      seconds,
      tweets: figures.examined,
      p50Ms: quantiles["0.5"] ?? Number.NaN,
      p99Ms: quantiles["0.99"] ?? Number.NaN,
    };
  } finally {
    await cluster.stop();
  }
}

/** Peak resident set of a process so far (Linux: VmHWM), MB. */
function peakRss(pid: number | undefined): number {
  return statusMb(pid, "VmHWM");
}

/** Resident set of a process now (Linux: VmRSS), MB. */
export function currentRss(pid: number | undefined): number {
  return statusMb(pid, "VmRSS");
}

/** CPU time a process has used so far, user and system (Linux: /proc/<pid>/stat), seconds. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    // The fields after the command's closing parenthesis, which may itself hold spaces: utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** The pids of this machine's processes whose command name (/proc/<pid>/comm) is one of `commands`. */
export function pidsOf(commands: readonly string[]): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return commands.includes(readFileSync(`/proc/${pid}/comm`, "utf8").trim());
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Starts `work` once fewer than `limit` calls of `pending` are in flight; a failed call fails the run. */
export async function runWithin(
  pending: Set<Promise<unknown>>,
  limit: number,
  work: () => Promise<unknown>,
): Promise<void> {
  while (pending.size >= limit) await Promise.race(pending);
  const call: Promise<unknown> = work().finally(() => pending.delete(call));
  pending.add(call);
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every architecture Node runs on. */
const CLOCK_TICKS = 100;

function statusMb(pid: number | undefined, field: "VmHWM" | "VmRSS"): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
