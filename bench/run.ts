import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Tweet } from "../contracts/tweet";
import { TweetGenerator } from "../sources/generator/generator";
import { tweetBatch } from "../runs/stream";
import { ProcessCluster } from "../test/support/cluster";
import { sharedDataDir } from "../test/support/shared-data";
import { AMQP_URL, curlPost, eventually, REDIS_URL, request } from "../test/support/mesh";
import { measureArchiveCost, type ArchiveCostResult } from "./archive-cost";
import { measureBrokerBaseline, type BaselineResult } from "./broker-baseline";
import { measureMatcher, readCaptures, type MatcherResult } from "./matcher";
import {
  BENCH_TRACK,
  measureLatency,
  measureStatisticsState,
  measureThroughput,
  type LatencyResult,
  type StatisticsStateResult,
  type ThroughputResult,
} from "./pipeline";
import { measureBareHttp, measureDirect, measureHttp, type RpcResult } from "./rpc";
import { measureStalledStreams, type StalledStreamsResult } from "./stalled-streams";
import { measureStatisticsCost, OPEN_ENDED_FIELDS, type StatisticsCostResult } from "./statistics-cost";
import { measureWaitCost, type WaitCostResult } from "./wait-cost";
import { measureDedupState, type DedupStateResult } from "./dedup-state";
import { measureCapacity, type CapacityResult } from "./capacity";

/**
 * `make bench`: how fast the mesh does its job on this machine, each figure beside a baseline
 * measured in the same run (machines here are shared and noisy, so ratios say more than absolutes).
 */
