import calculateSlot from "cluster-key-slot";
import { z } from "zod";
import type { RunStatistics } from "../../contracts/actions";
import { pipelineTopology } from "../../pipeline/topology";
import { expectReplay, v1CapturesPresent } from "../support/captures";
import { ProcessCluster, serverBuilt } from "../support/cluster";
import {
  CLUSTER_START_MS,
  CLUSTER_STOP_MS,
  type LocalRabbitmqCluster,
  rabbitmqInstalled,
  startLocalRabbitmqCluster,
} from "../support/local-rabbitmq-cluster";
import { type LocalRedisCluster, redisClusterMissing, startLocalRedisCluster } from "../support/local-redis-cluster";
import { curlPost, eventually, request, wholeTimeline } from "../support/mesh";

/**
 * Issue #17, end to end: a real capture replayed through the mesh, as separate worker processes, on a
 * 3-node RabbitMQ cluster and a Redis Cluster of 3 primaries and 3 replicas. Mid-run the RabbitMQ node
 * leading the pipeline's queues is killed with SIGKILL, later the Redis primary holding the runs' slot
 * (its replica takes over; the node is then started again and comes back as a replica, so that the
 * workers' WAIT for one replica is met again). The final figures equal the reference matcher's count
 * exactly, and the timeline holds each matched, undeleted tweet once.
 */

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const TRACK = ["love", "the", "que", "lol", "follow me", "ff"];
/** Tweets a second: the 2,950 of the capture take about 75 s, time for both kills mid-run. */
const REPLAY_RATE = 40;

const missing = [
  ...(rabbitmqInstalled() ? [] : ["rabbitmq-server not installed"]),
  ...[redisClusterMissing()].filter((reason) => reason !== null),
  ...(v1CapturesPresent() ? [] : ["no v1.1 captures (set SHARED_DATA)"]),
  ...(serverBuilt() ? [] : ["the server is not built (make build)"]),
];
const describeRunnable = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`cluster replay test skipped: ${missing.join("; ")}`);

const QueueLeaders = z.array(z.object({ name: z.string(), leader: z.string() }));
/** CLUSTER SLOTS: [start, end, [host, port, id], ...replicas]. */
const SlotRanges = z.array(
  z.tuple([z.number(), z.number(), z.tuple([z.string(), z.number()]).rest(z.unknown())]).rest(z.unknown()),
);

