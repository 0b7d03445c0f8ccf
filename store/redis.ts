import { Redis } from "ioredis";
import { redactUrl } from "../config/environment";
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
  /Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND/;

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
 * A worker's Redis client. It reconnects by itself, but queues nothing while it is disconnected: a
 * command then fails at once (a request answers 503 naming Redis, a pipeline message waits the
 * outage out) instead of hanging until Redis comes back. Errors are logged once per outage, with the
 * URL's credentials redacted.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => delayFor(RETRY_POLICIES.redisReconnect, attempt),
  });
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    // The services of one process each have a client: the first to lose Redis says so for all.
    if (OUTAGES_REPORTED.has(url)) return;
    OUTAGES_REPORTED.add(url);
    logger.warn(
      `Redis ${redactUrl(url)} (REDIS_URL) unreachable: ${errorText(error)}; requests that need it answer 503 and pipeline messages wait until it is back; reconnecting`,
    );
  });
  redis.on("ready", () => {
    if (down && OUTAGES_REPORTED.delete(url)) logger.info(`Redis ${redactUrl(url)} reachable again`);
    down = false;
  });
  return redis;
}

/** Resolves once the client can take commands; rejects with the last connection error after `timeoutMs`. */
export function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
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
