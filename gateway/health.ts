import type { RedisClient } from "../store/redis";
import type { ServiceBroker } from "moleculer";
import { z } from "zod";
import { BuildInfo, readBuildInfo } from "../config/build";

/**
 * The services the gateway routes to: it is ready when each has a worker. The archive counts once
 * DATABASE_URL is set: without a worker its queue would fill until the pipeline waits for it.
 */
export function routedServices(archive: boolean): string[] {
  return ["launcher", "statistics", "timeline", ...(archive ? ["archive"] : [])];
}

export const Readiness = z.object({
  ready: z.boolean(),
  checks: z.object({
    broker: z.boolean(),
    redis: z.boolean(),
    services: z.record(z.string(), z.boolean()),
    /** The gateway is leaving (a deploy or a scale-down): load balancers should stop sending to it. */
    draining: z.boolean().default(false),
    /** When Redis was found to have lost the mesh's state (restarted without persistence); readiness does not depend on it. */
    state_lost_at: z.string().nullable().default(null),
  }),
});
export type Readiness = z.infer<typeof Readiness>;

export const NodeBuild = BuildInfo.extend({ node: z.string(), services: z.array(z.string()) });
export const Versions = BuildInfo.extend({ nodes: z.array(NodeBuild) });
export type Versions = z.infer<typeof Versions>;

/** Ready: not draining, RabbitMQ connected, Redis answering within a second, and a worker for each routed service. */
export async function readiness(
  broker: ServiceBroker,
  redis: RedisClient,
  draining: boolean,
  stateLostAt: number | null = null,
  routed: readonly string[] = routedServices(false),
): Promise<Readiness> {
  const redisAnswers = await answersWithin(redis, 1000);
  const available = new Set(
    broker.registry.getServiceList({ onlyAvailable: true }).map((service: { name: string }) => service.name),
  );
  const services = Object.fromEntries(routed.map((name) => [name, available.has(name)]));
  const state_lost_at = stateLostAt === null ? null : new Date(stateLostAt).toISOString();
  const checks = { broker: broker.transit?.connected === true, redis: redisAnswers, services, draining, state_lost_at };
  return { ready: !draining && checks.broker && checks.redis && Object.values(services).every(Boolean), checks };
}

/**
 * Whether Redis answers a PING within `ms`. A client still connecting (just started, or reconnecting)
 * is given the same time to get there: without an offline queue its commands fail at once meanwhile.
 */
async function answersWithin(redis: RedisClient, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  const connected =
    redis.status === "ready"
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          onReady = resolve;
          redis.once("ready", resolve);
        });
  const answered = connected.then(() =>
    redis.ping().then(
      () => true,
      () => false,
    ),
  );
  try {
    return await Promise.race([answered, new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)))]);
  } finally {
    clearTimeout(timer);
    if (onReady) redis.off("ready", onReady);
  }
}

const NodeInfo = z.object({
  id: z.string(),
  metadata: z.object({ build: BuildInfo.optional() }).loose().optional(),
  services: z.array(z.object({ name: z.string() }).loose()).default([]),
});

/** This node's build and every reachable node's: which versions run in the mesh now. */
export function versions(broker: ServiceBroker): Versions {
  const nodes = z.array(NodeInfo).parse(broker.registry.getNodeList({ onlyAvailable: true, withServices: true }));
  return {
    ...readBuildInfo(),
    nodes: nodes.map((node) => ({
      node: node.id,
      version: node.metadata?.build?.version ?? "unknown",
      commit: node.metadata?.build?.commit ?? "unknown",
      services: node.services.map((service) => service.name).filter((name) => !name.startsWith("$")),
    })),
  };
}

/** Liveness: the process answers. */
export const Liveness = z.object({ status: z.literal("ok") });
