import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { Cluster } from "ioredis";
import { freeBase, installed, lines, portFree, range, runScript } from "../support/cluster-scripts";
import { alive } from "../../mesh/cluster-state";

/**
 * The local clusters of issue #17: scripts/rabbitmq-cluster.sh and scripts/redis-cluster.sh, started on
 * ports and in folders of the test's own (beside a developer's `make brokers-cluster` and the shared
 * brokers), checked through their clients, then stopped without a process left behind.
 */

/** RabbitMQ nodes boot slowly on a busy 2-core machine: each script waits this long, the test a little longer. */
const BOOT_SECONDS = 150;
const START_MS = (BOOT_SECONDS + 60) * 1000;
const STOP_MS = 90_000;

const missing = ["rabbitmq-server", "redis-server", "redis-cli"].filter((command) => !installed(command));
const describeInstalled = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) {
  console.warn(
    `local clusters test skipped: ${missing.join(", ")} not installed (apt-get install rabbitmq-server redis-server)`,
  );
}

/** Runs a script, its progress shown as it comes. */
const run = (script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) =>
  runScript(script, args, env, timeoutMs, true);

describeInstalled("local clusters (scripts/rabbitmq-cluster.sh, scripts/redis-cluster.sh)", () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "local-clusters-"));
  const name = `test${Math.floor(Math.random() * 1e6)}`;
  const nodeNames = range(1, 3).map((n) => `${name}-${n}@localhost`);
  let rabbitmqEnv: NodeJS.ProcessEnv = {};
  let redisEnv: NodeJS.ProcessEnv = {};
  let amqpPortBase = 0;
  let redisPortBase = 0;
  let urls: string[] = [];
  let redisNodes: string[] = [];
  const pids: number[] = [];
  let epmdPort = 0;

  const stopBoth = () =>
    Promise.all([
      run("rabbitmq-cluster.sh", ["stop", "--clean"], rabbitmqEnv, STOP_MS),
      run("redis-cluster.sh", ["stop", "--clean"], redisEnv, STOP_MS),
    ]);

  beforeAll(async () => {
    // AMQP base..+2, epmd base+19999, distribution base+20000..+2, the CLI's base+20010..+29.
    amqpPortBase = await freeBase("rabbitmqLocalClusters", [...range(0, 3), ...range(19_999, 31)]);
    // Nodes base..+5, their cluster bus base+10000..+5.
    redisPortBase = await freeBase("redisLocalClusters", [...range(0, 6), ...range(10_000, 6)]);
    epmdPort = amqpPortBase + 19_999;
    rabbitmqEnv = {
      ...process.env,
      RABBITMQ_CLUSTER_PORT_BASE: String(amqpPortBase),
      RABBITMQ_CLUSTER_STATE: path.join(stateDir, "rabbitmq"),
      RABBITMQ_CLUSTER_NAME: name,
      RABBITMQ_CLUSTER_TIMEOUT: String(BOOT_SECONDS),
    };
    redisEnv = {
      ...process.env,
      REDIS_CLUSTER_PORT_BASE: String(redisPortBase),
      REDIS_CLUSTER_STATE: path.join(stateDir, "redis"),
      REDIS_CLUSTER_TIMEOUT: String(BOOT_SECONDS),
    };
    const [rabbitmqOut, redisOut] = await Promise.all([
      run("rabbitmq-cluster.sh", ["start"], rabbitmqEnv, START_MS),
      run("redis-cluster.sh", ["start"], redisEnv, START_MS),
    ]);
    urls = lines(rabbitmqOut);
    redisNodes = lines(redisOut).join(",").split(",");
    for (const [script, env] of [
      ["rabbitmq-cluster.sh", rabbitmqEnv],
      ["redis-cluster.sh", redisEnv],
    ] as const) {
      pids.push(...lines(await run(script, ["pids"], env, 30_000)).map(Number));
    }
  }, START_MS + 60_000);

  // Also when a test failed: nothing keeps running. `stop` does nothing once the last test stopped them.
  afterAll(async () => {
    await stopBoth();
    rmSync(stateDir, { recursive: true, force: true });
  }, STOP_MS + 10_000);

  const ctl = async (...args: string[]) => run("rabbitmq-cluster.sh", ["ctl", ...args], rabbitmqEnv, 60_000);

  describe("RabbitMQ", () => {
    it("prints the three nodes' amqp:// URLs, one per line, and each takes a connection", async () => {
      expect(urls).toEqual(range(amqpPortBase, 3).map((port) => `amqp://guest:guest@127.0.0.1:${port}`));
      for (const url of urls) {
        const connection = await amqp.connect(url);
        const channel = await connection.createChannel();
        await channel.close();
        await connection.close();
      }
    });

    it("has formed one cluster of three running nodes", async () => {
      const status = JSON.parse(await ctl("-q", "-n", nodeNames[0] ?? "", "cluster_status", "--formatter", "json")) as {
        running_nodes: string[];
        disk_nodes: string[];
      };
      expect([...status.running_nodes].sort()).toEqual(nodeNames);
      expect([...status.disk_nodes].sort()).toEqual(nodeNames);
    });

    it("replicates a quorum queue declared on node 1 to all three, and node 3 serves it", async () => {
      const queue = `local-clusters-${name}`;
      const [first, third] = [await amqp.connect(urls[0] ?? ""), await amqp.connect(urls[2] ?? "")];
      try {
        const declaring = await first.createConfirmChannel();
        await declaring.assertQueue(queue, {
          durable: true,
          arguments: { "x-queue-type": "quorum", "x-quorum-initial-group-size": 3 },
        });
        declaring.sendToQueue(queue, Buffer.from("across the cluster"), { persistent: true });
        await declaring.waitForConfirms();

        const reading = await third.createChannel();
        expect((await reading.checkQueue(queue)).messageCount).toBe(1);
        const message = await reading.get(queue, { noAck: true });
        expect(message && message.content.toString()).toBe("across the cluster");

        const listed = JSON.parse(
          await ctl("-q", "-n", nodeNames[2] ?? "", "list_queues", "name", "type", "members", "--formatter", "json"),
        ) as { name: string; type: string; members: string[] }[];
        const mine = listed.find((row) => row.name === queue);
        expect(mine?.type).toBe("quorum");
        expect([...(mine?.members ?? [])].sort()).toEqual(nodeNames);
        await reading.deleteQueue(queue);
      } finally {
        await first.close();
        await third.close();
      }
    });

    it("gives each node's live OS pid, in order", async () => {
      const rabbitmqPids = lines(await run("rabbitmq-cluster.sh", ["pids"], rabbitmqEnv, 30_000)).map(Number);
      expect(rabbitmqPids).toHaveLength(3);
      expect(new Set(rabbitmqPids).size).toBe(3);
      expect(rabbitmqPids.every(alive)).toBe(true);
      // In order: node n's pid is the one its own VM reports.
      for (const [i, node] of nodeNames.entries()) {
        expect((await ctl("-q", "-n", node, "eval", "os:getpid().")).trim()).toBe(`"${rabbitmqPids[i]}"`);
      }
    });

    it(
      "starts again a node that was killed, which rejoins the cluster; the other nodes keep running",
      async () => {
        const before = lines(await run("rabbitmq-cluster.sh", ["pids"], rabbitmqEnv, 30_000)).map(Number);
        process.kill(before[2] ?? 0, "SIGKILL");
        expect(lines(await run("rabbitmq-cluster.sh", ["start"], rabbitmqEnv, START_MS))).toEqual(urls);
        const after = lines(await run("rabbitmq-cluster.sh", ["pids"], rabbitmqEnv, 30_000)).map(Number);
        pids.push(...after.filter((pid) => !pids.includes(pid)));
        expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
        expect(after[2]).not.toBe(before[2]);
        const status = JSON.parse(
          await ctl("-q", "-n", nodeNames[0] ?? "", "cluster_status", "--formatter", "json"),
        ) as {
          running_nodes: string[];
        };
        expect([...status.running_nodes].sort()).toEqual(nodeNames);
      },
      START_MS,
    );
  });

  describe("Redis", () => {
    it("prints the six nodes, and a Cluster client reads and writes keys in every primary's slots", async () => {
      expect(redisNodes).toEqual(range(redisPortBase, 6).map((port) => `127.0.0.1:${port}`));
      const cluster = new Cluster(
        redisNodes.map((node) => ({ host: "127.0.0.1", port: Number(node.split(":")[1]) })),
        { redisOptions: { maxRetriesPerRequest: 2 } },
      );
      try {
        // Keys until one falls in each primary's third of the 16384 slots (0-5460, 5461-10922, 10923-16383).
        const byThird = new Map<number, string>();
        for (let i = 0; byThird.size < 3; i++) {
          const key = `local-clusters:${name}:${i}`;
          const slot = Number(await cluster.cluster("KEYSLOT", key));
          byThird.set(Math.min(2, Math.floor(slot / 5461.34)), key);
        }
        for (const key of byThird.values()) await cluster.set(key, `value of ${key}`, "EX", 60);
        for (const key of byThird.values()) expect(await cluster.get(key)).toBe(`value of ${key}`);
        for (const key of byThird.values()) await cluster.del(key);
      } finally {
        cluster.disconnect();
      }
    });

    it("has three primaries and three replicas", async () => {
      const cluster = new Cluster([{ host: "127.0.0.1", port: redisPortBase }]);
      try {
        const nodes = String(await cluster.cluster("NODES"));
        const roles = lines(nodes).map((line) => (line.split(" ")[2] ?? "").replace("myself,", ""));
        expect(roles.sort()).toEqual(["master", "master", "master", "slave", "slave", "slave"]);
        expect(await cluster.cluster("INFO")).toMatch(/cluster_state:ok/);
      } finally {
        cluster.disconnect();
      }
    });
  });

  // Last: the tests above run first, in the order they are written.
  describe("stop --clean", () => {
    it(
      "stops both clusters, removes their folders and leaves no process behind",
      async () => {
        expect(pids.length).toBeGreaterThanOrEqual(9);
        await stopBoth();
        expect(pids.filter(alive)).toEqual([]);
        expect(await portFree(epmdPort)).toBe(true);
        expect(existsSync(path.join(stateDir, "rabbitmq"))).toBe(false);
        expect(existsSync(path.join(stateDir, "redis"))).toBe(false);
      },
      STOP_MS + 10_000,
    );
  });
});
