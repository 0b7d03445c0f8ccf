import { createServer, type RequestListener, type Server } from "node:http";
import type { Duplex } from "node:stream";

/** Where and how the gateway listens. */
export interface ListenOptions {
  port: number;
  host: string;
  /** GATEWAY_SHARE_PORT: share the port with the other gateways of this mesh (SO_REUSEPORT). */
  sharePort: boolean;
  /** This mesh's NAMESPACE: a shared port is refused when another mesh's gateway holds it. */
  namespace: string;
}

/** The header of a gateway's `/health` answer that names its mesh, so that a gateway joining a shared port can tell. */
export const NAMESPACE_HEADER = "x-tweetmesh-namespace";

export class GatewayPortError extends Error {
  override name = "GatewayPortError";
}

/**
 * The gateway's HTTP listener. With `sharePort` on Linux it binds with SO_REUSEPORT, so that during a
 * local rolling deploy the new gateway listens on the same port before the old one leaves: the kernel
 * spreads new connections over both, and the old one stops accepting only once the new one answers.
 * (With `net.ipv4.tcp_migrate_req=1` the kernel also hands the connections still queued on a closing
 * listener to the other one.) Before it shares, it asks the gateway already there which mesh it
 * serves, and refuses another mesh's port. Without `sharePort`, a taken port is an error naming PORT.
 */
export async function listenGateway(handler: RequestListener, options: ListenOptions): Promise<Server> {
  const sharing = options.sharePort && process.platform === "linux";
  if (sharing) await refuseAnotherMesh(options);
  const server = createServer(handler);
  server.on("clientError", answerClientError);
  return new Promise((resolve, reject) => {
    server.once("error", (error: Error & { code?: string }) =>
      reject(error.code === "EADDRINUSE" ? portTaken(options) : error),
    );
    server.listen({ port: options.port, host: options.host, reusePort: sharing }, () => {
      server.removeAllListeners("error");
      resolve(server);
    });
  });
}

/**
 * Checks, before the node connects anything, that the gateway will be able to listen: a one-line
 * error at start-up rather than a failed service start. `listenGateway` checks again when it binds.
 */
export async function checkGatewayPort(options: ListenOptions): Promise<void> {
  const sharing = options.sharePort && process.platform === "linux";
  if (sharing) return refuseAnotherMesh(options);
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error: Error & { code?: string }) =>
      reject(error.code === "EADDRINUSE" ? portTaken(options) : error),
    );
    probe.listen({ port: options.port, host: options.host }, () => probe.close(() => resolve()));
  });
}

function portTaken(options: ListenOptions): GatewayPortError {
  const share = options.sharePort ? "" : " (GATEWAY_SHARE_PORT=true shares it with the other gateways of this mesh)";
  return new GatewayPortError(
    `PORT ${options.port} is taken by another process: stop it, or set PORT to a free port${share}`,
  );
}

/** Throws when a gateway of another namespace answers on the port; nothing there, or a gateway of ours, is fine. */
async function refuseAnotherMesh(options: ListenOptions): Promise<void> {
  const answer = await fetch(`http://127.0.0.1:${options.port}/health`, { signal: AbortSignal.timeout(2000) }).catch(
    () => null,
  );
  const other = answer?.headers.get(NAMESPACE_HEADER);
  await answer?.body?.cancel();
  if (other === null || other === undefined || other === options.namespace) return;
  throw new GatewayPortError(
    `PORT ${options.port} is shared by a gateway of NAMESPACE "${other}", not this mesh's "${options.namespace}": set PORT to a free port, or NAMESPACE to "${other}" to join that mesh`,
  );
}

/** What Node's HTTP parser refuses before any handler runs, as the status and JSON error the API answers. */
const PARSER_ERRORS: Record<string, { status: number; reason: string; type: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    type: "HEADERS_TOO_LARGE",
    message: "request headers must be at most 16 KiB together",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    type: "REQUEST_TIMEOUT",
    message: "the request did not arrive in time",
  },
};
const MALFORMED = {
  status: 400,
  reason: "Bad Request",
  type: "MALFORMED_REQUEST",
  message: "the request is not valid HTTP/1.1",
};

/**
 * Answers a request the HTTP parser refused with a JSON body like every other error (Node's own
 * answer has none), then closes the connection, whose state is unknown.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) return void socket.destroy();
  const { status, reason, type, message } = PARSER_ERRORS[error.code ?? ""] ?? MALFORMED;
  const body = JSON.stringify({ name: "ClientError", message, code: status, type });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Stops accepting connections and waits for the requests in progress; idle keep-alive connections
 * are closed at once, busy ones after their response. After `graceMs`, what is left is cut.
 */
export async function closeGracefully(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = new Promise<"late">((resolve) => setTimeout(resolve, graceMs, "late").unref());
  try {
    if ((await Promise.race([closed, deadline])) === "late") server.closeAllConnections();
  } finally {
    clearInterval(idleSweep);
  }
}
