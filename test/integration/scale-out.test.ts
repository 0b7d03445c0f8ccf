import type { RunStatistics } from "../../contracts/actions";
import {
  captureFile,
  replayExpectation,
  v1CaptureDir,
  v1CapturesPresent,
  type ReplayExpectation,
} from "../support/captures";
import { ProcessCluster, serverBuilt, type Worker } from "../support/cluster";
import { curlPost, eventually, request, wholeTimeline } from "../support/mesh";
import { drained } from "../support/statistics";

const TRACK = ["love", "the", "que", "lol", "follow me", "ff"];

/**
 * Real processes of the built server, one per worker, over the real RabbitMQ and Redis: work spreads
 * across workers, and any of them can die without a tweet lost or counted twice.
 */
const ready = v1CapturesPresent() && serverBuilt();
if (!ready)
  console.warn(
    `scale-out tests skipped: they need the captures in ${v1CaptureDir} and a built server (make test builds it)`,
  );
const describeReady = ready ? describe : describe.skip;

async function replayThrough(
  cluster: ProcessCluster,
  during?: (figures: () => Promise<RunStatistics>) => Promise<void>,
): Promise<RunStatistics> {
  const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
  const launch = await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }));
  expect(launch.status).toBe(200);
  await during?.(statistics);
  return eventually(statistics, drained, 120000, "the replay to end and drain");
}

async function expectExact(cluster: ProcessCluster, final: RunStatistics, expected: ReplayExpectation): Promise<void> {
  expect(final).toMatchObject({
    end_reason: "source_exhausted",
    published: expected.tweets,
    amount: expected.matched.length,
  });
  expect(final.per_phrase).toEqual(expected.perPhrase);
  const timeline = await eventually(
    () => wholeTimeline(cluster.url),
    (ids) => ids.length >= expected.shown.length,
    60000,
    "the timeline to fill",
  );
  expect(timeline).toHaveLength(expected.shown.length);
  expect(new Set(timeline)).toEqual(new Set(expected.shown.map((tweet) => tweet.id)));
}

describeReady("scaling out over real processes", () => {
  jest.setTimeout(180_000);

  describe("round-robin", () => {
    const capture = "sample-2013-08-10T1101Z.jsonl.gz";
    const expectation = replayExpectation(capture, TRACK);
    const cluster = new ProcessCluster({
      STREAM_SOURCE: "replay",
      REPLAY_FILE: captureFile(capture),
      REPLAY_RATE: "0",
      BATCH_SIZE: "10",
      TIMELINE_CAP: "5000",
    });

    afterAll(() => cluster.stop());

    it("spreads a replay across 3 filter and 2 statistics workers, each handling a share", async () => {
      const expected = expectation();
      await cluster.up({ api: 1, launcher: 1, filter: 3, statistics: 2, timeline: 1 });
      const final = await replayThrough(cluster);
      await expectExact(cluster, final, expected);

      const handled = async (service: string, queue: string) =>
        Promise.all(
          cluster.workers
            .filter((w) => w.service === service)
            .map(async (w) => (await cluster.pipelineCounts(w))[`${queue}.handled`] ?? 0),
        );
      const filters = await handled("filter", "filter");
      const statistics = await handled("statistics", "statistics");
      const batches = Math.ceil((expected.tweets + 320) / 10);
      expect(filters.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(batches - 1);
      for (const share of [...filters, ...statistics]) expect(share).toBeGreaterThan(0);
    });
  });

  describe("a worker of each service killed while tweets flow", () => {
    const capture = "sample-2013-08-10T1100Z.jsonl.gz";
    const expectation = replayExpectation(capture, TRACK);
    const cluster = new ProcessCluster({
      STREAM_SOURCE: "replay",
      REPLAY_FILE: captureFile(capture),
      REPLAY_RATE: "400",
      BATCH_SIZE: "20",
      TIMELINE_CAP: "5000",
    });

    afterAll(() => cluster.stop());

    it("counts exactly, and the timeline holds each matched tweet once", async () => {
      const expected = expectation();
      await cluster.up({ api: 1, launcher: 2, filter: 3, statistics: 2, timeline: 2 });
      const killed: Worker[] = [];
      const final = await replayThrough(cluster, async (statistics) => {
        await eventually(statistics, (figures) => figures.published >= 600, 30000, "tweets flowing");
        const streaming = await cluster.leaseHolder();
        expect(streaming?.service).toBe("launcher");
        for (const service of ["filter", "statistics", "timeline"] as const) {
          const victim = cluster.workers.find((w) => w.service === service);
          if (victim) killed.push(victim);
        }
        if (streaming) killed.push(streaming);
        await Promise.all(killed.map((worker) => cluster.kill(worker, "SIGKILL")));
      });
      expect(killed.map((w) => w.service).sort()).toEqual(["filter", "launcher", "statistics", "timeline"]);
      await expectExact(cluster, final, expected);
      const survivor = cluster.workers.find((w) => w.service === "launcher" && !killed.includes(w));
      expect(survivor?.log()).toMatch(/Streaming run \S+ from replay, resuming at item \d+/);
    });
  });

  describe("a worker drained with SIGTERM", () => {
    const capture = "sample-2013-08-10T1102Z.jsonl.gz";
    const expectation = replayExpectation(capture, TRACK);
    const cluster = new ProcessCluster({
      STREAM_SOURCE: "replay",
      REPLAY_FILE: captureFile(capture),
      REPLAY_RATE: "500",
      BATCH_SIZE: "20",
      TIMELINE_CAP: "5000",
    });

    afterAll(() => cluster.stop());

    // Not asserted: that the staying worker sees no redelivery. After basic.cancel a RabbitMQ 3.10
    // quorum queue hands a delivery that was already on its way back to the queue, flagged
    // redelivered (reproduced with plain amqplib: 1 drain in 15). The drain itself is proven
    // deterministically by pipeline.test's drain test; here the counts must stay exact.
    it("finishes what it holds and exits 0: nothing lost, nothing counted twice", async () => {
      const expected = expectation();
      await cluster.up({ api: 1, launcher: 1, filter: 2, statistics: 1, timeline: 1 });
      const [leaving, staying] = cluster.workers.filter((w) => w.service === "filter");
      let exitCode: number | null = -1;
      const final = await replayThrough(cluster, async (statistics) => {
        await eventually(statistics, (figures) => figures.published >= 600, 30000, "tweets flowing");
        if (leaving) exitCode = await cluster.kill(leaving, "SIGTERM");
      });
      expect(exitCode).toBe(0);
      await expectExact(cluster, final, expected);
      const counts = staying ? await cluster.pipelineCounts(staying) : {};
      expect(counts["filter.handled"]).toBeGreaterThan(0);
    });
  });
});
