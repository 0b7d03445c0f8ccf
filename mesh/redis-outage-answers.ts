import { type Context, Errors, type Middleware } from "moleculer";
import { redactUrl, type RedisTarget } from "../config/environment";
import { errorText } from "../core/error-text";
import { isRedisOutage } from "../store/redis";

type ActionHandler = (ctx: Context) => Promise<unknown>;

/** The 503 a request gets while Redis is away or refusing writes: retryable, naming Redis, where, and the variable. */
export function redisUnavailable(redis: RedisTarget, cause: unknown): Errors.MoleculerRetryableError {
  return new Errors.MoleculerRetryableError(
    `Redis at ${redactUrl(redis.urls)} (${redis.variable}) is not answering or refuses writes: ${errorText(cause)}`,
    503,
    "REDIS_UNAVAILABLE",
    { dependency: "redis" },
  );
}

/**
 * Actions that fail because Redis is out answer 503 naming it, instead of a 500 or an RPC timeout;
 * being retryable, read actions are retried by their retry policy.
 */
export function redisOutageAnswers(redis: RedisTarget): Middleware {
  return {
    name: "RedisOutageAnswers",
    localAction(next: ActionHandler): ActionHandler {
      return (ctx) =>
        next(ctx).catch((error: unknown) => {
          throw isRedisOutage(error) ? redisUnavailable(redis, error) : error;
        });
    },
  };
}
