import amqp from "amqplib";
import { Pool } from "pg";
import { ArchivedTweet } from "../../contracts/archive";
import type { RunStatistics, TimelinePage } from "../../contracts/actions";
import { pipelineTopology } from "../../pipeline/topology";
import { redisKeys } from "../../store/keys";
import { expectReplay, v1CaptureDir, v1CapturesPresent, type ReplayExpectation } from "../support/captures";
import { ProcessCluster, serverBuilt } from "../support/cluster";
import { TestDatabase } from "../support/database";
import { AMQP_URL, curlPost, eventually, request, TestMesh, wholeTimeline } from "../support/mesh";
import { OwnedPostgres, postgresInstalled } from "../support/owned-postgres";
import { queueDepth } from "../support/queues";
import { drained, expectExactReplayEnd } from "../support/statistics";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
/** Common words: more than one export page (500 rows) of matches, a few of them deleted later in the capture. */
const TRACK = ["love", "the", "que", "lol", "a", "i", "de", "you"];
/** The capture's tweets are from 2013: a retention of days would drop their partitions as they are written. */
const KEEP_EVERY_DAY = { ARCHIVE_RETENTION_DAYS: "0" };

/** A run's row of the archive, as the test reads it from PostgreSQL itself. */
interface ArchivedRow {
  tweet_id: string;
  text: string | null;
  original: { id: string } | null;
  deleted_at: Date | null;
}

const byTweetId = (a: string, b: string): number => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/** What the archive must hold of a replay: every matched tweet once, in id order, those deleted as tombstones. */
function archiveExpectation(expected: ReplayExpectation): { ids: string[]; tombstones: string[] } {
  const shown = new Set(expected.shown.map((tweet) => tweet.id));
  const ids = expected.matched.map((tweet) => tweet.id).sort(byTweetId);
  return { ids, tombstones: ids.filter((id) => !shown.has(id)) };
}

/** A pool of the test's own reads; an idle connection's error (the server restarting) is the test's to expect. */
function readerPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 2 });
  pool.on("error", () => undefined);
  return pool;
}

async function archivedRows(pool: Pool, runId: string): Promise<ArchivedRow[]> {
  const { rows } = await pool.query<ArchivedRow>(
    "SELECT tweet_id::text, text, original, deleted_at FROM archived_tweets WHERE run_id = $1 ORDER BY tweet_id",
    [runId],
  );
  return rows;
}

/**
 * Waits until the archive holds as many of the run's tweets and tombstones as the reference matcher
 * found, then checks they are exactly those: each tweet once, the deleted ones without their content.
 */
async function expectArchivedOnce(pool: Pool, runId: string, expected: ReplayExpectation): Promise<ArchivedRow[]> {
  const { ids, tombstones } = archiveExpectation(expected);
  const rows = await eventually(
    () => archivedRows(pool, runId).catch((): ArchivedRow[] => []),
    (archived) =>
      archived.length >= ids.length && archived.filter((row) => row.deleted_at !== null).length >= tombstones.length,
    120_000,
    "the archive to hold the run's matches and tombstones",
  );
  expect(rows.map((row) => row.tweet_id)).toEqual(ids);
  const deleted = rows.filter((row) => row.deleted_at !== null);
  expect(deleted.map((row) => row.tweet_id)).toEqual(tombstones);
  expect(deleted.filter((row) => row.text !== null || row.original !== null)).toEqual([]);
  const kept = rows.filter((row) => row.deleted_at === null);
  expect(kept.filter((row) => row.text === null || row.original?.id !== row.tweet_id)).toEqual([]);
  return rows;
}

/** Whether a queue exists in RabbitMQ (a channel of its own: a missing queue closes the channel). */
async function queueExists(queue: string): Promise<boolean> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    channel.on("error", () => undefined);
    return await channel.checkQueue(queue).then(
      () => true,
      () => false,
    );
  } finally {
    await connection.close();
  }
}

async function launch(url: string): Promise<string> {
  const answer = await curlPost<{ run_id: string }>(`${url}/launch`, JSON.stringify({ track: TRACK }));
  expect(answer.status).toBe(200);
  return answer.body.run_id;
}

const statisticsOf = (url: string) => () => request<RunStatistics>(`${url}/statistics`).then((answer) => answer.body);

const withCaptures = v1CapturesPresent();
if (!withCaptures) console.warn(`archive replay tests skipped: no captures in ${v1CaptureDir} (set SHARED_DATA)`);
const describeWithCaptures = withCaptures ? describe : describe.skip;

