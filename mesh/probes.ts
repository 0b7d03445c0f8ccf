import { createServer, type Server } from "node:http";
import type { ServiceBroker } from "moleculer";

/** What a probe answers: liveness is the process answering; readiness is the node able to work. */
export interface NodeProbe {
  ready(): Promise<boolean>;
  /** What is not in order, by check: said by `/ready` with its 503, so that an operator sees what to fix. */
  failing?(): string[];
}

/**
 * Liveness and readiness over HTTP for nodes without a gateway (Kubernetes probes, the rolling-deploy
 * script), and on a gateway's port until the gateway listens: `GET /health` answers while the process
 * runs; `GET /ready` answers 200 once the node is started and connected and not draining, 503 with
 * what fails otherwise.
 */
export function serveProbes(
  port: number,
  probe: NodeProbe,
  role: "probes" | "starting gateway" = "probes",
): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", Connection: "close" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return answer(405, { error: "only GET is answered here" });
    if (req.url === "/health") return answer(200, { status: "ok" });
    if (req.url === "/ready") {
      probe.ready().then(
        (ready) => answer(ready ? 200 : 503, ready ? { ready } : { ready, failing: probe.failing?.() ?? [] }),
        () => answer(503, { ready: false, failing: probe.failing?.() ?? [] }),
      );
      return;
    }
    if (role === "probes") return answer(404, { error: "probes are GET /health and GET /ready" });
    // On a gateway's port before the gateway listens: every other request is told to come back.
    res.setHeader("Retry-After", "5");
    const failing = probe.failing?.() ?? [];
    answer(503, {
      name: "GatewayStarting",
      message: `the gateway is starting${failing.length ? `: ${failing.join("; ")}` : ""}; retry later`,
      code: 503,
      type: "GATEWAY_STARTING",
      data: { failing },
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => resolve(server));
  });
}

interface GatewayReadiness {
  ready: boolean;
}

/**
 * A node is ready while its broker runs, is connected to the transporter, and is not draining; a
 * node running the gateway, when the gateway's own readiness (Redis, a worker of each routed
 * service) says so too.
 */
export function brokerProbe(
  broker: ServiceBroker,
  draining: () => boolean,
  dependencies?: { waitingFor(): string[] },
): NodeProbe {
  return {
    failing() {
      const states = [...(dependencies?.waitingFor() ?? [])];
      if (!broker.started) states.push("the node is starting");
      if (draining()) states.push("the node is draining");
      return states;
    },
    async ready() {
      if (!broker.started || broker.stopping || draining() || broker.transit?.connected !== true) return false;
      const gatewayReady = broker.getLocalService("api")?.actions.ready;
      if (!gatewayReady) return true;
      const answer = await gatewayReady<Promise<GatewayReadiness>>({});
      return answer.ready;
    },
  };
}
