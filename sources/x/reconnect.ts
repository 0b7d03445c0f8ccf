import { Backoff, delayFor, RETRY_POLICIES, type BackoffPolicy } from "../../core/retry";

/**
 * When the filtered stream reconnects, as X documents it: at once after a disconnect, then each
 * kind of failure backs off by its own policy. The policies themselves are read in core/retry.ts.
 */

/** Why a connection ended or could not be made. */
export type ReconnectCause =
  /** The connection was cut (by X, a proxy or the network) after it had been made. */
  | "dropped"
  /** Neither data nor a keep-alive for the stall timeout: X sends a keep-alive at least every 20 s. */
  | "stalled"
  /** X said so in the stream (`operational-disconnect`), then closed it. */
  | "operational-disconnect"
  /** The connection could not be made: refused, reset, timed out. */
  | "network"
  /** X answered the connection with an HTTP error other than 429. */
  | "http"
  /** HTTP 429: too many connections (the app's one is taken) or requests. */
  | "rate-limited";

/** X's documented reconnect policies, one per kind of failure. */
export interface ReconnectPolicies {
  network: BackoffPolicy;
  http: BackoffPolicy;
  rateLimited: BackoffPolicy;
}

/** X's documented reconnect policies, from the project's table of retries. */
export const X_RECONNECT_POLICIES: ReconnectPolicies = {
  network: RETRY_POLICIES.xNetwork,
  http: RETRY_POLICIES.xHttp,
  rateLimited: RETRY_POLICIES.xRateLimited,
};

const POLICY_OF: Record<ReconnectCause, keyof ReconnectPolicies> = {
  dropped: "network",
  stalled: "network",
  "operational-disconnect": "network",
  network: "network",
  http: "http",
  "rate-limited": "rateLimited",
};

/** A connection that had been made and then ended: X asks to reconnect at once the first time. */
const isDisconnect = (cause: ReconnectCause): boolean =>
  cause === "dropped" || cause === "stalled" || cause === "operational-disconnect";

/** The delay before retry `attempt` (0 = the first) of a failure of this kind, without the immediate first reconnect. */
export function reconnectDelay(cause: ReconnectCause, attempt: number, policies: ReconnectPolicies): number {
  return delayFor(policies[POLICY_OF[cause]], attempt);
}

/**
 * The delays of one outage. The outage ends when a connection delivers something (data or a
 * keep-alive): a connection that is accepted and then cut at once does not earn another free retry.
 */
export class ReconnectSchedule {
  private readonly backoffs: Record<keyof ReconnectPolicies, Backoff>;
  private immediateUsed = false;

  constructor(policies: ReconnectPolicies) {
    this.backoffs = {
      network: new Backoff(policies.network),
      http: new Backoff(policies.http),
      rateLimited: new Backoff(policies.rateLimited),
    };
  }

  next(cause: ReconnectCause): number {
    if (isDisconnect(cause) && !this.immediateUsed) {
      this.immediateUsed = true;
      return 0;
    }
    return this.backoffs[POLICY_OF[cause]].next();
  }

  /** A connection delivered: the next failure starts a new outage. */
  held(): void {
    this.immediateUsed = false;
    for (const backoff of Object.values(this.backoffs)) backoff.reset();
  }
}
