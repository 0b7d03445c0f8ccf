import { Errors } from "moleculer";
import { IDEMPOTENCY_KEY } from "../contracts/actions";
import { BearerToken, unauthorized } from "./auth";
import { type GatewayRequest, matchedRoute } from "./aliases";
import { MAX_BODY_DEPTH, nestsDeeperThan, notAnObjectBody, tooDeepBody } from "./errors";
import { RateLimiter, rateLimited } from "./rate-limit";
import { type GatewayRoute, routeKey } from "./routes";

/** Clients the launch rate limiter remembers at once. */
const RATE_LIMITED_CLIENTS = 10_000;

export interface AdmissionOptions {
  /** API_TOKEN: routes that require it refuse requests without it; unset, nothing is required. */
  apiToken?: string | undefined;
  /** LAUNCH_RATE_LIMIT: launches per minute per client; 0 turns the limit off. */
  launchesPerMinute: number;
  /** Whether a worker of the mesh answers an action now; unset, every action is taken to have one. */
  hasWorker?: (action: string) => boolean;
}

function badIdempotencyKey(): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    "Idempotency-Key must be 1 to 128 letters, digits, '_', '.', ':' or '-'",
    400,
    "INVALID_IDEMPOTENCY_KEY",
    { field: "Idempotency-Key" },
  );
}

/** 503 at once when no worker answers a route's action, rather than a call that fails or waits for a timeout. */
export function noWorker(action: string): Errors.MoleculerError {
  const service = action.split(".")[0] ?? action;
  return new Errors.MoleculerError(
    `no ${service} worker is running (${action}): start one; the gateway answers as soon as it joins`,
    503,
    "NO_WORKER",
    { action },
  );
}

/**
 * The checks every request passes before its endpoint runs: a body that can carry named params and
 * nests at most MAX_BODY_DEPTH levels, the token of routes that require one, and the rate limit of rate-limited routes. Each refusal throws
 * the 4xx the client gets.
 */
export class RequestAdmission {
  private readonly routes: Map<string, GatewayRoute>;
  private readonly token: BearerToken | null;
  private readonly launches: RateLimiter | null;
  private readonly hasWorker: (action: string) => boolean;

  constructor(routes: readonly GatewayRoute[], options: AdmissionOptions) {
    this.routes = new Map(routes.map((route) => [routeKey(route), route]));
    this.token = options.apiToken ? new BearerToken(options.apiToken) : null;
    this.hasWorker = options.hasWorker ?? (() => true);
    this.launches =
      options.launchesPerMinute > 0
        ? new RateLimiter({ perMinute: options.launchesPerMinute, maxClients: RATE_LIMITED_CLIENTS })
        : null;
  }

  /** Whether some route requires a token (the OpenAPI document says so). */
  get tokenRequired(): boolean {
    return this.token !== null;
  }

  admit(req: GatewayRequest): void {
    if (req.body !== undefined && (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)))
      throw notAnObjectBody();
    if (req.body !== undefined && nestsDeeperThan(req.body, MAX_BODY_DEPTH)) throw tooDeepBody();
    const route = this.routes.get(matchedRoute(req));
    if (route?.requiresToken && this.token && !this.token.admits(req.headers.authorization)) throw unauthorized();
    if (route?.rateLimited && this.launches) {
      const decision = this.launches.take(req.socket.remoteAddress ?? "unknown");
      if (!decision.allowed) throw rateLimited(decision);
    }
    const key = req.headers["idempotency-key"];
    if (key !== undefined && (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))) throw badIdempotencyKey();
    if (route && "action" in route.target && !this.hasWorker(route.target.action)) throw noWorker(route.target.action);
  }
}
