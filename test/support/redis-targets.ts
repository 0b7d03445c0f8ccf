import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { redisKeys, type RedisKeys } from "../../store/keys";
import type { RedisClient } from "../../store/redis";
import { portFree, range, runScript } from "./cluster-scripts";
import { randomPort } from "./ports";
import { REDIS_URL } from "./mesh";
import { redisClusterMissing } from "./local-redis-cluster";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The Redis deployments every store test runs against (issue #17): the shared Redis, and a Redis
 * Cluster of the file's own (scripts/redis-cluster.sh: 3 primaries, 3 replicas), where keys carry
 * the hash tags cluster mode gives them. The clients exist when the test file is read, so that stores
 * can be made beside the tests as before; the cluster's client connects on its first command, once
 * `beforeAll` started the cluster.
 */
export interface RedisUnderTest {
  /** `one Redis` or `Redis Cluster`, for the test names. */
  name: string;
  cluster: boolean;
  redis: RedisClient;
  /** A namespace of the test's own, new on every call. */
  namespace(label?: string): string;
  /** The keys of a namespace as a worker of this deployment names them. */
  keys(namespace: string): RedisKeys;
  /** Every key matching a glob pattern, on every primary. */
  keysMatching(pattern: string): Promise<string[]>;
}

const CLUSTER_START_MS = 120_000;

/** Runs `body` once per deployment, each in a describe of its own named after it. */
export function describeEachRedis(title: string, body: (target: RedisUnderTest) => void): void {
  describe(`${title} (one Redis)`, () => {
    const redis = new Redis(REDIS_URL);
    const prefixes: string[] = [];
    const target = deployment("one Redis", false, redis, prefixes);
    afterAll(async () => {
      for (const prefix of prefixes) {
        const found = await target.keysMatching(`${prefix}*`);
        for (let start = 0; start < found.length; start += 1000) await redis.del(...found.slice(start, start + 1000));
      }
      redis.disconnect();
    });
    body(target);
  });

  const missing = redisClusterMissing();
  if (missing !== null) {
    describe.skip(`${title} (Redis Cluster)`, () => it(`is skipped: ${missing}`, () => undefined));
    console.warn(`${title} on a Redis Cluster skipped: ${missing}`);
    return;
  }
  describe(`${title} (Redis Cluster)`, () => {
    // Chosen now, checked free when the cluster starts: the client must exist before the tests do.
    const base = 10 * Math.floor(randomPort("redisStoreClusters") / 10);
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "redis-cluster-"));
    const env = {
      ...process.env,
      REDIS_CLUSTER_PORT_BASE: String(base),
      REDIS_CLUSTER_STATE: path.join(stateDir, "redis"),
      REDIS_CLUSTER_TIMEOUT: String(CLUSTER_START_MS / 1000 - 10),
    };
    const cluster = new Cluster(
      range(base, 6).map((port) => ({ host: "127.0.0.1", port })),
      { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 3 } },
    );
    beforeAll(async () => {
      for (const port of [...range(base, 6), ...range(base + 10_000, 6)])
        if (!(await portFree(port)))
          throw new Error(`port ${port} for this file's Redis Cluster is taken; run it again`);
      await runScript("redis-cluster.sh", ["start"], env, CLUSTER_START_MS);
    }, CLUSTER_START_MS + 10_000);
    afterAll(async () => {
      cluster.disconnect();
      await runScript("redis-cluster.sh", ["stop", "--clean"], env, 60_000);
      rmSync(stateDir, { recursive: true, force: true });
    }, 70_000);
    body(deployment("Redis Cluster", true, cluster, []));
  });
}

function deployment(name: string, cluster: boolean, redis: RedisClient, prefixes: string[]): RedisUnderTest {
  return {
    name,
    cluster,
    redis,
    namespace(label = "test") {
      const namespace = `${label}-${randomBytes(4).toString("hex")}`;
      prefixes.push(`${namespace}:`, `{${namespace}`);
      return namespace;
    },
    keys: (namespace) => redisKeys(namespace, { hashTags: cluster }),
    async keysMatching(pattern) {
      const servers = redis instanceof Cluster ? redis.nodes("master") : [redis];
      const found = await Promise.all(servers.map((server) => server.keys(pattern)));
      return found.flat().sort();
    },
  };
}
