import type { ServerResponse } from "node:http";
import { Errors } from "moleculer";

/**
 * Errors of the HTTP layer itself, before any action runs: a body that is not JSON, too large, or in
 * a charset we do not read. body-parser reports them with a `type`; each becomes a 4xx that says what
 * is wrong, never a 500.
 */
const NOT_JSON = { code: 400, type: "INVALID_JSON", message: "request body must be a JSON object" };

const BODY_ERRORS: Record<string, { code: number; type: string; message: string }> = {
  "entity.parse.failed": NOT_JSON,
  "entity.too.large": { code: 413, type: "BODY_TOO_LARGE", message: "request body must be at most 64 KiB" },
  "encoding.unsupported": {
    code: 415,
    type: "UNSUPPORTED_CONTENT_ENCODING",
    message: "Content-Encoding must be one of identity, gzip, deflate, br, zstd",
  },
  "charset.unsupported": { code: 415, type: "UNSUPPORTED_CHARSET", message: "request body must be UTF-8" },
  "request.aborted": { code: 400, type: "REQUEST_ABORTED", message: "request body was cut off" },
  "request.size.invalid": {
    code: 400,
    type: "INVALID_BODY_SIZE",
    message: "request body length does not match its Content-Length",
  },
};

const UNDECODABLE = {
  code: 400,
  type: "INVALID_BODY_ENCODING",
  message: "request body does not decode with its Content-Encoding",
};

function isDecodingError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // zlib's codes (Z_DATA_ERROR), brotli's (ERR__ERROR_FORMAT_...), zstd's (ZSTD_error_prefix_unknown).
  return typeof code === "string" && /^(Z_|ERR__ERROR_|ERR_BROTLI|ERR_ZSTD|ZSTD_)/.test(code);
}

/**
 * How deep a request body may nest. Every body the API takes is two levels deep; a deeper one is
 * refused before it reaches the transporter, whose serializer recurses and would overflow the stack.
 */
export const MAX_BODY_DEPTH = 16;

/** A body nested deeper than MAX_BODY_DEPTH. */
export function tooDeepBody(): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    `request body must nest at most ${MAX_BODY_DEPTH} levels of objects and lists`,
    400,
    "BODY_TOO_DEEP",
    { field: "body" },
  );
}

/** Whether a parsed JSON value nests deeper than `limit`; iterative, so that the check itself cannot overflow. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== "object" || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** A body that is JSON but not an object (a list, a string) cannot carry named params. */
export function notAnObjectBody(): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(NOT_JSON.message, NOT_JSON.code, NOT_JSON.type, { field: "body" });
}

/** Any error an HTTP request can meet, as the JSON error the client gets. */
export function httpError(error: unknown): Errors.MoleculerError {
  // moleculer-web wraps body-parser's errors, keeping their type.
  const bodyError = BODY_ERRORS[String((error as { type?: unknown } | null)?.type)];
  if (bodyError)
    return new Errors.MoleculerClientError(bodyError.message, bodyError.code, bodyError.type, { field: "body" });
  // A body that fails to decompress (`Content-Encoding: gzip` over other bytes) reaches us as the
  // zlib error's own code (`Z_DATA_ERROR`), which moleculer-web keeps as the error's code.
  if (isDecodingError(error))
    return new Errors.MoleculerClientError(UNDECODABLE.message, UNDECODABLE.code, UNDECODABLE.type, { field: "body" });
  // Never hand Node a status that is not one: it would throw while answering.
  if (error instanceof Errors.MoleculerError && Number.isInteger(error.code) && error.code >= 400 && error.code <= 599)
    return error;
  const status = Number((error as { status?: unknown } | null)?.status);
  if (status >= 400 && status < 500) return new Errors.MoleculerClientError("bad request", status, "BAD_REQUEST");
  return new Errors.MoleculerError("internal error", 500, "INTERNAL_ERROR");
}

/**
 * A launch that timed out may still start its run (the launcher works on after the gateway stopped
 * waiting): its 504 says so, and how to find out or retry safely.
 */
export function explainUnconfirmedLaunch(route: string, error: unknown): unknown {
  if (route !== "POST /launch" || !(error instanceof Errors.RequestTimeoutError)) return error;
  return new Errors.MoleculerError(
    "no launcher answered in time: the run may have started; GET /statistics shows whether it did, and a retry with the same Idempotency-Key never starts a second run",
    504,
    "LAUNCH_UNCONFIRMED",
    { may_have_started: true },
  );
}

/**
 * Answers a failed request with its JSON error, and tells `log` of it (gateway/failed-requests.ts);
 * a live stream that already started has no room for an error body and is only ended.
 */
export function sendHttpError(
  res: ServerResponse,
  err: unknown,
  log: (failure: { status: number; type: string }, cause: unknown) => void,
): void {
  const error = httpError(err);
  log({ status: error.code, type: error.type || error.name }, err);
  if (res.headersSent) return void res.end();
  const data: unknown = error.data;
  const body = {
    name: error.name,
    message: error.code === 500 ? "internal error" : error.message,
    code: error.code,
    type: error.type,
    data,
  };
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  if (error.code === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="tweetmesh"');
  const retryAfter = (data as { retry_after?: unknown } | undefined)?.retry_after;
  if (error.code === 429 && typeof retryAfter === "number") res.setHeader("Retry-After", String(retryAfter));
  res.writeHead(error.code);
  res.end(JSON.stringify(body));
}
