import { ServiceBroker } from "moleculer";
import { ConfigurationError, readEnvironment, type Environment, type ServiceName } from "../config/environment";
import { checkGatewayPort, GatewayPortError } from "../gateway/listener";
import { errorText } from "../core/error-text";
import { DependencyWatch } from "../mesh/dependencies";
import { drainAndStop } from "../mesh/drain";
import { brokerProbe, serveProbes } from "../mesh/probes";
import { brokerOptions } from "../mesh/broker-options";
import { apiService, gatewayListenOptions } from "../services/api.service";
import { archiveService } from "../services/archive.service";
import { filterService } from "../services/filter.service";
import { launcherService } from "../services/launcher.service";
import { statisticsService } from "../services/statistics.service";
import { timelineService } from "../services/timeline.service";

const SERVICES: Record<ServiceName, (broker: ServiceBroker, env: Environment) => void> = {
  api: (broker, env) => broker.createService(apiService(env)),
  launcher: (broker, env) => broker.createService(launcherService(env)),
  filter: (broker, env) => broker.createService(filterService(env)),
  statistics: (broker, env) => broker.createService(statisticsService(env)),
  timeline: (broker, env) => broker.createService(timelineService(env)),
  archive: (broker, env) => broker.createService(archiveService(env)),
};

/** One node of the mesh with the services named by SERVICES (all by default), not started yet. */
export function createNode(env: Environment): ServiceBroker {
  const broker = new ServiceBroker(brokerOptions(env));
  for (const name of env.SERVICES) SERVICES[name](broker, env);
  return broker;
}

/** Starts one node of the mesh running the services named by SERVICES (all by default). */
export async function startNode(env: Environment): Promise<ServiceBroker> {
  const broker = createNode(env);
  await broker.start();
  return broker;
}

/** How often a starting node says what it still waits for. */
const WAITING_REPORT_MS = 10_000;

async function main(): Promise<void> {
  let env: Environment;
  try {
    env = readEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (env.SERVICES.includes("api")) {
    try {
      await checkGatewayPort(gatewayListenOptions(env));
    } catch (error) {
      if (!(error instanceof GatewayPortError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
  }
  const broker = createNode(env);
  const logger = broker.logger;
  // A rejection nobody handles is a bug to fix, not a reason to take the worker and its work down.
  process.on("unhandledRejection", (reason) =>
    logger.error(`Bug: a promise rejected with nobody to handle it: ${errorText(reason)}`),
  );
  const watch = new DependencyWatch(env, broker);
  let draining = false;
  // The probes answer from the start: /health at once, /ready 503 until the node has started.
  const probe = brokerProbe(broker, () => draining, watch);
  const probes = env.HEALTH_PORT === undefined ? null : await serveProbes(env.HEALTH_PORT, probe);
  // A gateway's own port answers them too until RabbitMQ connects, when the gateway takes it over
  // (services start after the transporter connects). A shared port has the mesh's other gateways.
  const gatewayProbes =
    env.SERVICES.includes("api") && !env.GATEWAY_SHARE_PORT && env.PORT !== 0 && env.HEALTH_PORT !== env.PORT
      ? await serveProbes(env.PORT, probe, "starting gateway")
      : null;
  if (gatewayProbes) {
    broker.localBus.once("$transporter.connected", () => {
      gatewayProbes.close();
      gatewayProbes.closeAllConnections();
    });
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting at once; messages in hand are left unacked, RabbitMQ redelivers them`);
      process.exit(130);
    }
    stopping = true;
    draining = true;
    logger.info(
      `${signal}: draining and stopping, for at most ${env.STOP_TIMEOUT} s (STOP_TIMEOUT); a second signal exits at once`,
    );
    setTimeout(() => {
      const waiting = watch.waitingFor();
      logger.warn(
        `Not stopped within ${env.STOP_TIMEOUT} s (STOP_TIMEOUT)${waiting.length ? `: ${waiting.join("; ")}` : ""}; exiting, messages in hand are left unacked and RabbitMQ redelivers them`,
      );
      process.exit(1);
    }, env.STOP_TIMEOUT * 1000);
    drainAndStop(broker).then(
      () => {
        probes?.close();
        gatewayProbes?.close();
        watch.close();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`Shutdown failed: ${errorText(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await startWithin(broker, watch, env.STARTUP_TIMEOUT);
}

/**
 * Starts the node, saying every 10 s which dependency it still waits for (where, and the variable
 * that sets it); exits non-zero after STARTUP_TIMEOUT, for the process's supervisor to restart it.
 * Once started, outages are waited out (retried) instead.
 */
async function startWithin(broker: ServiceBroker, watch: DependencyWatch, timeoutSeconds: number): Promise<void> {
  const report = () => {
    for (const line of watch.waitingFor())
      broker.logger.warn(`Starting: ${line}; waiting (the process exits after ${timeoutSeconds} s, STARTUP_TIMEOUT)`);
  };
  const reporting = setInterval(report, WAITING_REPORT_MS);
  const deadline = setTimeout(() => {
    const waiting = watch.waitingFor();
    const why = waiting.length ? waiting.join("; ") : "its services did not start";
    broker.logger.error(`Not started within ${timeoutSeconds} s (STARTUP_TIMEOUT): ${why}; exiting`);
    process.exit(1);
  }, timeoutSeconds * 1000);
  try {
    await Promise.all([broker.start(), watch.redisReady()]);
  } finally {
    clearInterval(reporting);
    clearTimeout(deadline);
  }
}
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