describeRunnable("a replay on a RabbitMQ cluster and a Redis Cluster, a node of each killed mid-run", () => {
  let rabbit: LocalRabbitmqCluster | null = null;
  let redis: LocalRedisCluster | null = null;
  let mesh: ProcessCluster | null = null;

  beforeAll(async () => {
    [rabbit, redis] = await Promise.all([startLocalRabbitmqCluster(), startLocalRedisCluster()]);
  }, CLUSTER_START_MS + 30_000);

  afterAll(async () => {
    await mesh?.stop();
    await Promise.all([rabbit?.stop(), redis?.stop()]);
  }, CLUSTER_STOP_MS + 30_000);

  it(
    "counts exactly the matching tweets, and the timeline holds each undeleted one once",
    async () => {
      if (!rabbit || !redis) throw new Error("no clusters");
      const expected = expectReplay(CAPTURE, TRACK);
      mesh = new ProcessCluster({
        TRANSPORTER: rabbit.urls.join(","),
        PIPELINE_URL: rabbit.urls.join(","),
        REDIS_CLUSTER_NODES: redis.nodes.join(","),
        STREAM_SOURCE: "replay",
        REPLAY_FILE: expected.file,
        REPLAY_RATE: String(REPLAY_RATE),
        BATCH_SIZE: "50",
        TIMELINE_CAP: "5000",
      });
      const { url, namespace } = mesh;
      await mesh.up({ api: 1, launcher: 1, filter: 2, statistics: 2, timeline: 1 });
      const statistics = () =>
        request<RunStatistics>(`${url}/statistics`).then(
          (answer) => answer.body,
          () => null,
        );
      const published = (share: number) =>
        eventually(
          statistics,
          (figures) => (figures?.published ?? 0) >= share * expected.tweets,
          120_000,
          `${share * 100}% of the capture to be published`,
        );

      expect((await curlPost(`${url}/launch`, JSON.stringify({ track: TRACK }))).status).toBe(200);

      // The RabbitMQ node leading the filter queue (all pipeline queues were declared on one node).
      await published(0.15);
      const queues = QueueLeaders.parse(
        JSON.parse(
          await rabbit.ctl("-q", "-n", rabbit.nodes[0] ?? "", "list_queues", "name", "leader", "--formatter", "json"),
        ),
      );
      const leader = queues.find((queue) => queue.name === pipelineTopology(namespace).queues.filter)?.leader;
      const leaderIndex = rabbit.nodes.indexOf(leader ?? "");
      expect(leaderIndex).toBeGreaterThanOrEqual(0);
      process.kill((await rabbit.pids())[leaderIndex] ?? 0, "SIGKILL");
      // Moleculer's request queues are classic, each on its home node: that node must come back.
      const rabbitBack = rabbit.restart();

      // The Redis primary of the runs' slot ({<namespace>}): every admission and count goes there.
      await published(0.55);
      const admin = redis.client();
      try {
        const slot = calculateSlot(`{${namespace}}:run:current`);
        const primaryOf = async () => {
          const ranges = SlotRanges.parse(await admin.cluster("SLOTS"));
          const range = ranges.find(([start, end]) => start <= slot && slot <= end);
          return range ? `127.0.0.1:${range[2][1]}` : null;
        };
        const primary = await primaryOf();
        const primaryIndex = redis.nodes.indexOf(primary ?? "");
        expect(primaryIndex).toBeGreaterThanOrEqual(0);
        process.kill((await redis.pids())[primaryIndex] ?? 0, "SIGKILL");
        await eventually(
          () => primaryOf().catch(() => primary),
          (now) => now !== null && now !== primary,
          60_000,
          "the replica to take over the runs' slot",
        );
      } finally {
        admin.disconnect();
      }
      await redis.restart();
      await rabbitBack;

      const final = await eventually(
        statistics,
        (figures) =>
          figures !== null && !figures.running && !figures.streaming && figures.examined === figures.published,
        240_000,
        "the replay to end and drain",
      );
      expect(final).toMatchObject({
        end_reason: "source_exhausted",
        published: expected.tweets,
        examined: expected.tweets,
        amount: expected.matched.length,
      });
      expect(final?.per_phrase).toEqual(expected.perPhrase);

      const timeline = await eventually(
        () => wholeTimeline(url),
        (ids) => ids.length >= expected.shown.length,
        60_000,
        "the timeline to fill",
      );
      expect(timeline).toHaveLength(expected.shown.length);
      expect(new Set(timeline)).toEqual(new Set(expected.shown.map((tweet) => tweet.id)));

      // The workers waited for a replica before acking: WAIT ran on the primaries.
      const counter = redis.client();
      try {
        await counter.ping();
        const stats = await Promise.all(counter.nodes("master").map((node) => node.info("commandstats")));
        const waits = stats.map((text) => Number(/cmdstat_wait:calls=(\d+)/.exec(text)?.[1] ?? 0));
        expect(waits.reduce((sum, calls) => sum + calls, 0)).toBeGreaterThan(0);
      } finally {
        counter.disconnect();
      }
      const lines = mesh.workers.flatMap((worker) => worker.log().split("\n"));
      // The killed primary was said, once per worker process at most, by the node that failed.
      const nodeOutages = lines.filter((line) => /Redis Cluster node 127\.0\.0\.1:\d+ unreachable/.test(line));
      expect(nodeOutages.length).toBeGreaterThan(0);
      expect(nodeOutages.length).toBeLessThanOrEqual(mesh.workers.length);
      console.log(
        `pipeline reconnections: ${lines.filter((line) => line.includes("Pipeline connected to")).length - mesh.workers.length}, outages waited out: ${lines.filter((line) => line.includes("waits out an outage")).length}, Redis node outages said: ${nodeOutages.length}`,
      );
    },
    10 * 60_000,
  );
});
