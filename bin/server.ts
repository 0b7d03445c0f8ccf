import { ServiceBroker } from "moleculer";
import { ConfigurationError, readEnvironment, type Environment, type ServiceName } from "../config/environment";
import { checkGatewayPort, GatewayPortError } from "../gateway/listener";
import { drainAndStop } from "../mesh/drain";
import { brokerProbe, serveProbes } from "../mesh/probes";
import { brokerOptions } from "../mesh/broker-options";
import { apiService, gatewayListenOptions } from "../services/api.service";
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
};

/** Starts one node of the mesh running the services named by SERVICES (all by default). */
export async function startNode(env: Environment): Promise<ServiceBroker> {
  const broker = new ServiceBroker(brokerOptions(env));
  for (const name of env.SERVICES) SERVICES[name](broker, env);
  await broker.start();
  return broker;
}

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
  const broker = await startNode(env);
  let draining = false;
  const probes = env.HEALTH_PORT === undefined ? null : await serveProbes(env.HEALTH_PORT, brokerProbe(broker, () => draining));
  const shutdown = (signal: string) => {
    broker.logger.info(`${signal}: draining and stopping`);
    draining = true;
    drainAndStop(broker).then(
      () => {
        probes?.close();
        process.exit(0);
      },
      (error) => {
        broker.logger.error("Shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
