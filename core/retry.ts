/**
 * Reconnect delays, written once for every client that reconnects (the pipeline's AMQP connection,
 * the live stream source). A policy is data; `delayFor` is a pure function of the attempt.
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
