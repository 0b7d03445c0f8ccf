import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import type { RunStatistics } from "../../contracts/actions";
import { pipelineTopology } from "../../pipeline/topology";
import { expectReplay, v1CaptureDir, v1CapturesPresent } from "../support/captures";
import { ProcessCluster, serverBuilt } from "../support/cluster";
import { AMQP_URL, curlPost, eventually, request, wholeTimeline } from "../support/mesh";

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const drained = (figures: RunStatistics) => !figures.running && !figures.streaming && figures.examined >= figures.published && figures.published > 0;

const ready = v1CapturesPresent() && serverBuilt();
if (!ready) console.warn(`restart tests skipped: they need the captures in ${v1CaptureDir} and a built server`);
const describeReady = ready ? describe : describe.skip;

/** A Redis of the test's own that keeps its data on disk, so that it can restart with it. */
class DurableRedis {
  readonly port = 30000 + Math.floor(Math.random() * 20000);
  private readonly dir = mkdtempSync(path.join(tmpdir(), "tweetmesh-redis-"));
  private server: ChildProcess | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""], { stdio: "ignore" });
    await eventually(async () => this.ping(), (ok) => ok, 10000, "the test's Redis");
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
      return execFileSync("redis-cli", ["-p", String(this.port), "ping"]).toString().trim() === "PONG";
    } catch {
      return false;
    }
  }
}

describeReady("the broker and the database restarting mid-run", () => {
  jest.setTimeout(180_000);

  const expected = ready ? expectReplay(CAPTURE, TRACK) : null;
  const env = { STREAM_SOURCE: "replay", REPLAY_FILE: expected?.file ?? "", REPLAY_RATE: "300", BATCH_SIZE: "20", TIMELINE_CAP: "5000" };

  async function replayWith(cluster: ProcessCluster, interrupt: () => Promise<void>): Promise<void> {
    if (!expected) return;
    const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
    expect((await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }))).status).toBe(200);
    await eventually(statistics, (figures) => figures.published >= 500, 30000, "tweets flowing");
    await interrupt();
    const final = await eventually(() => statistics().catch(() => ({}) as RunStatistics), drained, 120000, "the replay to end and drain");
    expect(final).toMatchObject({ end_reason: "source_exhausted", published: expected.tweets, amount: expected.matched.length });
    expect(final.per_phrase).toEqual(expected.perPhrase);
    const timeline = await eventually(() => wholeTimeline(cluster.url).catch(() => []), (ids) => ids.length >= expected.shown.length, 60000, "the timeline to fill");
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
        await sleep(2000);
        execFileSync("rabbitmqctl", ["start_app"], { stdio: "ignore" });
        await eventually(async () => (await amqp.connect(AMQP_URL).then((c) => c.close().then(() => true))).valueOf(), (up) => up, 60000, "RabbitMQ back").catch(() => undefined);
      });
      for (const worker of cluster.workers.filter((w) => w.service !== "api")) expect(worker.log()).toMatch(/Pipeline connection lost; reconnecting/);
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
        await sleep(2000);
        await redis.start();
      });
      expect(cluster.workers.some((w) => /Redis redis:\/\/127\.0\.0\.1:\d+ reachable again/.test(w.log()))).toBe(true);
    } finally {
      await cluster.stop();
      await redis.remove();
    }
  });

  it("backpressure: a full queue holds the source back; a launcher stopped meanwhile loses nothing", async () => {
    if (!expected) return;
    const cluster = new ProcessCluster({ ...env, REPLAY_RATE: "0", QUEUE_MAX_LENGTH: "5" });
    try {
      await cluster.up({ api: 1, launcher: 1, statistics: 1, timeline: 1 });
      const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
      expect((await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }))).status).toBe(200);
      await sleep(3000);
      const held = await statistics();
      // Quorum queues apply x-max-length loosely: a batch or two past it may get in.
      const depth = await queueDepth(pipelineTopology(cluster.namespace).queues.filter);
      expect(depth).toBeLessThanOrEqual(5 + 2);
      expect(held.published).toBeLessThanOrEqual((5 + 2) * 20);
      expect(held.streaming).toBe(true);
      await sleep(1000);
      expect((await statistics()).published).toBe(held.published);

      // Its last batch can never be confirmed while the queue is full: it gives up after the grace
      // time, and the next launcher sends it again.
      const stuck = cluster.workers.find((w) => w.service === "launcher");
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

async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}