const TWEETS = Number(process.env.BENCH_TWEETS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH_SIZE = 200;
const CONCURRENCY = 50;
/**
 * `stalled-streams`, `statistics-cost`, `archive-cost`, `wait-cost`, `dedup-state` or `capacity` runs that scenario alone
 * (`BENCH_SCENARIO=stalled-streams make bench`); unset: everything.
 */
const SCENARIO = process.env.BENCH_SCENARIO ?? "all";
const STALLED_CLIENTS = Number(process.env.BENCH_STALLED_CLIENTS ?? 1000);
const STALLED_ROUNDS = Number(process.env.BENCH_STALLED_ROUNDS ?? 2);
/** The run whose statistics state is weighed: an hour at 1,000 matched tweets per second (issue #13). */
const COST_SECONDS = Number(process.env.BENCH_COST_SECONDS ?? 3600);
const COST_MATCHES_PER_SECOND = 1000;
/** countMatches calls in flight: two statistics workers at their prefetch of 16. */
const COST_IN_FLIGHT = 32;
const COST_BUDGET_MB = 16;
/** Pipeline runs with the statistics state on, and as many with it off, alternately. */
const STATE_ROUNDS = Number(process.env.BENCH_STATE_ROUNDS ?? 3);
/** Pipeline runs with the archive on (a fresh PostgreSQL database each), and as many without, alternately. */
const ARCHIVE_ROUNDS = Number(process.env.BENCH_ARCHIVE_ROUNDS ?? 3);
/** Runs of each of WAIT 1 and WAIT 0 on the local Redis Cluster (`wait-cost`). */
const WAIT_ROUNDS = Number(process.env.BENCH_WAIT_ROUNDS ?? 3);

/** The run whose exactly-once state is weighed (`dedup-state`): past a full window at 1,000 matched tweets per second. */
const DEDUP_MINUTES = Number(process.env.BENCH_DEDUP_MINUTES ?? 75);
const DEDUP_WINDOW_SECONDS = Number(process.env.BENCH_DEDUP_WINDOW ?? 3600);
const DEDUP_BUDGET_MB = 64;

/** On stderr, so that stdout holds only the table. */
const progress = (line: string) => console.error(`bench: ${line}`);

interface Results {
  machine: { cpus: string; cores: number; memoryGb: number; node: string; date: string };
  throughput: ThroughputResult[];
  baseline: BaselineResult & { tweetsPerSecond: number };
  latency: LatencyResult;
  rpc: RpcResult[];
  matcher: MatcherResult | null;
  stalledStreams: StalledStreamsResult | null;
  statisticsState: StatisticsStateResult;
  statisticsCost: StatisticsCostResult;
  archiveCost: ArchiveCostResult;
}

async function main(): Promise<void> {
  const machine = {
    cpus: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
  progress(
    `${machine.cores} cores (${machine.cpus}), Node ${machine.node}; ${TWEETS.toLocaleString("en")} tweets per throughput run`,
  );

  if (SCENARIO === "statistics-cost") {
    const statisticsCost = await measureCost();
    const statisticsState = await measureStatisticsState(STATE_ROUNDS, TWEETS, progress);
    const rows = statisticsCostRows(statisticsCost, statisticsState);
    writeResults(
      "statistics-cost",
      { machine, statisticsCost, statisticsState },
      `${tableLines(machine, rows).join("\n")}\n`,
    );
    return;
  }

  if (SCENARIO === "archive-cost") {
    const archiveCost = await measureArchive();
    writeResults(
      "archive-cost",
      { machine, archiveCost },
      `${tableLines(machine, archiveCostRows(archiveCost)).join("\n")}\n`,
    );
    return;
  }

  if (SCENARIO === "wait-cost") {
    const waitCost = await measureWaitCost(WAIT_ROUNDS, TWEETS, progress);
    writeResults("wait-cost", { machine, waitCost }, `${tableLines(machine, waitCostRows(waitCost)).join("\n")}\n`);
    return;
  }

  if (SCENARIO === "dedup-state") {
    progress(
      `dedup state: ${DEDUP_MINUTES} min of event time at ${number(COST_MATCHES_PER_SECOND)} matched tweets/s, DEDUP_WINDOW ${DEDUP_WINDOW_SECONDS} s`,
    );
    const dedupState = await measureDedupState(
      REDIS_URL,
      {
        minutes: DEDUP_MINUTES,
        matchesPerSecond: COST_MATCHES_PER_SECOND,
        windowSeconds: DEDUP_WINDOW_SECONDS,
        sampleMinutes: Math.max(1, Math.round(DEDUP_MINUTES / 15)),
        baselineMinutes: 10,
        inFlight: COST_IN_FLIGHT,
      },
      progress,
    );
    writeResults(
      "dedup-state",
      { machine, dedupState },
      `${tableLines(machine, dedupStateRows(dedupState)).join("\n")}\n`,
    );
    return;
  }

  if (SCENARIO === "capacity") {
    const capacity = await measureCapacity(TWEETS, progress);
    writeResults("capacity", { machine, capacity }, `${tableLines(machine, capacityRows(capacity)).join("\n")}\n`);
    return;
  }

  if (SCENARIO === "stalled-streams") {
    const stalledStreams = await measureStalledStreamsIfPresent();
    writeResults(
      "stalled-streams",
      { machine, stalledStreams },
      `${stalledStreamsLines(machine, stalledStreams).join("\n")}\n`,
    );
    return;
  }

  progress("matcher: 400 phrases over the real captures");
  const matcher = readCapturesIfPresent();

  const throughput: ThroughputResult[] = [];
  progress("pipeline, 1 worker per service");
  throughput.push(
    await measureThroughput(
      "1 worker per service",
      { api: 1, launcher: 1, filter: 1, statistics: 1, timeline: 1 },
      TWEETS,
      progress,
    ),
  );
  progress("pipeline, scaled: 2 filter, 2 statistics, 2 timeline");
  throughput.push(
    await measureThroughput(
      "2 filter, 2 statistics, 2 timeline",
      { api: 1, launcher: 1, filter: 2, statistics: 2, timeline: 2 },
      TWEETS,
      progress,
    ),
  );

  const statisticsState = await measureStatisticsState(STATE_ROUNDS, TWEETS, progress, throughput[0]);

  progress("baseline: raw amqplib through the same durable hops");
  const batch = Buffer.from(JSON.stringify(generatedBatch()));
  const baselineRun = await measureBrokerBaseline(AMQP_URL, Math.ceil(TWEETS / BATCH_SIZE), batch);
  const baseline = { ...baselineRun, tweetsPerSecond: baselineRun.messagesPerSecond * BATCH_SIZE };

  const latency = await measureLatency(1000, Math.max(SECONDS * 2, 20), progress);

  progress(`RPC: /statistics at ${CONCURRENCY} concurrent clients, ${SECONDS} s each`);
  const rpc = await measureRpc();

  const stalledStreams = await measureStalledStreamsIfPresent();

  const statisticsCost = await measureCost();

  const archiveCost = await measureArchive();

  const results: Results = {
    machine,
    throughput,
    baseline,
    latency,
    rpc,
    matcher,
    stalledStreams,
    statisticsState,
    statisticsCost,
    archiveCost,
  };
  writeResults("latest", results, renderTable(results));
}

/** Writes `bench/results/<name>.{md,json}` and prints the table. */
function writeResults(name: string, results: unknown, table: string): void {
  const folder = path.resolve(__dirname, "../../bench/results");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(folder, `${name}.md`), table);
  console.log(`\n${table}`);
  progress(`written to ${path.relative(process.cwd(), folder)}/${name}.{md,json}`);
}

async function measureStalledStreamsIfPresent(): Promise<StalledStreamsResult | null> {
  const dir = path.join(sharedDataDir, "tweets", "v1");
  if (!existsSync(dir)) {
    progress(`stalled streams skipped: no captures in ${dir}`);
    return null;
  }
  progress(`stalled streams: a replay of the captures with 0 and ${STALLED_CLIENTS} stalled /stream clients`);
  return measureStalledStreams(dir, STALLED_CLIENTS, STALLED_ROUNDS, progress);
}

/** The scenario's rows of the table: the ratio of the speeds, and the mesh process's RSS growth. */
function stalledStreamsLines(machine: Results["machine"], result: StalledStreamsResult | null): string[] {
  return tableLines(machine, stalledStreamsRows(result));
}

/** A table of results: the machine, then the header and `rows`. */
function tableLines(machine: Results["machine"], rows: string[]): string[] {
  return [
    `Measured ${machine.date.slice(0, 10)} on ${machine.cores} cores (${machine.cpus}), ${machine.memoryGb} GiB, Node ${machine.node}, RabbitMQ and Redis on the same machine.`,
    "",
    "| what | figure | baseline in the same run | ratio |",
    "|---|---|---|---|",
    ...rows,
  ];
}

function measureCost(): Promise<StatisticsCostResult> {
  progress(
    `statistics cost: a run of ${number(COST_SECONDS)} s at ${number(COST_MATCHES_PER_SECOND)} matched tweets/s, counted into Redis`,
  );
  return measureStatisticsCost(
    REDIS_URL,
    { seconds: COST_SECONDS, matchesPerSecond: COST_MATCHES_PER_SECOND, inFlight: COST_IN_FLIGHT },
    progress,
  );
}

function measureArchive(): Promise<ArchiveCostResult> {
  progress(`archive cost: the pipeline with the archive on (PostgreSQL) and off, ${ARCHIVE_ROUNDS} runs of each`);
  return measureArchiveCost(ARCHIVE_ROUNDS, TWEETS, progress);
}

/** The archive's rows: the pipeline's speed with it over without, its own rate, and its CPU. */
function archiveCostRows(cost: ArchiveCostResult): string[] {
  const speeds = (kind: "on" | "off") =>
    cost.runs
      .filter((run) => run.archive === kind)
      .map((run) => number(run.tweetsPerSecond))
      .join(", ");
  const work = cost.runs.flatMap((run) => (run.work ? [run.work] : []));
  const rows = work.map((done) => number(done.rows)).join(", ");
  const rates = work.map((done) => number(done.rowsPerSecond)).join(", ");
  const lags = work.map((done) => number(done.lagSeconds, 1)).join(", ");
  const idle = work.map((done) => number(done.workerIdleCpuPerSecond, 3)).join(", ");
  const rounds = cost.runs.length / 2;
  return [
    `| pipeline, 1 worker per service, with the archive (an archive worker, DATABASE_URL to a fresh PostgreSQL database), over without (medians of ${rounds} runs each, alternately) | on: ${number(cost.onMedian)} tweets/s (${speeds("on")}) | off: ${number(cost.offMedian)} tweets/s (${speeds("off")}) | ${ratio(cost.onMedian, cost.offMedian)} |`,
    `| … the archive's own rate: rows committed in archived_tweets over their \`archived_at\` span (median) | ${number(cost.rowsPerSecondMedian)} rows/s (${rates}; rows ${rows}; still writing after the pipeline drained: ${lags} s) | | |`,
    `| … CPU per 1,000 archived tweets (median): the archive worker's process (/proc/<pid>/stat), without what it uses idle (${idle} of a core), and PostgreSQL's backends of its pool | worker ${number(cost.workerCpuMsPer1000Median, 1)} ms, ${number(cost.workerBusyCpuMsPer1000Median, 1)} ms without idle; PostgreSQL ${number(cost.postgresCpuMsPer1000Median, 1)} ms | | |`,
    `| … CPU of every worker of the mesh per 1,000 examined tweets (median) | on: ${number(cost.meshCpuMsPer1000.on, 1)} ms | off: ${number(cost.meshCpuMsPer1000.off, 1)} ms | ${ratio(cost.meshCpuMsPer1000.on, cost.meshCpuMsPer1000.off)} |`,
    `| … CPU of RabbitMQ and Redis per 1,000 examined tweets (median; shared with whatever else runs on this machine) | on: ${number(cost.brokersCpuMsPer1000.on, 1)} ms | off: ${number(cost.brokersCpuMsPer1000.off, 1)} ms | ${ratio(cost.brokersCpuMsPer1000.on, cost.brokersCpuMsPer1000.off)} |`,
  ];
}

function waitCostRows(cost: WaitCostResult): string[] {
  const speeds = (kind: string) =>
    cost.runs
      .filter((run) => run.redis === kind)
      .map((run) => number(run.tweetsPerSecond))
      .join(", ");
  const rounds = cost.runs.filter((run) => run.redis === "cluster, WAIT 1").length;
  return [
    `| pipeline, 1 worker per service, on a local Redis Cluster (3 primaries, 3 replicas, AOF on): REDIS_MIN_REPLICAS 1 over 0 (medians of ${rounds} runs each, alternately) | WAIT 1: ${number(cost.waitMedian)} tweets/s (${speeds("cluster, WAIT 1")}) | WAIT 0: ${number(cost.noWaitMedian)} tweets/s (${speeds("cluster, WAIT 0")}) | ${ratio(cost.waitMedian, cost.noWaitMedian)} |`,
    `| … the same pipeline on the one Redis (REDIS_URL), for reference | ${number(cost.single)} tweets/s | | |`,
    `| … CPU of every worker per 1,000 examined tweets (median) | WAIT 1: ${number(cost.meshCpuMsPer1000.wait, 1)} ms | WAIT 0: ${number(cost.meshCpuMsPer1000.noWait, 1)} ms | ${ratio(cost.meshCpuMsPer1000.wait, cost.meshCpuMsPer1000.noWait)} |`,
    `| … CPU of RabbitMQ and every redis-server per 1,000 examined tweets (median) | WAIT 1: ${number(cost.brokersCpuMsPer1000.wait, 1)} ms | WAIT 0: ${number(cost.brokersCpuMsPer1000.noWait, 1)} ms | ${ratio(cost.brokersCpuMsPer1000.wait, cost.brokersCpuMsPer1000.noWait)} |`,
  ];
}

const mb = (bytes: number) => number(bytes / 2 ** 20, 1);

/** The firehose's average and Twitter's peak second (August 2013), tweets per second (issue #17). */
const FIREHOSE_AVERAGE = 5_700;
const TWITTER_PEAK = 143_199;

/** Cores each part needs at the firehose's average and at Twitter's peak, and where a one-core part saturates. */
function capacityRows(result: CapacityResult): string[] {
  const cores = (ms: number, rate: number) => number((ms * rate) / 1e6, 1);
  return [
    `| the pipeline on a local Redis Cluster, REDIS_MIN_REPLICAS 1, 1 worker per service: ${number(result.examined)} generated tweets, ${number(result.matched)} matched | ${number(result.tweetsPerSecond)} tweets/s | | |`,
    "| part (processes): CPU ms per 1,000 examined tweets | cores at 5,700 tweets/s | cores at 143,199 tweets/s | one core saturates at |",
    ...result.parts.map(
      (part) =>
        `| ${part.part} (${part.processes}): ${number(part.cpuMsPer1000, 1)} ms | ${cores(part.cpuMsPer1000, FIREHOSE_AVERAGE)} | ${cores(part.cpuMsPer1000, TWITTER_PEAK)} | ${part.oneCore ? `${number(1e6 / part.cpuMsPer1000)} tweets/s (one per run)` : "scales out"} |`,
    ),
    `| total: ${number(result.totalCpuMsPer1000, 1)} ms | ${cores(result.totalCpuMsPer1000, FIREHOSE_AVERAGE)} | ${cores(result.totalCpuMsPer1000, TWITTER_PEAK)} | |`,
  ];
}

/** A run's exactly-once state over event time: the plateau against the budget and the 0.2 layout. */
function dedupStateRows(result: DedupStateResult): string[] {
  const { options, samples } = result;
  const curve = samples.map((sample) => `${sample.eventMinutes} min ${mb(sample.bytes)}`).join(", ");
  const budget = DEDUP_BUDGET_MB * 2 ** 20;
  return [
    `| exactly-once state of a run at ${number(options.matchesPerSecond)} matched tweets/s, DEDUP_WINDOW ${number(options.windowSeconds)} s, ${options.minutes} min of event time (${number(result.matched)} matched tweets in ${number(result.batches)} batches, admitted and counted in ${number(result.elapsedSeconds)} s): the plateau once the window is full | ${mb(result.plateauBytes)} MB, ${number(result.bytesPerTweet, 1)} bytes per tweet in the window | budget ${DEDUP_BUDGET_MB} MB | ${ratio(result.plateauBytes, budget)} |`,
    `| … the state, MB, by minute of event time | ${curve} | | |`,
    `| … the 0.2 layout, one set of every admitted id (weighed over the first ${options.baselineMinutes} min): a 24-hour run | ${mb(result.baselineDayBytes)} MB, ${number(result.baselineBytesPerTweet, 1)} bytes per tweet | window: ${mb(result.plateauBytes)} MB | ${ratio(result.plateauBytes, result.baselineDayBytes)} |`,
  ];
}

/**
 * The cost of the statistics state: its memory by structure against the budget, the bound a real
 * stream's distinct values may reach, and the pipeline's speed with the state on over off.
 */
function statisticsCostRows(cost: StatisticsCostResult, state: StatisticsStateResult): string[] {
  const { series, runTop, windowsOfRealRun, windowsOfRealRunByWindow, windowsAliveNow, other } = cost;
  const budget = COST_BUDGET_MB * 2 ** 20;
  const distinct = Object.entries(runTop.distinct)
    .map(([field, count]) => `${field} ${number(count)}`)
    .join(", ");
  const byWindow = Object.entries(windowsOfRealRunByWindow)
    .map(([window, { keys, bytes }]) => `${window} ${mb(bytes)} MB in ${keys}`)
    .join(", ");
  const speeds = (kind: "on" | "off") =>
    state.runs
      .filter((run) => run.state === kind)
      .map((run) => number(run.tweetsPerSecond))
      .join(", ");
  return [
    `| statistics state of a run of ${number(cost.seconds)} s at ${number(cost.matches / cost.seconds)} matched tweets/s, ${cost.phrases} phrases: series, run top sets and the window buckets a real run keeps (${number(cost.matches)} matches of ${number(cost.examined)} generated tweets in ${number(cost.batches)} batches, counted in ${number(cost.elapsedSeconds)} s) | ${mb(cost.stateBytes)} MB | budget ${COST_BUDGET_MB} MB | ${ratio(cost.stateBytes, budget)} |`,
    `| … the series, 2 clocks × 4 resolutions, overall and per phrase | ${mb(series.bytes)} MB (${number(series.fields)} fields in ${series.keys} hashes) | | |`,
    `| … the run's top-value sets | ${mb(runTop.bytes)} MB (${runTop.keys} sets; distinct values: ${distinct}) | | |`,
    `| … the window buckets a real run keeps at its end, the newest of each window | ${mb(windowsOfRealRun.bytes)} MB (${number(windowsOfRealRun.keys)} sets: ${byWindow}); ${mb(windowsAliveNow.bytes)} MB (${number(windowsAliveNow.keys)} sets) still alive after the compressed simulation, whose TTLs run in real time | | |`,
    `| the run's other keys: hash, phrase counts, counted batch ids (outside the budget) | ${mb(other.bytes)} MB | | |`,
    `| bound: a real stream whose distinct ${OPEN_ENDED_FIELDS.join(", ")} fill every set to where it is trimmed | ${mb(cost.boundBytes)} MB (a run set of ${number(cost.fullRunSet.values)} values ${mb(cost.fullRunSet.bytes)} MB, a window bucket of ${number(cost.fullBucketSet.values)} ${mb(cost.fullBucketSet.bytes)} MB) | budget ${COST_BUDGET_MB} MB | ${ratio(cost.boundBytes, budget)} |`,
    `| pipeline, 1 worker per service, statistics state on, over \`STATISTICS_STATE=off\` (medians of ${state.runs.length / 2} runs each, alternately) | on: ${number(state.onMedian)} tweets/s (${speeds("on")}) | off: ${number(state.offMedian)} tweets/s (${speeds("off")}) | ${ratio(state.onMedian, state.offMedian)} |`,
  ];
}

function stalledStreamsRows(result: StalledStreamsResult | null): string[] {
  if (!result) return ["| replay with stalled /stream clients | skipped: no captures | | |"];
  const { none, stalled } = result;
  const growth = (run: StalledStreamsResult["none"]) => `${run.rssBeforeMb} → ${run.rssAfterMb} MB`;
  return [
    `| one-process mesh, replay of ${number(result.tweets)} real tweets with ${number(result.stalledClients)} stalled /stream clients (best of ${result.runs.length / 2}) | ${number(stalled.tweetsPerSecond)} tweets/s (${stalled.seconds.toFixed(1)} s, amount ${number(stalled.amount)}) | no /stream client: ${number(none.tweetsPerSecond)} tweets/s (${none.seconds.toFixed(1)} s, amount ${number(none.amount)}) | ${ratio(stalled.tweetsPerSecond, none.tweetsPerSecond)} |`,
    `| RSS of the one-process mesh, before the clients and at the end of the replay | ${growth(stalled)} with ${number(result.stalledClients)} stalled clients | ${growth(none)} without | |`,
  ];
}

function readCapturesIfPresent(): MatcherResult | null {
  const dir = path.join(sharedDataDir, "tweets", "v1");
  try {
    return measureMatcher(readCaptures(dir), 400);
  } catch (error) {
    progress(`matcher skipped: no captures in ${dir} (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}

/** A batch as the launcher sends it: the baseline moves messages of the same size. */
function generatedBatch() {
  const generator = new TweetGenerator({ rate: 0, seed: 7, epoch: Date.now() });
  const items = Array.from({ length: BATCH_SIZE }, (_, index) => ({
    kind: "tweet" as const,
    tweet: Tweet.parse(generator.tweetAt(index)),
  }));
  return tweetBatch("bench-run", 0, items);
}

async function measureRpc(): Promise<RpcResult[]> {
  const cluster = new ProcessCluster({ GENERATOR_RATE: "2000", LOG_LEVEL: "warn" });
  try {
    await cluster.up({ api: 1, launcher: 1, filter: 1, statistics: 1, timeline: 1 });
    await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: BENCH_TRACK, max_tweets: 100 }));
    await eventually(
      () => request<{ running: boolean; streaming: boolean }>(`${cluster.url}/statistics`),
      (a) => !a.body.running && !a.body.streaming,
      60000,
      "a finished run",
    );
    const body = JSON.stringify((await request(`${cluster.url}/statistics`)).body);
    // A second gateway, on a port of its own, calls statistics.get once per request: the gateway's own cost.
    const plainPort = cluster.port + 1;
    const plain = cluster.start("api", { PORT: String(plainPort), READ_COALESCING: "false" });
    await cluster.ready(plain);
    const gateway = await measureHttp(
      "GET /statistics through the gateway",
      `${cluster.url}/statistics`,
      CONCURRENCY,
      SECONDS,
    );
    const uncoalesced = await measureHttp(
      "GET /statistics through a gateway without read coalescing",
      `http://127.0.0.1:${plainPort}/statistics`,
      CONCURRENCY,
      SECONDS,
    );
    const direct = await measureDirect(await cluster.connectClient(), "statistics.get", CONCURRENCY, SECONDS);
    const bare = await measureBareHttp(body, CONCURRENCY, SECONDS);
    return [gateway, direct, bare, uncoalesced];
  } finally {
    await cluster.stop();
  }
}

const number = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a");

/** The largest change of a worker's RSS between half-way and the end of a run, e.g. `+3 MB (timeline-1)`. */
function rssGrowth(run: ThroughputResult): string {
  const changes = Object.entries(run.endRssMb).map(
    ([worker, end]) => [worker, end - (run.halfwayRssMb[worker] ?? end)] as const,
  );
  const [worker, change] = changes.reduce((most, next) => (Math.abs(next[1]) > Math.abs(most[1]) ? next : most), [
    "none",
    0,
  ] as const);
  return `${change >= 0 ? "+" : ""}${change} MB at most (${worker})`;
}

function renderTable(results: Results): string {
  const {
    machine,
    throughput,
    baseline,
    latency,
    rpc,
    matcher,
    stalledStreams,
    statisticsState,
    statisticsCost,
    archiveCost,
  } = results;
  const [gateway, direct, bare, uncoalesced] = rpc;
  const lines = tableLines(machine, [
    ...throughput.map(
      (run) =>
        `| pipeline, ${run.layout}: ${number(run.tweets)} generated tweets, durable, end to end | ${number(run.tweetsPerSecond)} tweets/s | raw amqplib, same ${number(baseline.messages)} messages of ${number(baseline.bytesPerMessage / 1024)} KiB through the same durable hops: ${number(baseline.tweetsPerSecond)} tweets/s | ${ratio(run.tweetsPerSecond, baseline.tweetsPerSecond)} |`,
    ),
    `| ingest to counted at ${number(latency.offeredRate)} tweets/s offered | p50 ${number(latency.p50Ms, 1)} ms, p99 ${number(latency.p99Ms, 1)} ms | | |`,
    gateway && direct
      ? `| ${gateway.what}, ${CONCURRENCY} concurrent | ${number(gateway.requestsPerSecond)} req/s, p50 ${number(gateway.p50Ms, 1)} ms, p99 ${number(gateway.p99Ms, 1)} ms | ${direct.what}: ${number(direct.requestsPerSecond)} req/s, p99 ${number(direct.p99Ms, 1)} ms | ${ratio(gateway.requestsPerSecond, direct.requestsPerSecond)} |`
      : "",
    uncoalesced && direct
      ? `| ${uncoalesced.what}, ${CONCURRENCY} concurrent | ${number(uncoalesced.requestsPerSecond)} req/s, p50 ${number(uncoalesced.p50Ms, 1)} ms, p99 ${number(uncoalesced.p99Ms, 1)} ms | ${direct.what}: ${number(direct.requestsPerSecond)} req/s | ${ratio(uncoalesced.requestsPerSecond, direct.requestsPerSecond)} |`
      : "",
    gateway && bare
      ? `| ${gateway.what} | | ${bare.what}: ${number(bare.requestsPerSecond)} req/s, p99 ${number(bare.p99Ms, 1)} ms | ${ratio(gateway.requestsPerSecond, bare.requestsPerSecond)} |`
      : "",
    matcher
      ? `| matcher, ${matcher.phrases} phrases, one core, ${number(matcher.tweets)} real tweets | ${number(matcher.overall)} tweets/s (slowest capture ${number(Math.min(...Object.values(matcher.perCapture)))}) | | |`
      : "| matcher | skipped: no captures | | |",
    `| peak RSS per worker (throughput runs) | ${throughput.map((run) => `${Math.max(...Object.values(run.peakRssMb))} MB max (${run.layout})`).join("; ")} | | |`,
    `| RSS growth per worker from half-way to the end of a throughput run | ${throughput.map((run) => `${rssGrowth(run)} (${run.layout})`).join("; ")} | | |`,
    ...stalledStreamsRows(stalledStreams),
    ...statisticsCostRows(statisticsCost, statisticsState),
    ...archiveCostRows(archiveCost),
    "",
  ]);
  return lines.filter((line, index) => line !== "" || index === 1 || index === lines.length - 1).join("\n");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
