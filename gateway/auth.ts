import { createHash, timingSafeEqual } from "node:crypto";
import { Errors } from "moleculer";

/**
 * The bearer token of the endpoints that spend API quota. Both sides are hashed before comparing, so
 * that the comparison takes the same time whatever the length or content of the token offered; the
 * token itself never appears in an error or a log line.
 */
export class BearerToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  /** Whether an `Authorization` header carries this token. */
  admits(authorization: string | string[] | undefined): boolean {
    const offered = typeof authorization === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
    // A missing token is compared too, against a value that never matches: the same work either way.
    return timingSafeEqual(this.digest, sha256(offered ?? "")) && offered !== undefined;
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** 401: the endpoint needs the bearer token. */
export function unauthorized(): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    "this endpoint requires the API token: Authorization: Bearer <API_TOKEN>",
    401,
    "UNAUTHORIZED",
    { field: "authorization" },
  );
}
