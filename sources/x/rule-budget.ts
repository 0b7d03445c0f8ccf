import { Errors } from "moleculer";

/**
 * The mesh's budget of POSTs to X's rules endpoint. X allows an app a number of them per 15 minutes
 * (100, docs.x.com/x-api/fundamentals/rate-limits) and answers 429 past it; the mesh counts its own
 * in one window kept in Redis (store/x-api-store.ts), so that a launch that would exceed it is
 * refused before it sends anything, on whichever gateway and launcher workers it lands.
 */

/** X's window for rate limits. */
export const RULE_WINDOW_MS = 15 * 60 * 1000;

/** Requests taken from the budget, all at once. */
export interface RuleReservation {
  /** Gives back requests that will not be made after all (a dry run refused the rules, say). */
  release(count: number): Promise<void>;
}

export interface RuleBudget {
  /** Takes `count` requests, or throws XRuleBudgetError when the window has no room for them all. */
  reserve(count: number): Promise<RuleReservation>;
}

/** 429: the budget has no room, or X itself refused more rule changes; `retry_after` becomes `Retry-After`. */
export class XRuleBudgetError extends Errors.MoleculerClientError {
  // Errors cross the transporter by name, and only Moleculer's own names come back with their code.
  override name = "MoleculerClientError";

  constructor(message: string, retryAfterSeconds: number) {
    super(message, 429, "X_RULE_BUDGET", { setting: "X_RULE_REQUESTS_PER_15MIN", retry_after: retryAfterSeconds });
  }
}

/** The refusal when the mesh's own window is full. */
export function budgetSpent(asked: number, allowed: number, retryAfterSeconds: number): XRuleBudgetError {
  return new XRuleBudgetError(
    `the X rules budget has no room: this change needs ${asked} requests to X's rules endpoint, of the ${allowed} the mesh may make in any 15 minutes (X_RULE_REQUESTS_PER_15MIN); retry in ${retryAfterSeconds} s`,
    retryAfterSeconds,
  );
}

/** Nothing to reserve: the rules X holds are already the wanted ones. */
export const NO_RESERVATION: RuleReservation = { release: () => Promise.resolve() };

/** The mesh's shared window of rule requests (store/x-api-store.ts keeps it in Redis). */
export interface RuleRequestLedger {
  reserveRuleRequests(
    count: number,
    allowed: number,
    windowMs: number,
  ): Promise<{ granted: true; id: string } | { granted: false; retryAfterSeconds: number }>;
  releaseRuleRequests(id: string, reserved: number, count: number): Promise<void>;
}

/** X_RULE_REQUESTS_PER_15MIN over the mesh's shared window. */
export class MeshRuleBudget implements RuleBudget {
  constructor(
    private readonly ledger: RuleRequestLedger,
    private readonly allowed: number,
  ) {}

  async reserve(count: number): Promise<RuleReservation> {
    const grant = await this.ledger.reserveRuleRequests(count, this.allowed, RULE_WINDOW_MS);
    if (!grant.granted) throw budgetSpent(count, this.allowed, grant.retryAfterSeconds);
    return { release: (unused) => this.ledger.releaseRuleRequests(grant.id, count, unused) };
  }
}
