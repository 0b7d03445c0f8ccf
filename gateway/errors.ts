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
  "encoding.unsupported": { code: 415, type: "UNSUPPORTED_ENCODING", message: "request body must be UTF-8" },
  "charset.unsupported": { code: 415, type: "UNSUPPORTED_CHARSET", message: "request body must be UTF-8" },
  "request.aborted": { code: 400, type: "REQUEST_ABORTED", message: "request body was cut off" },
  "request.size.invalid": { code: 400, type: "INVALID_BODY_SIZE", message: "request body length does not match its Content-Length" },
};

const UNDECODABLE = { code: 400, type: "INVALID_BODY_ENCODING", message: "request body does not decode with its Content-Encoding" };

function isDecodingError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(Z_|ERR__ERROR_|ERR_BROTLI|ERR_ZSTD)/.test(code);
}

/** A body that is JSON but not an object (a list, a string) cannot carry named params. */
export function notAnObjectBody(): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(NOT_JSON.message, NOT_JSON.code, NOT_JSON.type, { field: "body" });
}

/** Any error an HTTP request can meet, as the JSON error the client gets. */
export function httpError(error: unknown): Errors.MoleculerError {
  // moleculer-web wraps body-parser's errors, keeping their type.
  const bodyError = BODY_ERRORS[String((error as { type?: unknown } | null)?.type)];
  if (bodyError) return new Errors.MoleculerClientError(bodyError.message, bodyError.code, bodyError.type, { field: "body" });
  // A body that fails to decompress (`Content-Encoding: gzip` over other bytes) reaches us as the
  // zlib error's own code (`Z_DATA_ERROR`), which moleculer-web keeps as the error's code.
  if (isDecodingError(error)) return new Errors.MoleculerClientError(UNDECODABLE.message, UNDECODABLE.code, UNDECODABLE.type, { field: "body" });
  // Never hand Node a status that is not one: it would throw while answering.
  if (error instanceof Errors.MoleculerError && Number.isInteger(error.code) && error.code >= 400 && error.code <= 599) return error;
  const status = Number((error as { status?: unknown } | null)?.status);
  if (status >= 400 && status < 500) return new Errors.MoleculerClientError("bad request", status, "BAD_REQUEST");
  return new Errors.MoleculerError("internal error", 500, "INTERNAL_ERROR");
}

/**
 * Answers a failed request with its JSON error. A 5xx is logged (a 4xx is the client's to fix); a live
 * stream that already started has no room for an error body and is only ended.
 */
export function sendHttpError(res: ServerResponse, err: unknown, logServerError: (error: unknown) => void): void {
  const error = httpError(err);
  if (error.code >= 500) logServerError(err);
  if (res.headersSent) return void res.end();
  const data: unknown = error.data;
  const body = { name: error.name, message: error.code === 500 ? "internal error" : error.message, code: error.code, type: error.type, data };
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  if (error.code === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="tweetmesh"');
  const retryAfter = (data as { retry_after?: unknown } | undefined)?.retry_after;
  if (error.code === 429 && typeof retryAfter === "number") res.setHeader("Retry-After", String(retryAfter));
  res.writeHead(error.code);
  res.end(JSON.stringify(body));
}
