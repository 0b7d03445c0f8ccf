import { Client } from "pg";
import type { ProcessCluster, Worker } from "../test/support/cluster";
import { TestDatabase } from "../test/support/database";
import { eventually } from "../test/support/mesh";
import {
  cpuSeconds,
  measureThroughput,
  median,
  ONE_WORKER_PER_SERVICE,
  pidsOf,
  type Layout,
  type RunObserver,
} from "./pipeline";

/**
 * What the archive (issue #16) costs the pipeline: the 1-worker-per-service run with an archive worker
 * and DATABASE_URL to a fresh database, beside the same run without either, alternately. The archive
 * worker runs in a process of its own (as every worker of the bench does), so its CPU is read from
 * /proc/<pid>/stat; PostgreSQL's share is its backends' for the bench's database.
 */

/** What the archive did in one run with it on. */
export interface ArchiveWork {
  /** Rows in archived_tweets once the archive worker settled every match batch. */
  rows: number;
  /** From the first batch's transaction to the last one's (their `archived_at`), seconds. */
  seconds: number;
  rowsPerSecond: number;
  /** Seconds the archive went on writing after the pipeline drained: 0 when it kept up. */
  lagSeconds: number;
  /** The archive worker's CPU time from `/launch` to its last batch settled, seconds. */
  workerCpuSeconds: number;
  /** What it uses idle (heartbeats, discovery, metrics), CPU seconds per second, read before `/launch`. */
  workerIdleCpuPerSecond: number;
  /** Seconds from `/launch` to its last batch settled: the idle share of `workerCpuSeconds` is this times the rate. */
  workerSeconds: number;
  /** The same of the PostgreSQL backends serving the bench's database (its pool's connections). */
  postgresCpuSeconds: number;
}

export interface ArchiveRun {
  archive: "on" | "off";
  tweetsPerSecond: number;
  examined: number;
  matched: number;
  /** CPU time of every worker of the mesh from `/launch` to drained (the archive's to its end), seconds. */
  meshCpuSeconds: number;
  /** The same of RabbitMQ and Redis, which other programs of this machine may be using meanwhile. */
  brokersCpuSeconds: number;
  work: ArchiveWork | null;
}

export interface ArchiveCostResult {
  /** Every run, in the order they ran: archive on and off alternately, on first. */
  runs: ArchiveRun[];
  onMedian: number;
  offMedian: number;
  /** On over off: what the archive leaves of the pipeline's speed (issue #16: at least 0.9). */
  ratio: number;
  rowsPerSecondMedian: number;
  /** The archive worker's CPU per 1,000 archived tweets (rows), milliseconds. */
  workerCpuMsPer1000Median: number;
  /** The same without what it would have used idle over the run. */
  workerBusyCpuMsPer1000Median: number;
  postgresCpuMsPer1000Median: number;
  /** The whole mesh's CPU per 1,000 examined tweets, with the archive and without: a check of the above. */
  meshCpuMsPer1000: { on: number; off: number };
  /** RabbitMQ's and Redis's CPU per 1,000 examined tweets: the archive's queue is a third one behind the matches exchange. */
  brokersCpuMsPer1000: { on: number; off: number };
}

/** Seconds the archive worker's idle CPU is read for, before `/launch`. */
const IDLE_SECONDS = 3;

const WITH_ARCHIVE: Layout = { ...ONE_WORKER_PER_SERVICE, archive: 1 };

export async function measureArchiveCost(
  rounds: number,
  tweets: number,
  progress: (line: string) => void,
): Promise<ArchiveCostResult> {
  const runs: ArchiveRun[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const archive of ["on", "off"] as const) {
      const name = `archive ${archive}, round ${round + 1} of ${rounds}`;
      progress(`pipeline, 1 worker per service, ${name}`);
      runs.push(
        archive === "on" ? await runWithArchive(name, tweets, progress) : await runWithout(name, tweets, progress),
      );
    }
  }
  const on = runs.filter((run) => run.archive === "on");
  const off = runs.filter((run) => run.archive === "off");
  const work = on.flatMap((run) => (run.work ? [run.work] : []));
  const per1000 = (cpu: number, count: number) => (cpu * 1_000_000) / count;
  const onMedian = median(on.map((run) => run.tweetsPerSecond));
  const offMedian = median(off.map((run) => run.tweetsPerSecond));
  return {
    runs,
    onMedian,
    offMedian,
    ratio: onMedian / offMedian,
    rowsPerSecondMedian: median(work.map((done) => done.rowsPerSecond)),
    workerCpuMsPer1000Median: median(work.map((done) => per1000(done.workerCpuSeconds, done.rows))),
    workerBusyCpuMsPer1000Median: median(
      work.map((done) => per1000(done.workerCpuSeconds - done.workerIdleCpuPerSecond * done.workerSeconds, done.rows)),
    ),
    postgresCpuMsPer1000Median: median(work.map((done) => per1000(done.postgresCpuSeconds, done.rows))),
    meshCpuMsPer1000: {
      on: median(on.map((run) => per1000(run.meshCpuSeconds, run.examined))),
      off: median(off.map((run) => per1000(run.meshCpuSeconds, run.examined))),
    },
    brokersCpuMsPer1000: {
      on: median(on.map((run) => per1000(run.brokersCpuSeconds, run.examined))),
      off: median(off.map((run) => per1000(run.brokersCpuSeconds, run.examined))),
    },
  };
}

