import type { ServiceBroker } from "moleculer";
import { type Environment, redactUrl } from "../config/environment";
import { errorText } from "../core/error-text";
import { redisClient, type RedisClient } from "../store/redis";
import { DrainingAmqpTransporter } from "./draining-transporter";

/** One dependency of a node as an operator must be told of it: what, where, and which variable sets it. */
export interface DependencyState {
  name: "RabbitMQ" | "Redis";
  /** Where it is looked for, credentials redacted. */
  url: string;
  variable: "TRANSPORTER" | "REDIS_URL" | "REDIS_CLUSTER_NODES";
  connected: boolean;
  /** Why not, when not. */
  error: string | null;
}

/**
 * Watches, while a node starts, whether it reached RabbitMQ (its transporter) and Redis (a client of
 * its own, which asks nothing else), so that a node that waits can say for what, where, and which
 * variable to fix, in one line.
 */
export class DependencyWatch {
  private readonly redis: RedisClient;
  private redisError: string | null = null;

  constructor(
    private readonly env: Environment,
    private readonly broker: ServiceBroker,
  ) {
    this.redis = redisClient(env.REDIS, () => 1000);
    this.redis.on("error", (error: unknown) => (this.redisError = errorText(error)));
    this.redis.on("ready", () => (this.redisError = null));
  }

  states(): DependencyState[] {
    const transporter = this.broker.transit?.tx;
    const rabbitError =
      transporter instanceof DrainingAmqpTransporter && transporter.lastConnectError !== null
        ? errorText(transporter.lastConnectError)
        : "no answer yet";
    const rabbitConnected = this.broker.transit?.connected === true;
    const redisConnected = this.redis.status === "ready";
    return [
      {
        name: "RabbitMQ",
        url: redactUrl(this.env.TRANSPORTER),
        variable: "TRANSPORTER",
        connected: rabbitConnected,
        error: rabbitConnected ? null : rabbitError,
      },
      {
        name: "Redis",
        url: redactUrl(this.env.REDIS.urls),
        variable: this.env.REDIS.variable,
        connected: redisConnected,
        error: redisConnected ? null : (this.redisError ?? "no answer yet"),
      },
    ];
  }

  /** The dependencies not reached, as one line each. */
  waitingFor(): string[] {
    return this.states()
      .filter((state) => !state.connected)
      .map(
        (state) =>
          `${state.name} at ${state.url} (${state.variable}) does not answer: ${state.error ?? "no answer yet"}`,
      );
  }

  /** Resolves once Redis answers (as long as it takes: the caller bounds the wait). */
  redisReady(): Promise<void> {
    if (this.redis.status === "ready") return Promise.resolve();
    return new Promise((resolve) => this.redis.once("ready", () => resolve()));
  }

  close(): void {
    this.redis.disconnect();
  }
}
