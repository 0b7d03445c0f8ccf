import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import type { RunStatistics } from "../../contracts/actions";
import { pipelineTopology } from "../../pipeline/topology";
import { captureFile, replayExpectation, v1CaptureDir, v1CapturesPresent } from "../support/captures";
import { ProcessCluster, serverBuilt, type Worker } from "../support/cluster";
import { AMQP_URL, curlPost, eventually, request, wholeTimeline } from "../support/mesh";
import { queueDepth } from "../support/queues";
import { drained, expectExactReplayEnd } from "../support/statistics";
import { randomPort } from "../support/ports";

const TRACK = ["love", "the", "que", "lol"];
const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";

function commandExists(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether every worker of the pipeline (the gateway has no pipeline connection) logged a line matching `pattern`. */
const allPipelineWorkersLogged = (workers: readonly Worker[], pattern: RegExp): boolean =>
  workers.filter((worker) => worker.service !== "api").every((worker) => pattern.test(worker.log()));

/** How many times the broker refused a publish of the same batch because its queue was full (a debug line). */
function refusalsOfOneBatch(worker: Worker | undefined): number {
  const counts = new Map<string, number>();
  for (const [, batch = ""] of (worker?.log() ?? "").matchAll(/Publish of (\S+) to \S+ refused: queue full/g))
    counts.set(batch, (counts.get(batch) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

const ready = v1CapturesPresent() && serverBuilt();
if (!ready) console.warn(`restart tests skipped: they need the captures in ${v1CaptureDir} and a built server`);
const describeReady = ready ? describe : describe.skip;

/** A Redis of the test's own that keeps its data on disk, so that it can restart with it. */
class DurableRedis {
  readonly port = randomPort("redis");
  private readonly dir = mkdtempSync(path.join(tmpdir(), "tweetmesh-redis-"));
  private server: ChildProcess | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
      ],
      { stdio: "ignore" },
    );
    await eventually(
      async () => this.ping(),
      (ok) => ok,
      10000,
      "the test's Redis",
    );
  }

  /** SHUTDOWN writes what it holds; the next start reads it back. */
  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.server?.once("exit", resolve));
    execFileSync("redis-cli", ["-p", String(this.port), "shutdown"], { stdio: "ignore" });
    await exited;
  }

  async remove(): Promise<void> {
    if (this.server?.exitCode === null) await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private ping(): boolean {
    try {
      return (
        execFileSync("redis-cli", ["-p", String(this.port), "ping"])
          .toString()
          .trim() === "PONG"
      );
    } catch {
      return false;
    }
  }
}

