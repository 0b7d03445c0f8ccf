/**
 * Every retry of the project, in one table: which client waits how long before trying again. A
 * policy is data; `delayFor` is a pure function of the attempt.
 */
export interface BackoffPolicy {
  /** Delay of the first retry; 0 retries at once. */
  initialMs: number;
  /** Linear adds `stepMs` per attempt; exponential multiplies by `factor`. */
  growth: { kind: "linear"; stepMs: number } | { kind: "exponential"; factor: number };
  maxMs: number;
}

/** The delay before retry number `attempt` (0 = the first retry). */
export function delayFor(policy: BackoffPolicy, attempt: number): number {
  const delay =
    policy.growth.kind === "linear"
      ? policy.initialMs + policy.growth.stepMs * attempt
      : policy.initialMs * policy.growth.factor ** attempt;
  return Math.min(policy.maxMs, delay);
}

/** Counts attempts of one outage; `reset` once a connection held. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly policy: BackoffPolicy) {}

  next(): number {
    return delayFor(this.policy, this.attempt++);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * The named policies. A client that retries takes its delays from here, so that an operator reads
 * in one place how each dependency is waited for.
 */
export const RETRY_POLICIES = {
  /** The pipeline's AMQP connection: soon, then every few seconds while the broker is away. */
  amqpReconnect: { initialMs: 100, growth: { kind: "exponential", factor: 2 }, maxMs: 5000 },
  /** PostgreSQL (DATABASE_URL) while the archive starts: its schema is brought up to date once it answers. */
  databaseConnect: { initialMs: 500, growth: { kind: "exponential", factor: 2 }, maxMs: 5000 },
  /** Redis (ioredis' reconnect), likewise. */
  redisReconnect: { initialMs: 100, growth: { kind: "exponential", factor: 2 }, maxMs: 5000 },
  /** A publish the broker refused (queue full) frees up as soon as a consumer acks: retry soon. */
  fullQueue: { initialMs: 20, growth: { kind: "exponential", factor: 2 }, maxMs: 1000 },
  /** A message whose handler failed is handed back after this pause, by delivery count: no hot loop. */
  failedMessage: { initialMs: 100, growth: { kind: "exponential", factor: 2 }, maxMs: 2000 },
  /** A pipeline message whose handler failed for an outage (Redis away or refusing writes), retried in place. */
  outage: { initialMs: 200, growth: { kind: "exponential", factor: 2 }, maxMs: 5000 },
  /** Read actions over the transporter (Moleculer's retry policy; `readActionRetries` attempts). */
  readAction: { initialMs: 100, growth: { kind: "exponential", factor: 2 }, maxMs: 1000 },
  /** The gateway's live view re-reading figures after a failed read (from its refresh interval). */
  liveFigures: { initialMs: 1000, growth: { kind: "exponential", factor: 2 }, maxMs: 30_000 },
  /** X stream, TCP/IP errors (X's documented policy): 250 ms more per attempt, up to 16 s. */
  xNetwork: { initialMs: 250, growth: { kind: "linear", stepMs: 250 }, maxMs: 16_000 },
  /** X stream, HTTP errors (X's documented policy): from 5 s, doubling, up to 320 s. */
  xHttp: { initialMs: 5_000, growth: { kind: "exponential", factor: 2 }, maxMs: 320_000 },
  /** X stream, 429: from 1 minute, doubling; X names no ceiling, 16 minutes is ours. */
  xRateLimited: { initialMs: 60_000, growth: { kind: "exponential", factor: 2 }, maxMs: 960_000 },
} as const satisfies Record<string, BackoffPolicy>;

/** Attempts of a read action after the first. */
export const READ_ACTION_RETRIES = 3;
