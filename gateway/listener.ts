import { createServer, type RequestListener, type Server } from "node:http";

/**
 * The gateway's HTTP listener. On Linux it binds with SO_REUSEPORT, so that during a local rolling
 * deploy the new gateway listens on the same port before the old one leaves: the kernel spreads new
 * connections over both, and the old one stops accepting only once the new one answers. (With
 * `net.ipv4.tcp_migrate_req=1` the kernel also hands the connections still queued on a closing
 * listener to the other one.) Elsewhere a port is bound by one process, as usual.
 */
export function listenShared(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, reusePort: process.platform === "linux" }, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
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
