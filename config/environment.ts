import { z } from "zod";

/**
 * The process's configuration, read once from the environment. Other tools and scripts rely on
 * these names; each default works on a machine running RabbitMQ and Redis on their standard ports.
 */

export const SERVICE_NAMES = ["api", "launcher", "filter", "statistics", "timeline"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const positiveInt = (name: string) =>
  z.coerce.number().int(`${name} must be a whole number`).positive(`${name} must be greater than 0`);
const nonNegativeNumber = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).min(0, `${name} must be 0 or more`);

const amqpUrl = (name: string) => z.string().regex(/^amqps?:\/\/\S+$/, `${name} must be an amqp:// or amqps:// URL`);

const serviceList = z
  .string()
  .transform((list) => list.split(",").map((name) => name.trim()).filter((name) => name.length > 0))
  .pipe(
    z
      .array(z.enum(SERVICE_NAMES, { error: `SERVICES names one of: ${SERVICE_NAMES.join(", ")}` }))
      .min(1, "SERVICES must name at least one service"),
  );

export const Environment = z.object({
  /** Moleculer transporter for RPC; also the AMQP broker of the tweet pipeline unless PIPELINE_URL is set. */
  TRANSPORTER: amqpUrl("TRANSPORTER").default("amqp://guest:guest@127.0.0.1:5672"),
  /** AMQP URL of the durable tweet pipeline. */
  PIPELINE_URL: amqpUrl("PIPELINE_URL").optional(),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
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
  STREAM_SOURCE: z.enum(["generator", "replay"], { error: "STREAM_SOURCE must be generator or replay" }).default("generator"),
  GENERATOR_RATE: positiveInt("GENERATOR_RATE").default(200),
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
  TIMELINE_CAP: positiveInt("TIMELINE_CAP").default(800),
  TWEET_TTL: positiveInt("TWEET_TTL").default(24 * 3600),
});
export type Environment = z.infer<typeof Environment>;

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

/** A URL fit for logs: credentials replaced, so that secrets never reach an operator's screen. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) parsed.username = "***";
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
