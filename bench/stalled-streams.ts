import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { RunStatistics } from "../contracts/actions";
import { ProcessCluster, SERVER } from "../test/support/cluster";
import { curlPost, eventually, request } from "../test/support/mesh";
import { startNodeProcess, type NodeProcess } from "../test/support/node-process";
import { currentRss } from "./pipeline";

/** Common words, so that most replayed tweets match and every notice carries its fill of tweets. */
const TRACK = ["the", "love", "que", "lol", "you", "de", "a", "i"];

export interface StalledRun {
  stalledClients: number;
  seconds: number;
  tweets: number;
  amount: number;
  tweetsPerSecond: number;
  /** The mesh process's resident set before the clients connected and at the end of the replay, MB. */
  rssBeforeMb: number;
  rssAfterMb: number;
}

export interface StalledStreamsResult {
  tweets: number;
  stalledClients: number;
  /** Every run, in the order they ran (none and stalled alternately). */
  runs: StalledRun[];
  /** The best of each kind: the ratio compares what the machine let each do at its best. */
  none: StalledRun;
  stalled: StalledRun;
  ratio: number;
}

/**
 * A `/stream` client that sent its request and read the answer's headers, then stops reading for
 * good: what a frozen tab or a client behind a dead link looks like to the gateway.
 */
export function openStalledClient(port: number): Promise<{ socket: net.Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("error", reject);
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.removeListener("error", reject);
      // A reset after the gateway cut it off is what a stalled client would see; nothing to report.
      socket.on("error", () => undefined);
      resolve({ socket, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1] ?? 0) });
    });
    socket.write("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
  });
}

/** The real captures, one after another, unzipped into one file to replay (15,159 tweets). */
function concatenatedCaptures(dir: string): string {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl.gz"))
    .sort();
  if (files.length === 0) throw new Error(`no captures in ${dir}`);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tweetmesh-bench-")), "captures.jsonl");
  writeFileSync(file, Buffer.concat(files.map((name) => gunzipSync(readFileSync(path.join(dir, name))))));
  return file;
}

/** Every service in one process, as `make up` runs it (no worker heap limits): the gateway shares its CPU with the pipeline. */
async function startOneProcessMesh(replayFile: string): Promise<{ cluster: ProcessCluster; mesh: NodeProcess }> {
  const cluster = new ProcessCluster({
    STREAM_SOURCE: "replay",
    REPLAY_FILE: replayFile,
    REPLAY_RATE: "0",
  });
  const { NODE_OPTIONS: _workerHeapLimits, ...env } = cluster.workerEnvironment();
  const mesh = startNodeProcess(SERVER, { env: { ...env, LOG_LEVEL: "warn", NODE_ID: `${cluster.namespace}-all` } });
  await eventually(
    () => request(`${cluster.url}/ready`).catch(() => ({ status: 0 })),
    (answer) => answer.status === 200,
    60000,
    "the one-process mesh to be ready",
  );
  return { cluster, mesh };
}

async function replayOnce(stalledClients: number, replayFile: string): Promise<StalledRun> {
  const { cluster, mesh } = await startOneProcessMesh(replayFile);
  const sockets: net.Socket[] = [];
  try {
    const rssBeforeMb = currentRss(mesh.child.pid);
    // Opened a few at a time, as clients arrive: a thousand at once would only test the listen backlog.
    for (let opened = 0; opened < stalledClients; opened += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, stalledClients - opened) }, () => openStalledClient(cluster.port)),
      );
      for (const client of batch) {
        sockets.push(client.socket);
        if (client.status !== 200) throw new Error(`a stalled client got ${client.status}, not 200`);
      }
    }
    // The figures straight from the statistics worker: the bench times the pipeline, not the gateway's reads.
    const client = await cluster.connectClient();
    await client.waitForServices(["statistics"], 30000);
    const started = performance.now();
    await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }));
    const final = await eventually(
      // A call may go unanswered (the first after start-up, seen here): it times out and is asked again.
      () =>
        client.call<RunStatistics, Record<string, never>>("statistics.get", {}, { timeout: 5000 }).catch(() => null),
      (figures) =>
        figures !== null &&
        !figures.running &&
        !figures.streaming &&
        figures.published > 0 &&
        figures.examined >= figures.published,
      600_000,
      "the replay to end and drain",
      50,
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      stalledClients,
      seconds,
      tweets: final?.examined ?? 0,
      amount: final?.amount ?? 0,
      tweetsPerSecond: (final?.examined ?? 0) / seconds,
      rssBeforeMb,
      rssAfterMb: currentRss(mesh.child.pid),
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    mesh.child.kill("SIGTERM");
    await mesh.exited;
    await cluster.stop();
  }
}

/**
 * The pipeline's speed over a replay with no `/stream` client and with `stalledClients` that never
 * read, in the one-process mesh, `rounds` of each alternately (a fresh mesh each time).
 */
export async function measureStalledStreams(
  capturesDir: string,
  stalledClients: number,
  rounds: number,
  progress: (line: string) => void,
): Promise<StalledStreamsResult> {
  const file = concatenatedCaptures(capturesDir);
  const runs: StalledRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const clients of [0, stalledClients]) {
      const run = await replayOnce(clients, file);
      progress(
        `stalled streams, round ${round}: ${clients} stalled clients: ${run.tweets} tweets in ${run.seconds.toFixed(1)} s, amount ${run.amount}, RSS ${run.rssBeforeMb} → ${run.rssAfterMb} MB`,
      );
      runs.push(run);
    }
  }
  const best = (clients: number) =>
    runs
      .filter((run) => run.stalledClients === clients)
      .reduce((fastest, run) => (run.tweetsPerSecond > fastest.tweetsPerSecond ? run : fastest));
  const none = best(0);
  const stalled = best(stalledClients);
  return {
    tweets: none.tweets,
    stalledClients,
    runs,
    none,
    stalled,
    ratio: stalled.tweetsPerSecond / none.tweetsPerSecond,
  };
}
