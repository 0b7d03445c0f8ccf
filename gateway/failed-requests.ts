import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "../core/logger";

/** How often one kind of failure (status and type) is logged at most; the rest are counted into its next line. */
const LOG_INTERVAL_MS = 10_000;
/** A client's own request id is kept when it is this plain; anything else is replaced, so that it cannot forge log lines. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request id of a request: the client's `X-Request-Id` when plain, else a new one. */
export function requestIdOf(offered: unknown): string {
  return typeof offered === "string" && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
}

interface Failure {
  status: number;
  type: string;
}

/**
 * The gateway's log of failed requests, for an operator: one line at `warn` per failure (method,
 * path, status, type, request id), at most one per kind every 10 s with a count of those held back,
 * so that a flood of one failure (every request answered 503 while workers start) stays a few lines.
 * A stack trace only for an internal error, our bug, and only at `debug`.
 */
export class FailedRequestLog {
  private readonly kinds = new Map<string, { loggedAt: number; held: number }>();

  constructor(
    private readonly logger: Pick<Logger, "warn" | "debug">,
    private readonly now: () => number = Date.now,
  ) {}

  record(req: Pick<IncomingMessage, "method" | "url">, requestId: string, failure: Failure, cause: unknown): void {
    const key = `${failure.status} ${failure.type}`;
    const kind = this.kinds.get(key);
    const now = this.now();
    if (kind && now - kind.loggedAt < LOG_INTERVAL_MS) {
      kind.held += 1;
    } else {
      const held = kind?.held
        ? ` (${kind.held} more like it in the last ${Math.round((now - kind.loggedAt) / 1000)} s)`
        : "";
      this.logger.warn(`${req.method ?? "?"} ${pathOf(req.url)} ${key} request ${requestId}${held}`);
      this.kinds.set(key, { loggedAt: now, held: 0 });
    }
    if (failure.type === "INTERNAL_ERROR") this.logger.debug(`request ${requestId} failed:`, cause);
  }
}

/** The path without its query string, which is the client's and may be long or hold anything. */
function pathOf(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0] ?? "/";
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