describeReady("the broker and the database restarting mid-run", () => {
  jest.setTimeout(180_000);

  const expectation = replayExpectation(CAPTURE, TRACK);
  const env = {
    STREAM_SOURCE: "replay",
    REPLAY_FILE: captureFile(CAPTURE),
    REPLAY_RATE: "300",
    BATCH_SIZE: "20",
    TIMELINE_CAP: "5000",
  };

  async function replayWith(cluster: ProcessCluster, interrupt: () => Promise<void>): Promise<void> {
    const expected = expectation();
    const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
    expect((await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }))).status).toBe(200);
    await eventually(statistics, (figures) => figures.published >= 500, 30000, "tweets flowing");
    await interrupt();
    await expectExactReplayEnd(statistics, expected);
    const timeline = await eventually(
      () => wholeTimeline(cluster.url).catch(() => []),
      (ids) => ids.length >= expected.shown.length,
      60000,
      "the timeline to fill",
    );
    expect(new Set(timeline)).toEqual(new Set(expected.shown.map((tweet) => tweet.id)));
    expect(timeline).toHaveLength(expected.shown.length);
  }

  const withRabbitmqctl = commandExists("rabbitmqctl") ? it : it.skip;
  withRabbitmqctl("RabbitMQ restarts: every worker reconnects, the run goes on, counts stay exact", async () => {
    const cluster = new ProcessCluster(env);
    try {
      await cluster.up({ api: 1, launcher: 1, filter: 2, statistics: 1, timeline: 1 });
      await replayWith(cluster, async () => {
        execFileSync("rabbitmqctl", ["stop_app"], { stdio: "ignore" });
        // Down until every pipeline worker has lost its connection and failed to reconnect at least once.
        const sawItGone = async () =>
          allPipelineWorkersLogged(
            cluster.workers,
            /Pipeline connection lost; reconnecting[\s\S]*Pipeline broker \S+ unreachable/,
          );
        await eventually(sawItGone, (all) => all, 60000, "every pipeline worker to see RabbitMQ gone");
        execFileSync("rabbitmqctl", ["start_app"], { stdio: "ignore" });
        const connects = () =>
          amqp.connect(AMQP_URL).then(
            (connection) => connection.close().then(() => true),
            () => false,
          );
        await eventually(connects, (up) => up, 60000, "RabbitMQ to accept connections again");
      });
      for (const worker of cluster.workers.filter((w) => w.service !== "api"))
        expect(worker.log()).toMatch(/Pipeline connection lost; reconnecting/);
    } finally {
      await cluster.stop();
    }
  });

  const withRedis = commandExists("redis-server") && commandExists("redis-cli") ? it : it.skip;
  withRedis("Redis restarts: every worker reconnects, the run goes on, counts stay exact", async () => {
    const redis = new DurableRedis();
    await redis.start();
    const cluster = new ProcessCluster(env, redis.url);
    try {
      await cluster.up({ api: 1, launcher: 1, filter: 2, statistics: 1, timeline: 1 });
      await replayWith(cluster, async () => {
        await redis.stop();
        // Down until a worker has seen it gone.
        const sawItGone = async () =>
          cluster.workers.some((w) => /Redis redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL\) unreachable/.test(w.log()));
        await eventually(sawItGone, (some) => some, 60000, "a worker to see Redis gone");
        await redis.start();
      });
      expect(cluster.workers.some((w) => /Redis redis:\/\/127\.0\.0\.1:\d+ reachable again/.test(w.log()))).toBe(true);
    } finally {
      await cluster.stop();
      await redis.remove();
    }
  });

  it("backpressure: a full queue holds the source back; a launcher stopped meanwhile loses nothing", async () => {
    // At debug level the launcher logs each publish the full queue refuses: the test waits for those.
    const expected = expectation();
    const cluster = new ProcessCluster({ ...env, REPLAY_RATE: "0", QUEUE_MAX_LENGTH: "5", LOG_LEVEL: "debug" });
    try {
      await cluster.up({ api: 1, launcher: 1, statistics: 1, timeline: 1 });
      const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
      expect((await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }))).status).toBe(200);
      const launcher = () => cluster.workers.find((w) => w.service === "launcher");
      // One batch is in flight at a time: once the broker refused it, nothing more is published.
      const refusals = async () => refusalsOfOneBatch(launcher());
      await eventually(refusals, (count) => count >= 3, 60000, "the full queue to refuse a batch");
      const held = await statistics();
      // Quorum queues apply x-max-length loosely: a batch or two past it may get in.
      const depth = await queueDepth(pipelineTopology(cluster.namespace).queues.filter);
      expect(depth).toBeLessThanOrEqual(5 + 2);
      expect(held.published).toBeLessThanOrEqual((5 + 2) * 20);
      expect(held.streaming).toBe(true);
      await eventually(
        refusals,
        (count) => count >= 7,
        60000,
        "the full queue to refuse the same batch several times more",
      );
      expect((await statistics()).published).toBe(held.published);

      // Its last batch can never be confirmed while the queue is full: it gives up after the grace
      // time, and the next launcher sends it again.
      const stuck = launcher();
      const started = Date.now();
      expect(stuck && (await cluster.kill(stuck, "SIGTERM"))).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(stuck?.log()).toMatch(/the next holder resends it/);

      cluster.start("launcher");
      cluster.start("filter");
      const final = await eventually(statistics, drained, 120000, "the replay to end and drain");
      expect(final).toMatchObject({ published: expected.tweets, amount: expected.matched.length });
    } finally {
      await cluster.stop();
    }
  });
});
