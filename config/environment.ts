import { z } from "zod";
import { SourceName } from "../contracts/source";

/**
 * The process's configuration, read once from the environment. Other tools and scripts rely on
 * these names; each default works on a machine running RabbitMQ and Redis on their standard ports.
 */

/** DEDUP_WINDOW's default, one hour: also what a RunStore made without options keeps (tests, the bench). */
export const DEFAULT_DEDUP_WINDOW_SECONDS = 3600;

export const SERVICE_NAMES = ["api", "launcher", "filter", "statistics", "timeline", "archive"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const positiveInt = (name: string) =>
  z.coerce.number().int(`${name} must be a whole number`).positive(`${name} must be greater than 0`);
const nonNegativeNumber = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).min(0, `${name} must be 0 or more`);

/**
 * A URL of one of `schemes` that Node's URL parser accepts, port (when given) 1 to 65535. The rule's
 * message never repeats the value: a URL may carry a password.
 */
const serviceUrl = (schemes: readonly string[], message: string) =>
  z.string().refine((value) => {
    const url = URL.parse(value);
    return (
      url !== null &&
      schemes.includes(url.protocol) &&
      url.hostname !== "" &&
      (url.port === "" || Number(url.port) >= 1)
    );
  }, message);
/**
 * One amqp:// or amqps:// URL, or a comma-separated list of a cluster's nodes (a comma in a password is
 * written %2C), as a list in the given order.
 */
const amqpUrls = (name: string) =>
  z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((url) => url.trim())
        .filter((url) => url.length > 0),
    )
    .pipe(
      z
        .array(
          serviceUrl(
            ["amqp:", "amqps:"],
            `${name} must be an amqp:// or amqps:// URL, or a comma-separated list of them`,
          ),
        )
        .min(1, `${name} must name at least one amqp:// or amqps:// URL`),
    );

/**
 * A Redis Cluster's seed nodes, comma-separated, each `host:port` or a redis:// or rediss:// URL (which
 * may carry the credentials every node takes), as redis:// URLs in the given order.
 */
const redisClusterNodes = z
  .string()
  .transform((list) =>
    list
      .split(",")
      .map((node) => node.trim())
      .filter((node) => node.length > 0)
      .map((node) => (/^[a-z]+:\/\//i.test(node) ? node : `redis://${node}`)),
  )
  .pipe(
    z
      .array(
        serviceUrl(
          ["redis:", "rediss:"],
          "REDIS_CLUSTER_NODES must be comma-separated host:port pairs or redis:// URLs, each port 1 to 65535",
        ),
      )
      .min(1, "REDIS_CLUSTER_NODES must name at least one host:port"),
  );

const serviceList = z
  .string()
  .transform((list) =>
    list
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
  )
  .pipe(
    z
      .array(z.enum(SERVICE_NAMES, { error: `SERVICES names one of: ${SERVICE_NAMES.join(", ")}` }))
      .min(1, "SERVICES must name at least one service"),
  );

/** `*`, or a comma-separated list of origins such as `https://dashboard.example.com`. */
const originList = z
  .string()
  .transform((list) =>
    list
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^(\*|https?:\/\/[^\s/,]+)$/,
          "CORS_ORIGINS must be * or comma-separated origins such as https://example.com (scheme and host, no path)",
        ),
    ),
  );

const httpUrl = (name: string) =>
  z.string().regex(/^https?:\/\/[^\s/]+\S*$/, `${name} must be an http:// or https:// URL`);

/** `a, b or c`: the words of a message that lists choices. */
const oneOf = (choices: readonly string[]): string =>
  choices.length < 2 ? choices.join("") : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;

