import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { errorText } from "../../core/error-text";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RunStatistics } from "../../contracts/actions";
import type { Versions } from "../../gateway/health";
import { alive, formatClusterState, parseClusterState } from "../../mesh/cluster-state";
import { expectReplay, v1CaptureDir, v1CapturesPresent } from "../support/captures";
import { ProcessCluster, SERVER, serverBuilt } from "../support/cluster";
import { curlPost, eventually, request, wholeTimeline } from "../support/mesh";
import { startNodeProcess } from "../support/node-process";
import { buildRelease, findPreviousRelease, type Release } from "../support/previous-release";
import { projectRoot } from "../support/project";

const TRACK = ["love", "the", "que", "lol"];
const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const ROLLING_DEPLOY = path.join(projectRoot(), "dist/bin/rolling-deploy.js");
/**
 * Gateways share their port (SO_REUSEPORT); when the old one closes, Linux resets the connections
 * still queued on it unless this is 1 (docs/operations.md, "A local rolling deploy"). The test sets it for its
 * run where it may, and puts the old value back.
 */
const MIGRATE_REQUESTS = "/proc/sys/net/ipv4/tcp_migrate_req";

const previous = findPreviousRelease();
const skipReason =
  "missing" in previous
    ? `the rolling-deploy test is skipped: ${previous.missing}`
    : !v1CapturesPresent()
      ? `the rolling-deploy test is skipped: it replays a capture from ${v1CaptureDir}, which is absent`
      : !serverBuilt()
        ? "the rolling-deploy test is skipped: build first (make build)"
        : null;
if (skipReason) console.warn(skipReason);
const describeWithRelease = skipReason ? describe.skip : describe;

/** A client polling the gateway steadily, one connection per request as curl does, counting every failure. */
class SteadyClient {
  readonly failures: string[] = [];
  requests = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly base: string,
    paths: readonly string[],
    intervalMs: number,
  ) {
    this.loop = (async () => {
      for (let turn = 0; this.running; turn++) {
        await this.poll(paths[turn % paths.length] ?? "/statistics");
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
  }

  private async poll(route: string): Promise<void> {
    this.requests++;
    try {
      const response = await fetch(`${this.base}${route}`, {
        headers: { Connection: "close" },
        signal: AbortSignal.timeout(15000),
      });
      const body = await response.text();
      if (response.status !== 200) this.failures.push(`${route}: ${response.status} ${body.slice(0, 200)}`);
    } catch (error) {
      this.failures.push(
        `${route}: ${error instanceof Error ? `${error.message} ${errorText(error.cause ?? "")}` : String(error)}`,
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

describeWithRelease("a rolling deploy from the previous release to this tree", () => {
  jest.setTimeout(300_000);

  let release: Release;
  let cluster: ProcessCluster;
  const stateDir = mkdtempSync(path.join(tmpdir(), "tweetmesh-deploy-"));
  const stateFile = path.join(stateDir, "workers");

  let migrateRequestsBefore: string | null = null;

  beforeAll(() => {
    if ("missing" in previous) return;
    release = buildRelease(previous, (line) => console.log(line));
    if (!existsSync(MIGRATE_REQUESTS) || readFileSync(MIGRATE_REQUESTS, "utf8").trim() !== "0") return;
    try {
      writeFileSync(MIGRATE_REQUESTS, "1");
      migrateRequestsBefore = "0";
    } catch {
      console.warn(`cannot set ${MIGRATE_REQUESTS} to 1 (not root?): a request may fail as the old gateway closes`);
    }
  });

  afterAll(async () => {
    if (migrateRequestsBefore !== null) writeFileSync(MIGRATE_REQUESTS, migrateRequestsBefore);
    // The deploy's workers are not the cluster's children: stop what the state file names.
    const pids = existsSync(stateFile)
      ? parseClusterState(readFileSync(stateFile, "utf8")).map((worker) => worker.pid)
      : [];
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGTERM");
    try {
      await eventually(
        async () => pids.filter(alive).length,
        (left) => left === 0,
        60000,
        "the deployed workers to stop",
      );
    } finally {
      await cluster?.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("replaces every worker while a replay runs and clients poll, with no failed request and an exact count", async () => {
    const expected = expectReplay(CAPTURE, TRACK);
    // Slow enough that the replay outlasts the deploy: about 3,000 tweets at 60 a second.
    const env = {
      STREAM_SOURCE: "replay",
      REPLAY_FILE: expected.file,
      REPLAY_RATE: "60",
      BATCH_SIZE: "20",
      TIMELINE_CAP: "5000",
    };
    cluster = new ProcessCluster(env, undefined, release.server);
    await cluster.up({ api: 1, launcher: 2, filter: 2, statistics: 1, timeline: 1 });
    writeFileSync(
      stateFile,
      formatClusterState(
        cluster.workers.map((worker) => ({
          service: worker.service,
          nodeId: worker.nodeId,
          pid: worker.process.pid ?? 0,
          probePort: worker.probePort,
        })),
      ),
    );
    const before = await request<Versions>(`${cluster.url}/version`);
    expect(new Set(before.body.nodes.map((node) => node.version))).toEqual(new Set([release.version]));

    // A gateway of this tree joins first, on the same port: clients meet a new gateway calling old
    // workers, then both gateways calling old and new workers, whichever order a deploy takes.
    const newGateway = cluster.start("api", {}, SERVER);
    await cluster.ready(newGateway);

    const launch = await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }));
    expect(launch.status).toBe(200);
    const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
    await eventually(statistics, (figures) => figures.published >= 100, 30000, "tweets flowing");

    const client = new SteadyClient(cluster.url, ["/statistics", "/timeline?limit=20", "/statistics/runs?limit=5"], 25);
    const deploy = startNodeProcess(ROLLING_DEPLOY, {
      args: ["--state", stateFile, "--timeout", "60"],
      env: cluster.workerEnvironment(),
    });
    const deployed = await deploy.exited;
    const during = await statistics();
    await client.stop();

    if (deployed !== 0) throw new Error(`the rolling deploy failed (exit ${deployed}):\n${deploy.output()}`);
    expect(deploy.output()).toContain("[7/7]");
    // The replay was still running when the last worker was replaced: the deploy happened under load.
    expect(during.streaming).toBe(true);

    // Every node runs this build: 6 workers and 2 gateways, as whichever gateway answers sees them (a
    // gateway started last may still be hearing from the others).
    const current = JSON.parse(readFileSync(path.join(projectRoot(), "dist/build.json"), "utf8")) as {
      version: string;
    };
    const builds = () =>
      request<Versions>(`${cluster.url}/version`).then((answer) =>
        answer.body.nodes.filter((node) => !node.node.endsWith("test-client")).map((node) => node.version),
      );
    expect(await eventually(builds, (versions) => versions.length === 8, 20000, "every node to be known")).toEqual(
      Array(8).fill(current.version),
    );

    const final = await eventually(
      statistics,
      (figures) =>
        !figures.running && !figures.streaming && figures.examined >= figures.published && figures.published > 0,
      180000,
      "the replay to end and drain",
    );
    expect(client.failures).toEqual([]);
    expect(client.requests).toBeGreaterThan(200);
    expect(final).toMatchObject({
      end_reason: "source_exhausted",
      published: expected.tweets,
      amount: expected.matched.length,
      per_phrase: expected.perPhrase,
    });
    const timeline = await wholeTimeline(cluster.url);
    expect([...timeline].sort()).toEqual(expected.shown.map((tweet) => tweet.id).sort());
  });
});
