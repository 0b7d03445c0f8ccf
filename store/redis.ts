import type { EventEmitter } from "node:events";
import { Cluster, Redis } from "ioredis";
import { redactUrl, type RedisTarget } from "../config/environment";
import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";
import { delayFor, RETRY_POLICIES } from "../core/retry";

/**
 * How long one command may wait for Redis's answer. A stalled Redis then fails a request in time
 * for its 503 to name Redis, before the RPC's own 10 s timeout answers 504.
 */
const COMMAND_TIMEOUT_MS = 5000;

/**
 * Redis's answers that mean "not now" rather than "never": out of memory under `noeviction`, a
 * replica or a primary without enough replicas refusing writes, a node loading its data, a cluster
 * without quorum, a script running too long.
 */
const REFUSALS_FOR_NOW = /^(OOM|READONLY|NOREPLICAS|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|MISCONF)\b/;
/** ioredis's own errors while it has no usable connection, and the socket errors under them. */
const CONNECTION_TROUBLE =
  /Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|Cluster isn't ready|Failed to refresh slots cache|Too many Cluster redirections|None of startup nodes is available/;

/** A client of one Redis or of a Redis Cluster: stores take either (store/cluster-commands.ts crosses slots). */
export type RedisClient = Redis | Cluster;

/**
 * Whether an error is Redis being away or refusing writes for now, an outage to wait out, rather
 * than a wrong command or bad data.
 */
export function isRedisOutage(error: unknown): boolean {
  const text = errorText(error);
  return REFUSALS_FOR_NOW.test(text) || CONNECTION_TROUBLE.test(text);
}

/** Redis URLs whose outage this process has logged and not yet seen end. */
const OUTAGES_REPORTED = new Set<string>();

/**
 * A worker's Redis client: of one server, or ioredis's Cluster client over the seed nodes. It
 * reconnects by itself, but queues nothing while it is disconnected: a command then fails at once (a
 * request answers 503 naming Redis, a pipeline message waits the outage out) instead of hanging until
 * Redis comes back. Errors are logged once per outage, with the URLs' credentials redacted.
 */
export function connectRedis(target: RedisTarget, logger: Logger): RedisClient {
  const redis = redisClient(target, (attempt) => delayFor(RETRY_POLICIES.redisReconnect, attempt));
  const where = `${redactUrl(target.urls)} (${target.variable})`;
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    // The services of one process each have a client: the first to lose Redis says so for all.
    if (OUTAGES_REPORTED.has(where)) return;
    OUTAGES_REPORTED.add(where);
    logger.warn(
      `Redis ${where} unreachable: ${errorText(error)}; requests that need it answer 503 and pipeline messages wait until it is back; reconnecting`,
    );
  });
  redis.on("ready", () => {
    if (down && OUTAGES_REPORTED.delete(where)) logger.info(`Redis ${redactUrl(target.urls)} reachable again`);
    down = false;
  });
  if (redis instanceof Cluster) reportNodeOutages(redis, logger);
  return redis;
}

/** A node of a Cluster client's pool, as its `+node` event hands it over. */
interface ClusterNode extends EventEmitter {
  options: { host?: string; port?: number };
}

/**
 * Logs each node of a Redis Cluster that stops answering, once until it answers again. The client
 * drops a dead node from its pool and adds it back at each refresh of the slots until a replica took
 * them over, so an outage spans many `-node` and `+node`; only a node's `ready` ends it. The Cluster
 * client itself stays ready meanwhile, so its own `error` never says so.
 */
export function reportNodeOutages(cluster: EventEmitter, logger: Pick<Logger, "warn" | "info">): void {
  const reported = (node: string) => OUTAGES_REPORTED.has(`node ${node}`);
  cluster.on("node error", (error: unknown, node: string) => {
    if (reported(node)) return;
    OUTAGES_REPORTED.add(`node ${node}`);
    logger.warn(
      `Redis Cluster node ${node} unreachable: ${errorText(error)}; commands for its slots fail, and pipeline messages wait, until it is back or a replica takes over`,
    );
  });
  const nameOf = (node: ClusterNode) => `${node.options.host ?? "?"}:${node.options.port ?? "?"}`;
  cluster.on("+node", (node: ClusterNode) => {
    node.on("ready", () => {
      if (OUTAGES_REPORTED.delete(`node ${nameOf(node)}`))
        logger.info(`Redis Cluster node ${nameOf(node)} reachable again`);
    });
  });
}

/**
 * A client of the target that logs nothing, reconnecting after `retryDelay(attempt)` ms; commands wait
 * at most COMMAND_TIMEOUT_MS for an answer.
 */
export function redisClient(target: RedisTarget, retryDelay: (attempt: number) => number): RedisClient {
  const commandOptions = { maxRetriesPerRequest: null, commandTimeout: COMMAND_TIMEOUT_MS };
  return target.cluster
    ? new Cluster(clusterNodes(target.urls), {
        enableOfflineQueue: false,
        clusterRetryStrategy: retryDelay,
        redisOptions: { ...commandOptions, ...clusterCredentials(target.urls) },
      })
    : new Redis(target.urls[0] ?? "", { ...commandOptions, enableOfflineQueue: false, retryStrategy: retryDelay });
}

/** The seed nodes as ioredis's Cluster takes them. */
function clusterNodes(urls: readonly string[]): { host: string; port: number }[] {
  return urls.map((url) => {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
}

/** The credentials and TLS every node of a cluster takes: those of the first seed URL that has them. */
function clusterCredentials(urls: readonly string[]): { username?: string; password?: string; tls?: object } {
  const parsed = urls.map((url) => new URL(url));
  const withPassword = parsed.find((url) => url.password !== "");
  return {
    ...(withPassword?.username ? { username: decodeURIComponent(withPassword.username) } : {}),
    ...(withPassword ? { password: decodeURIComponent(withPassword.password) } : {}),
    ...(parsed.some((url) => url.protocol === "rediss:") ? { tls: {} } : {}),
  };
}

/** Resolves once the client can take commands; rejects with the last connection error after `timeoutMs`. */
export function redisReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: unknown = null;
    const onError = (error: unknown) => (lastError = error);
    const done = (error?: unknown) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(errorText(error)));
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(lastError ?? new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.on("error", onError);
    redis.once("ready", onReady);
  });
}

/**
 * Resolves once this client's writes so far reached `replicas` replicas of every primary (`WAIT` on
 * each, over the connection that wrote): a primary that dies now cannot take an acked count with it.
 * Falling short fails with a NOREPLICAS error, an outage: the message is handled again, not acked.
 */
export async function awaitReplicas(redis: RedisClient, replicas: number, timeoutMs: number): Promise<void> {
  if (replicas === 0) return;
  const primaries = redis instanceof Cluster ? redis.nodes("master") : [redis];
  await Promise.all(
    primaries.map(async (primary) => {
      const reached = await primary.wait(replicas, timeoutMs);
      if (reached < replicas) {
        const where = `${primary.options.host ?? "?"}:${primary.options.port ?? "?"}`;
        throw new Error(
          `NOREPLICAS Redis primary ${where}: writes reached ${reached} of REDIS_MIN_REPLICAS=${replicas} replicas within ${timeoutMs} ms`,
        );
      }
    }),
  );
}
