import type { ServiceBroker } from "moleculer";
import { DrainingAmqpTransporter } from "./draining-transporter";

/**
 * The local event a node broadcasts to its own services when it starts to leave. A service that
 * takes work from outside the mesh (the gateway's HTTP listener) stops taking it in its handler, and
 * the drain goes on once every handler has returned.
 */
export const DRAINING_EVENT = "node.draining";

/**
 * How a node leaves the mesh without failing work back to anyone: announce (services that face
 * clients stop taking new work and finish what they hold), stop taking RPC requests (they wait in
 * the shared queues for the other workers), then stop: Moleculer tells the other nodes, waits for
 * the requests in hand, stops the services (pipeline consumers ack what they finished), and
 * disconnects.
 */
export async function drainAndStop(broker: ServiceBroker): Promise<void> {
  await broker.broadcastLocal(DRAINING_EVENT);
  const transporter = broker.transit?.tx;
  if (transporter instanceof DrainingAmqpTransporter) {
    const cancelled = await transporter.stopTakingRequests();
    broker.logger.info(`Draining: stopped taking requests from ${cancelled} action queues`);
  }
  await broker.stop();
}