/** Issue #16, items 1 and 5: a real capture replayed through in-process nodes, two archive workers among them. */
describeWithCaptures("a replay of a real capture, archived in PostgreSQL", () => {
  jest.setTimeout(120_000);

  let database: TestDatabase;
  let pool: Pool;
  let mesh: TestMesh;
  let runId: string;
  let expected: ReplayExpectation;

  beforeAll(async () => {
    expected = expectReplay(CAPTURE, TRACK);
    database = await TestDatabase.create();
    pool = readerPool(database.url);
    mesh = await TestMesh.start(
      [
        { services: ["api", "launcher"] },
        { services: ["filter"] },
        { services: ["statistics", "timeline"] },
        { services: ["archive"] },
        { services: ["archive"] },
      ],
      {
        STREAM_SOURCE: "replay",
        REPLAY_FILE: expected.file,
        REPLAY_RATE: "0",
        BATCH_SIZE: "50",
        TIMELINE_CAP: "5000",
        DATABASE_URL: database.url,
        // Bodies leave Redis two seconds after their fan-out: timelines are then read from the archive.
        TWEET_TTL: "2",
        ...KEEP_EVERY_DAY,
      },
    );
    runId = await launch(mesh.url);
    await eventually(statisticsOf(mesh.url), drained, 60_000, "the replay to end and drain");
  });

  afterAll(async () => {
    await mesh?.stop();
    await pool?.end();
    await database?.drop();
  });

  it("holds exactly the matched tweets the reference matcher finds, once each, the deleted ones as tombstones", async () => {
    await expectExactReplayEnd(statisticsOf(mesh.url), expected);
    const { ids, tombstones } = archiveExpectation(expected);
    expect(ids.length).toBeGreaterThan(500);
    expect(tombstones.length).toBeGreaterThan(0);
    await expectArchivedOnce(pool, runId, expected);
    const { rows } = await pool.query<{ rows: string; tweets: string }>(
      "SELECT count(*) AS rows, count(DISTINCT (run_id, tweet_id)) AS tweets FROM archived_tweets",
    );
    expect(rows).toEqual([{ rows: String(ids.length), tweets: String(ids.length) }]);
  });

  it("exports the run through the gateway line for line as the archive holds it, tombstones included, in tweet id order", async () => {
    const archived = await expectArchivedOnce(pool, runId, expected);
    const response = await fetch(`${mesh.url}/runs/${runId}/tweets.ndjson`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson\b/);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="tweets-${runId}.ndjson"`);
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .slice(0, -1)
      .split("\n")
      .map((line) => ArchivedTweet.parse(JSON.parse(line)));
    expect(lines.map((line) => [line.run_id, line.id, line.text, line.deleted_at !== null, line.tweet?.id])).toEqual(
      archived.map((row) => [runId, row.tweet_id, row.text, row.deleted_at !== null, row.original?.id]),
    );
    const { tombstones } = archiveExpectation(expected);
    expect(lines.filter((line) => line.deleted_at !== null).map((line) => line.id)).toEqual(tombstones);
  });

  it("shows the run's timeline from the archive once the bodies expired in Redis, and keeps the deleted tweets hidden", async () => {
    const archived = new Map((await expectArchivedOnce(pool, runId, expected)).map((row) => [row.tweet_id, row]));
    const keys = redisKeys(mesh.namespace);
    const shown = expected.shown.map((tweet) => tweet.id);
    await eventually(
      () => mesh.redis.exists(...shown.map((id) => keys.tweet(id))),
      (bodies) => bodies === 0,
      30_000,
      "the tweet bodies to expire in Redis (TWEET_TTL 2 s)",
    );
    const timeline = await wholeTimeline(mesh.url);
    expect(timeline).toHaveLength(shown.length);
    expect(new Set(timeline)).toEqual(new Set(shown));
    const { tombstones } = archiveExpectation(expected);
    expect(timeline.filter((id) => tombstones.includes(id))).toEqual([]);
    const page = await request<TimelinePage>(`${mesh.url}/timeline?limit=50`);
    expect(page.status).toBe(200);
    expect(page.body.tweets).toHaveLength(50);
    for (const entry of page.body.tweets) expect(entry.tweet.text).toBe(archived.get(entry.tweet.id)?.text);
  });
});

/** Issue #16: a mesh without DATABASE_URL has no archive, says so, and declares no queue for it. */
describe("a mesh without DATABASE_URL", () => {
  let mesh: TestMesh;

  beforeAll(async () => {
    mesh = await TestMesh.start([{ services: ["api", "launcher", "filter", "statistics", "timeline", "archive"] }]);
  });

  afterAll(() => mesh?.stop());

  it("answers /search and the export 503 ARCHIVE_DISABLED, and no worker declares the archive's queue", async () => {
    const runId = await launch(mesh.url);
    await eventually(
      statisticsOf(mesh.url),
      (figures) => figures.amount > 0,
      30_000,
      "matches to flow past the archive",
    );
    const search = await request(`${mesh.url}/search?q=love`);
    expect(search).toMatchObject({ status: 503, body: { code: 503, type: "ARCHIVE_DISABLED" } });
    const download = await request(`${mesh.url}/runs/${runId}/tweets.ndjson`);
    expect(download).toMatchObject({ status: 503, body: { code: 503, type: "ARCHIVE_DISABLED" } });
    const { queues } = pipelineTopology(mesh.namespace);
    expect(await queueExists(queues.timeline)).toBe(true);
    expect(await queueExists(queues.archive)).toBe(false);
  });
});

const withProcesses = withCaptures && serverBuilt() && postgresInstalled();
if (!withProcesses)
  console.warn("archive failure tests skipped: they need the captures, a built server (make build) and PostgreSQL");
const describeWithProcesses = withProcesses ? describe : describe.skip;

/** Issue #16, items 2 and 3: archive workers as real processes, on a PostgreSQL of the test's own. */
describeWithProcesses("archive workers and their PostgreSQL failing mid-replay", () => {
  jest.setTimeout(180_000);

  let postgres: OwnedPostgres;
  let pool: Pool;
  let cluster: ProcessCluster;
  let expected: ReplayExpectation;
  const statistics = () => statisticsOf(cluster.url)();
  const running = () =>
    cluster.workers.filter((worker) => worker.process.exitCode === null && worker.process.signalCode === null);
  const archiveWorkers = () => running().filter((worker) => worker.service === "archive");

  beforeAll(async () => {
    expected = expectReplay(CAPTURE, TRACK);
    postgres = await OwnedPostgres.create();
    pool = readerPool(postgres.url);
    cluster = new ProcessCluster({
      STREAM_SOURCE: "replay",
      REPLAY_FILE: expected.file,
      REPLAY_RATE: "250",
      BATCH_SIZE: "20",
      TIMELINE_CAP: "5000",
      DATABASE_URL: postgres.url,
      ...KEEP_EVERY_DAY,
    });
    await cluster.up({ api: 1, launcher: 1, filter: 1, statistics: 1, timeline: 1, archive: 2 });
  });

  afterAll(async () => {
    await cluster?.stop();
    await pool?.end();
    await postgres?.remove();
  });

  it("an archive worker killed with SIGKILL mid-replay: the other takes over, a restarted one joins, each match is archived once", async () => {
    const runId = await launch(cluster.url);
    const [victim] = archiveWorkers();
    if (!victim) throw new Error("no archive worker runs");
    await eventually(
      () => cluster.pipelineCounts(victim),
      (counts) => (counts["archive.handled"] ?? 0) >= 3,
      60_000,
      `${victim.nodeId} to archive a few batches`,
    );
    await cluster.kill(victim);
    const restarted = cluster.start("archive");
    await cluster.ready(restarted);
    await expectExactReplayEnd(statistics, expected);
    await expectArchivedOnce(pool, runId, expected);
  });

  it("PostgreSQL restarting mid-replay: the archive's queue keeps the batches, /search answers 503, each match is archived once", async () => {
    const { queues } = pipelineTopology(cluster.namespace);
    const runId = await launch(cluster.url);
    await eventually(
      () => archivedRows(pool, runId),
      (rows) => rows.length > 0,
      60_000,
      "the run's first archived tweets",
    );
    const before = running();
    const archivers = archiveWorkers();
    const logged = archivers.map((worker) => worker.log().length);
    const logsSinceStop = () => archivers.map((worker, index) => worker.log().slice(logged[index])).join("\n");

    await postgres.stop("immediate");
    await eventually(
      async () => logsSinceStop(),
      (text) => text.includes("waits out an outage"),
      30_000,
      "an archive worker to wait out PostgreSQL's outage",
    );
    const statuses: number[] = [];
    const search = await eventually(
      async () => {
        const answer = await request(`${cluster.url}/search?run_id=${runId}`);
        statuses.push(answer.status);
        return answer;
      },
      (answer) => answer.status !== 200,
      30_000,
      "/search to see PostgreSQL gone",
    );
    expect(search).toMatchObject({ status: 503, body: { code: 503, type: "ARCHIVE_UNAVAILABLE" } });
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    await eventually(
      () => queueDepth(queues.archive),
      (depth) => depth > 0,
      30_000,
      "batches to wait in the archive's queue",
    );
    expect(await queueDepth(queues.deadLetter)).toBe(0);

    await postgres.start();
    await expectExactReplayEnd(statistics, expected);
    await expectArchivedOnce(pool, runId, expected);
    expect(await queueDepth(queues.deadLetter)).toBe(0);
    expect(logsSinceStop()).toMatch(/matches\.archive: outage over/);
    // Connections lost mid-transaction end no worker: each waits the outage out.
    expect(running()).toEqual(before);
  });
});
