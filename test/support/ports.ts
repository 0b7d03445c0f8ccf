/**
 * Where the servers that tests start listen: one band per kind, disjoint, so that tests running in
 * parallel cannot pick each other's ports. All below Linux's ephemeral range (32768-60999, where
 * the kernel picks the local port of every outgoing connection): a port found free there could be
 * taken by a connection of another test before the server binds it; the probes' band lies above it.
 * Bands are [from, to).
 */
export const PORT_BANDS = {
  /** AMQP base ports of a test's own RabbitMQ cluster; distribution, epmd and CLI take base+19999..+20029 (26499-29529). */
  rabbitmqLocalClusters: [6500, 8000],
  rabbitmqClusters: [8000, 9500],
  /** The gateway of a ProcessCluster or of a processes test. */
  gateways: [10_000, 14_000],
  /** Node base ports of a test's own Redis Cluster; each node's cluster bus is port+10000 (24000-26005). */
  redisLocalClusters: [14_000, 14_500],
  redisClusters: [14_500, 16_000],
  /** Node base ports of a store test file's Redis Cluster (test/support/redis-targets.ts); bus 26000-26415. */
  redisStoreClusters: [16_000, 16_400],
  /** A Redis of a test's own (OwnedRedis, the restart tests' durable one). */
  redis: [16_500, 17_500],
  /** A PostgreSQL of a test's own. */
  postgres: [30_000, 32_000],
  /** A ProcessCluster's workers' health probes: above the ephemeral range. */
  probes: [61_000, 65_000],
} as const satisfies Record<string, readonly [number, number]>;

export type PortBand = keyof typeof PORT_BANDS;

/** A random port of a band; whether it is free is for the caller to check. */
export function randomPort(band: PortBand): number {
  const [from, to] = PORT_BANDS[band];
  return from + Math.floor(Math.random() * (to - from));
}
