import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers a cross-origin page may send, and the answer headers it may read. */
const ALLOWED_HEADERS = "Authorization, Content-Type";
const EXPOSED_HEADERS = "Retry-After";
const ALLOWED_METHODS = "GET, POST, DELETE";
/** Seconds a browser may cache a preflight's answer. */
const PREFLIGHT_MAX_AGE = 600;

/**
 * Which other origins' pages may call the gateway (CORS_ORIGINS): none by default, `*` for any.
 * A request from an origin not allowed is still answered, only without the CORS headers, so the
 * browser withholds the answer from that page; same-origin pages (the dashboard) are unaffected.
 */
export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;

  constructor(origins: readonly string[]) {
    this.anyOrigin = origins.includes("*");
    this.origins = new Set(origins.map((origin) => origin.toLowerCase()));
  }

  /** The CORS headers for a request from `origin`; none when that origin is not allowed. */
  headers(origin: string | undefined, preflight: boolean): Record<string, string> {
    if (!origin || !(this.anyOrigin || this.origins.has(origin.toLowerCase()))) return {};
    const allowed: Record<string, string> = this.anyOrigin
      ? { "Access-Control-Allow-Origin": "*" }
      : { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
    if (!preflight) return { ...allowed, "Access-Control-Expose-Headers": EXPOSED_HEADERS };
    return {
      ...allowed,
      "Access-Control-Allow-Methods": ALLOWED_METHODS,
      "Access-Control-Allow-Headers": ALLOWED_HEADERS,
      "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE),
    };
  }

  /**
   * A moleculer-web route middleware: adds the headers, and answers every OPTIONS request itself
   * (204), so that a preflight never reaches an action (moleculer-web would route it as the method
   * it announces).
   */
  middleware(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
    return (req, res, next) => {
      const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
      const preflight = req.method === "OPTIONS";
      for (const [name, value] of Object.entries(this.headers(origin, preflight))) res.setHeader(name, value);
      if (!preflight) return next();
      res.writeHead(204, { Allow: `${ALLOWED_METHODS}, OPTIONS`, "Content-Length": "0" });
      res.end();
    };
  }
}
