import { hostname } from "node:os";
import { ServiceBroker } from "moleculer";
import { ConfigurationError, readEnvironment } from "../config/environment";
import { brokerOptions } from "../moleculer.config";

/**
 * The counterpart of `nameko shell`: a node with no services of its own that joins the running mesh
 * and opens Moleculer's REPL (`call statistics.get`, `call launcher.launch --track bieber`, `nodes`).
 */
async function main(): Promise<void> {
  const env = readEnvironment({ ...process.env, SERVICES: "api", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  const broker = new ServiceBroker({ ...brokerOptions(env), nodeID: `repl-${hostname()}-${process.pid}` });
  await broker.start();
  // Discovery: wait briefly so that `services` lists the mesh at the first prompt.
  await broker.waitForServices(["launcher", "statistics"], 5000).catch(() => {
    broker.logger.warn("launcher and statistics are not reachable yet; is the mesh running? (`make up`)");
  });
  broker.repl();
}

main().catch((error) => {
  const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`repl: ${message}\n`);
  process.exit(1);
});
