import { BearerToken, unauthorized } from "./auth";
import { type GatewayRequest, matchedRoute } from "./aliases";
import { notAnObjectBody } from "./errors";
import { RateLimiter, rateLimited } from "./rate-limit";
import { type GatewayRoute, routeKey } from "./routes";

/** Clients the launch rate limiter remembers at once. */
const RATE_LIMITED_CLIENTS = 10_000;

export interface AdmissionOptions {
  /** API_TOKEN: routes that require it refuse requests without it; unset, nothing is required. */
  apiToken?: string | undefined;
  /** LAUNCH_RATE_LIMIT: launches per minute per client; 0 turns the limit off. */
  launchesPerMinute: number;
}

/**
 * The checks every request passes before its endpoint runs: a body that can carry named params, the
 * token of routes that require one, and the rate limit of rate-limited routes. Each refusal throws
 * the 4xx the client gets.
 */
export class RequestAdmission {
  private readonly routes: Map<string, GatewayRoute>;
  private readonly token: BearerToken | null;
  private readonly launches: RateLimiter | null;

  constructor(routes: readonly GatewayRoute[], options: AdmissionOptions) {
    this.routes = new Map(routes.map((route) => [routeKey(route), route]));
    this.token = options.apiToken ? new BearerToken(options.apiToken) : null;
    this.launches = options.launchesPerMinute > 0 ? new RateLimiter({ perMinute: options.launchesPerMinute, maxClients: RATE_LIMITED_CLIENTS }) : null;
  }

  /** Whether some route requires a token (the OpenAPI document says so). */
  get tokenRequired(): boolean {
    return this.token !== null;
  }

  admit(req: GatewayRequest): void {
    if (req.body !== undefined && (typeof req.body !== "object" || req.body === null || Array.isArray(req.body))) throw notAnObjectBody();
    const route = this.routes.get(matchedRoute(req));
    if (route?.requiresToken && this.token && !this.token.admits(req.headers.authorization)) throw unauthorized();
    if (route?.rateLimited && this.launches) {
      const decision = this.launches.take(req.socket.remoteAddress ?? "unknown");
      if (!decision.allowed) throw rateLimited(decision);
    }
  }
}
