import { Redis } from "ioredis";
import { delayFor, RETRY_POLICIES } from "../core/retry";
import { redactUrl } from "../config/environment";
import type { Logger } from "../core/logger";

/**
 * A worker's Redis client. ioredis reconnects by itself and queues commands meanwhile; errors are
 * logged once per outage, with the URL's credentials redacted.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => delayFor(RETRY_POLICIES.redisReconnect, attempt),
    lazyConnect: false,
  });
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis ${redactUrl(url)} unreachable (${error.message}); reconnecting`);
  });
  redis.on("ready", () => {
    if (down) logger.info(`Redis ${redactUrl(url)} reachable again`);
    down = false;
  });
  return redis;
}