const EnvironmentVariables = z.object({
  /**
   * Moleculer transporter for RPC; also the AMQP broker of the tweet pipeline unless PIPELINE_URL is set.
   * A cluster's nodes comma-separated: the first that answers is used, then the next when it drops.
   */
  TRANSPORTER: amqpUrls("TRANSPORTER").default(["amqp://guest:guest@127.0.0.1:5672"]),
  /** AMQP URL, or comma-separated node URLs, of the durable tweet pipeline; unset: TRANSPORTER's. */
  PIPELINE_URL: amqpUrls("PIPELINE_URL").optional(),
  /** Members of each pipeline quorum queue at its declaration; unset: min(3, PIPELINE_URL's nodes). */
  QUEUE_REPLICAS: positiveInt("QUEUE_REPLICAS").optional(),
  REDIS_URL: serviceUrl(
    ["redis:", "rediss:"],
    "REDIS_URL must be a redis:// or rediss:// URL with a host and a port of 1 to 65535",
  ).default("redis://127.0.0.1:6379"),
  /** A Redis Cluster's seed nodes (`host:port,...`), used instead of REDIS_URL when set. */
  REDIS_CLUSTER_NODES: redisClusterNodes.optional(),
  /**
   * Replicas a pipeline worker's Redis writes must reach (`WAIT`) before it acks the message; unset: 0
   * on one Redis, 1 on a cluster, whose primary may otherwise die with acked writes its replica lacks.
   */
  REDIS_MIN_REPLICAS: z.coerce
    .number()
    .int("REDIS_MIN_REPLICAS must be a whole number")
    .min(0, "REDIS_MIN_REPLICAS must be 0 or more")
    .optional(),
  /** How long a worker waits for REDIS_MIN_REPLICAS replicas; past it the message is not acked, and comes again. */
  REDIS_WAIT_TIMEOUT_MS: positiveInt("REDIS_WAIT_TIMEOUT_MS")
    // Under the 5 s a Redis command may take (store/redis.ts), so that WAIT answers before its command times out.
    .max(4000, "REDIS_WAIT_TIMEOUT_MS must be at most 4000")
    .default(1000),
  /** PostgreSQL of the tweet archive; unset: no archive. Its credentials are never logged. */
  DATABASE_URL: serviceUrl(
    ["postgres:", "postgresql:"],
    "DATABASE_URL must be a postgres:// or postgresql:// URL with a host and a port of 1 to 65535",
  ).optional(),
  /** Days of `created_at` the archive keeps: older days' partitions are dropped whole; 0 keeps every day. */
  ARCHIVE_RETENTION_DAYS: z.coerce
    .number()
    .int("ARCHIVE_RETENTION_DAYS must be a whole number")
    .min(0, "ARCHIVE_RETENTION_DAYS must be 0 (keep every day) or more")
    .max(36_500, "ARCHIVE_RETENTION_DAYS must be at most 36500")
    .default(30),
  PORT: z.coerce.number().int().min(0).max(65535).default(8004),
  /** Comma-separated services this process runs. */
  SERVICES: serviceList.default([...SERVICE_NAMES]),
  /** Separates meshes sharing one RabbitMQ and one Redis: queue names and Redis keys carry it. */
  NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "NAMESPACE may hold only letters, digits, '_' and '-'")
    .default(""),
  NODE_ID: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  /** Unset: `x` when X_BEARER_TOKEN is set, else `generator`. */
  STREAM_SOURCE: z.enum(SourceName.options, { error: `STREAM_SOURCE must be ${oneOf(SourceName.options)}` }).optional(),
  /** The X app's bearer token, for the `x` source; never logged nor echoed in an error. */
  X_BEARER_TOKEN: z.string().optional(),
  X_API_BASE_URL: httpUrl("X_API_BASE_URL").default("https://api.x.com"),
  /** Tweets the X source holds while the pipeline is behind; beyond, new tweets are dropped and counted. */
  X_STREAM_BUFFER: positiveInt("X_STREAM_BUFFER").default(10_000),
  /** Filtered-stream rule limits of the app's access level (Pro: 1,000 rules of 1,024 characters); a launch's rules are held to them on every source. */
  X_MAX_RULES: positiveInt("X_MAX_RULES").default(1000),
  X_MAX_RULE_LENGTH: positiveInt("X_MAX_RULE_LENGTH").default(1024),
  /** A launch on the x source is refused (429) once the app's monthly post cap is reached. */
  X_POST_CAP_GUARD: z
    .enum(["true", "false"], { error: "X_POST_CAP_GUARD must be true or false" })
    .default("true")
    .transform((value) => value === "true"),
  /**
   * POSTs to the filtered stream's rules endpoint the mesh makes per 15 minutes: X allows an app 100
   * (docs.x.com/x-api/fundamentals/rate-limits, POST /2/tweets/search/stream/rules). A launch may need
   * three (a dry run, a delete, an add).
   */
  X_RULE_REQUESTS_PER_15MIN: positiveInt("X_RULE_REQUESTS_PER_15MIN")
    .min(3, "X_RULE_REQUESTS_PER_15MIN must be at least 3 (a launch may need a dry run, a delete and an add)")
    .default(100),
  /** Minutes of posts X sends again after a reconnect (`backfill_minutes`, 1 to 5 on access levels that offer it); 0: none. */
  X_BACKFILL_MINUTES: z.coerce
    .number()
    .int("X_BACKFILL_MINUTES must be a whole number")
    .min(0, "X_BACKFILL_MINUTES must be 0 to 5")
    .max(5, "X_BACKFILL_MINUTES must be 0 to 5")
    .default(0),
  GENERATOR_RATE: positiveInt("GENERATOR_RATE").default(200),
  /** The share of generated tweets that are edits of a recent one, as X's posts may be edited. */
  GENERATOR_EDIT_SHARE: z.coerce
    .number({ error: "GENERATOR_EDIT_SHARE must be a number from 0 to 1" })
    .min(0, "GENERATOR_EDIT_SHARE must be a number from 0 to 1")
    .max(1, "GENERATOR_EDIT_SHARE must be a number from 0 to 1")
    .default(0.01),
  /** Unset: a new seed per run, recorded with the run. */
  GENERATOR_SEED: z.coerce.number().int("GENERATOR_SEED must be a whole number").optional(),
  REPLAY_FILE: z.string().optional(),
  REPLAY_RATE: nonNegativeNumber("REPLAY_RATE").default(0),
  /** Tweets per pipeline message, and how long a partial batch may wait before it is sent. */
  BATCH_SIZE: positiveInt("BATCH_SIZE").max(1000, "BATCH_SIZE must be at most 1000").default(200),
  BATCH_LINGER_MS: nonNegativeNumber("BATCH_LINGER_MS").default(20),
  /** Messages (batches) a pipeline queue holds before publishers wait: bounded growth when consumers fall behind. */
  QUEUE_MAX_LENGTH: positiveInt("QUEUE_MAX_LENGTH").default(2000),
  /** Deliveries of one pipeline message before it goes to the dead-letter queue. */
  DELIVERY_LIMIT: positiveInt("DELIVERY_LIMIT").default(5),
  /** Concurrent identical calls of read actions from this node share one answer (mesh/read-coalescing.ts). */
  READ_COALESCING: z
    .enum(["true", "false"], { error: "READ_COALESCING must be true or false" })
    .default("true")
    .transform((value) => value === "true"),
  /** Port of a node's own `/health` and `/ready` probes (nodes without a gateway); unset: none. */
  HEALTH_PORT: z.coerce
    .number()
    .int("HEALTH_PORT must be a whole number")
    .min(1, "HEALTH_PORT must be 1 to 65535")
    .max(65535, "HEALTH_PORT must be 1 to 65535")
    .optional(),
  /** Seconds a running run may go without any launcher streaming it (all down) before it ends as `orphaned` rather than resume. */
  ORPHAN_TIMEOUT: positiveInt("ORPHAN_TIMEOUT").default(60),
  /** Seconds a process waits for RabbitMQ and Redis at start-up before it exits non-zero, for its supervisor to restart it. */
  STARTUP_TIMEOUT: positiveInt("STARTUP_TIMEOUT").default(60),
  /** Seconds a process may take to drain and stop on SIGTERM or SIGINT; what is still in hand is left unacked, for RabbitMQ to redeliver. */
  STOP_TIMEOUT: positiveInt("STOP_TIMEOUT").default(30),
  /**
   * Gateways of this mesh on one machine share PORT (SO_REUSEPORT, Linux): what a local rolling deploy
   * and `make cluster` need. Off, a taken port is an error, so that two meshes never share one by mistake.
   */
  GATEWAY_SHARE_PORT: z
    .enum(["true", "false"], { error: "GATEWAY_SHARE_PORT must be true or false" })
    .default("false")
    .transform((value) => value === "true"),
  /** How long a leaving gateway answers while `/ready` says 503, so that load balancers stop sending to it. */
  DRAIN_DELAY_MS: nonNegativeNumber("DRAIN_DELAY_MS").max(60_000, "DRAIN_DELAY_MS must be at most 60000").default(0),
  TIMELINE_CAP: positiveInt("TIMELINE_CAP").default(800),
  /**
   * Subscribers who follow something, and follows (authors and phrases) of one subscriber: each
   * follow fans every tweet it matches out to one more pair of home timelines, so together they bound
   * the timelines' memory at about MAX_SUBSCRIBERS x 2 x TIMELINE_CAP ids.
   */
  MAX_SUBSCRIBERS: positiveInt("MAX_SUBSCRIBERS").default(1000),
  MAX_FOLLOWS_PER_SUBSCRIBER: positiveInt("MAX_FOLLOWS_PER_SUBSCRIBER").default(100),
  /** Bearer token that /launch, /stop and follows require when set; never logged nor echoed. */
  API_TOKEN: z.string().min(16, "API_TOKEN must be at least 16 characters").optional(),
  /** Launches per minute one client may make (per gateway worker); 0 turns the limit off. */
  LAUNCH_RATE_LIMIT: z.coerce
    .number()
    .int("LAUNCH_RATE_LIMIT must be a whole number")
    .min(0, "LAUNCH_RATE_LIMIT must be 0 or more")
    .default(10),
  /** Origins whose browser pages may call the gateway; unset: no cross-origin access. */
  CORS_ORIGINS: originList.default([]),
  /** Statistics updates per second that /stream sends a client at most, however fast tweets arrive. */
  STREAM_MAX_RATE: z.coerce
    .number()
    .int("STREAM_MAX_RATE must be a whole number")
    .min(1, "STREAM_MAX_RATE must be at least 1")
    .max(60, "STREAM_MAX_RATE must be at most 60")
    .default(10),
  /** Bytes a `/stream` client's answer may hold unsent; beyond, its tweets are dropped (and counted in a `dropped` event). */
  STREAM_BUFFER: positiveInt("STREAM_BUFFER").default(256 * 1024),
  /** Seconds a `/stream` client may take nothing (its buffer full) before it is disconnected; EventSource reconnects. */
  STREAM_STALL_SECS: positiveInt("STREAM_STALL_SECS").default(30),
  TWEET_TTL: positiveInt("TWEET_TTL").default(24 * 3600),
  /**
   * Seconds a run's exactly-once state proves that a tweet or a batch was counted, by the run's own
   * clocks (tweets by snowflake time, batches by when they were sent): longer than any redelivery, resend
   * or lease takeover. A batch that comes back later is dead-lettered as late, never counted twice.
   */
  DEDUP_WINDOW: positiveInt("DEDUP_WINDOW").default(DEFAULT_DEDUP_WINDOW_SECONDS),
  /**
   * For the bench only: `off` makes statistics workers count batches (amount, examined, per phrase)
   * without the series and the top values, so that `make bench` can show what that state costs.
   */
  STATISTICS_STATE: z.enum(["on", "off"], { error: "STATISTICS_STATE must be on or off" }).default("on"),
});