async function runWithout(name: string, tweets: number, progress: (line: string) => void): Promise<ArchiveRun> {
  const cpu = runCpu();
  const run = await measureThroughput(name, ONE_WORKER_PER_SERVICE, tweets, progress, {}, cpu.observer);
  return {
    archive: "off",
    tweetsPerSecond: run.tweetsPerSecond,
    examined: run.tweets,
    matched: run.matched,
    ...cpu.used(),
    work: null,
  };
}

async function runWithArchive(name: string, tweets: number, progress: (line: string) => void): Promise<ArchiveRun> {
  const database = await TestDatabase.create();
  const client = new Client({ connectionString: database.url });
  try {
    await client.connect();
    const cpu = runCpu();
    let work: ArchiveWork | null = null;
    let idle = Number.NaN;
    let before = { cpu: Number.NaN, at: 0 };
    const archiveCpu = (cluster: ProcessCluster) => cpuSeconds(archiveWorker(cluster).process.pid);
    const observer: RunObserver = {
      launching: async (cluster) => {
        const idleFrom = archiveCpu(cluster);
        await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
        idle = (archiveCpu(cluster) - idleFrom) / IDLE_SECONDS;
        await cpu.observer.launching?.(cluster);
        before = { cpu: archiveCpu(cluster), at: performance.now() };
      },
      drained: async (cluster, final) => {
        const drainedAt = Date.now() / 1000;
        await archiveSettled(cluster);
        work = {
          ...(await archivedRows(client, drainedAt)),
          workerCpuSeconds: archiveCpu(cluster) - before.cpu,
          workerIdleCpuPerSecond: idle,
          workerSeconds: (performance.now() - before.at) / 1000,
          postgresCpuSeconds: await backendsCpu(client),
        };
        await cpu.observer.drained?.(cluster, final);
      },
    };
    const run = await measureThroughput(name, WITH_ARCHIVE, tweets, progress, { DATABASE_URL: database.url }, observer);
    return {
      archive: "on",
      tweetsPerSecond: run.tweetsPerSecond,
      examined: run.tweets,
      matched: run.matched,
      ...cpu.used(),
      work,
    };
  } finally {
    await client.end().catch(() => undefined);
    await database.drop();
  }
}

/**
 * The CPU time every worker of a run used between `/launch` and the end of the run's `drained`, and
 * that of RabbitMQ and Redis, found by their process names.
 */
export function runCpu(): {
  observer: RunObserver;
  used: () => Pick<ArchiveRun, "meshCpuSeconds" | "brokersCpuSeconds">;
} {
  const read = (cluster: ProcessCluster) => ({
    mesh: cluster.workers.reduce((sum, worker) => sum + cpuSeconds(worker.process.pid), 0),
    brokers: pidsOf(BROKER_COMMANDS).reduce((sum, pid) => sum + cpuSeconds(pid), 0),
  });
  let before = { mesh: 0, brokers: 0 };
  let after = { mesh: 0, brokers: 0 };
  return {
    observer: {
      launching: async (cluster) => void (before = read(cluster)),
      drained: async (cluster) => void (after = read(cluster)),
    },
    used: () => ({ meshCpuSeconds: after.mesh - before.mesh, brokersCpuSeconds: after.brokers - before.brokers }),
  };
}

/** RabbitMQ's Erlang VM and Redis on this machine: their /proc entries' command names. */
const BROKER_COMMANDS = ["beam.smp", "redis-server"];

function archiveWorker(cluster: ProcessCluster): Worker {
  const worker = cluster.workers.find((candidate) => candidate.service === "archive");
  if (!worker) throw new Error("the run has no archive worker");
  return worker;
}

/**
 * Waits until the archive worker settled as many match batches as the statistics worker, which has
 * settled them all once the pipeline drained: both queues are bound to the same fanout.
 */
async function archiveSettled(cluster: ProcessCluster): Promise<void> {
  const statisticsWorker = cluster.workers.find((worker) => worker.service === "statistics");
  if (!statisticsWorker) throw new Error("the run has no statistics worker");
  const batches = (await cluster.pipelineCounts(statisticsWorker))["statistics.handled"] ?? 0;
  await eventually(
    async () => (await cluster.pipelineCounts(archiveWorker(cluster)))["archive.handled"] ?? 0,
    (archived) => archived >= batches,
    300_000,
    `the archive to settle ${batches} match batches`,
  );
}

async function archivedRows(
  client: Client,
  drainedAt: number,
): Promise<Pick<ArchiveWork, "rows" | "seconds" | "rowsPerSecond" | "lagSeconds">> {
  const { rows } = await client.query<{ rows: string; first: number; last: number }>(
    `SELECT count(*) AS rows, extract(epoch FROM min(archived_at))::float8 AS first,
            extract(epoch FROM max(archived_at))::float8 AS last
       FROM archived_tweets`,
  );
  const figures = rows[0];
  const count = Number(figures?.rows ?? 0);
  const seconds = (figures?.last ?? 0) - (figures?.first ?? 0);
  return {
    rows: count,
    seconds,
    rowsPerSecond: seconds > 0 ? count / seconds : Number.NaN,
    lagSeconds: Math.max(0, (figures?.last ?? 0) - drainedAt),
  };
}

/**
 * CPU time of the PostgreSQL backends connected to the bench's database, but this one's: the archive
 * worker's pool, whose connections were opened in this run (the timeline worker opens none without
 * reads). PostgreSQL runs on this machine, so its backends' /proc entries are readable.
 */
async function backendsCpu(client: Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  return rows.reduce((sum, row) => sum + cpuSeconds(row.pid), 0);
}
