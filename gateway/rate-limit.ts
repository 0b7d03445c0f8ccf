import { Errors } from "moleculer";

export interface RateLimitPolicy {
  /** Requests a client may make per minute; also the burst it may make at once. */
  perMinute: number;
  /** Clients remembered at once: beyond, the longest-idle ones are forgotten (bounded memory under a flood of addresses). */
  maxClients: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client: `perMinute` tokens, refilled continuously. Kept in this gateway worker's
 * memory: with N gateway workers behind a balancer a client gets at most N times the limit, which is
 * enough to keep one client from spending the API quota, without a Redis round trip per request.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly policy: RateLimitPolicy) {}

  take(client: string, now = Date.now()): RateDecision {
    const refillPerMs = this.policy.perMinute / 60_000;
    const bucket = this.buckets.get(client) ?? { tokens: this.policy.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.policy.perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    this.forgetIdleClients();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
  }

  get clients(): number {
    return this.buckets.size;
  }

  private forgetIdleClients(): void {
    for (const client of this.buckets.keys()) {
      if (this.buckets.size <= this.policy.maxClients) return;
      this.buckets.delete(client);
    }
  }
}

/** 429, with the seconds to wait (the gateway sends them as `Retry-After`). */
export function rateLimited(decision: { retryAfterSeconds: number }): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    `too many launches: retry after ${decision.retryAfterSeconds} s`,
    429,
    "RATE_LIMITED",
    { field: "client", retry_after: decision.retryAfterSeconds },
  );
}