/** The Redis a process uses: one server (REDIS_URL) or a cluster's seed nodes (REDIS_CLUSTER_NODES). */
export interface RedisTarget {
  /** The variable that names it, for an operator's messages. */
  variable: "REDIS_URL" | "REDIS_CLUSTER_NODES";
  /** The server's URL, or the seed nodes' URLs; may carry credentials, never logged unredacted. */
  urls: readonly string[];
  cluster: boolean;
}

export const Environment = EnvironmentVariables.superRefine((env, context) => {
  if (env.STREAM_SOURCE === "x" && !env.X_BEARER_TOKEN) {
    context.addIssue({
      code: "custom",
      path: ["X_BEARER_TOKEN"],
      message: "X_BEARER_TOKEN must be set for STREAM_SOURCE x",
    });
  }
}).transform((env) => {
  const pipelineUrls = env.PIPELINE_URL ?? env.TRANSPORTER;
  const redis: RedisTarget = env.REDIS_CLUSTER_NODES
    ? { variable: "REDIS_CLUSTER_NODES", urls: env.REDIS_CLUSTER_NODES, cluster: true }
    : { variable: "REDIS_URL", urls: [env.REDIS_URL], cluster: false };
  return {
    ...env,
    REDIS: redis,
    REDIS_MIN_REPLICAS: env.REDIS_MIN_REPLICAS ?? (redis.cluster ? 1 : 0),
    STREAM_SOURCE: env.STREAM_SOURCE ?? (env.X_BEARER_TOKEN ? ("x" as const) : ("generator" as const)),
    PIPELINE_URL: pipelineUrls,
    // A quorum queue of three survives one node's loss; more members cost writes and buy little.
    QUEUE_REPLICAS: env.QUEUE_REPLICAS ?? Math.min(3, pipelineUrls.length),
  };
});
export type Environment = z.infer<typeof Environment>;
/** The variables unrefined, for the configuration table's test: names in `.shape`, defaults by parsing `{}`. */
export { EnvironmentVariables };

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/** Parses the environment, or throws one line naming the first bad variable and its rule. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = Environment.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? "environment");
  throw new ConfigurationError(`invalid configuration: ${variable}: ${issue?.message ?? "invalid"}`);
}

/**
 * A URL fit for logs: credentials replaced, so that secrets never reach an operator's screen. A list
 * (or a string holding several URLs, comma-separated, as TRANSPORTER takes them) is redacted URL by URL.
 */
export function redactUrl(url: string | readonly string[]): string {
  if (typeof url !== "string") return url.map((one) => redactOne(one)).join(",");
  return (url.match(/:\/\//g) ?? []).length > 1 ? redactUrl(url.split(",")) : redactOne(url);
}

function redactOne(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) parsed.username = "***";
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
