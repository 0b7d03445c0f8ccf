import calculateSlot from "cluster-key-slot";
import { Cluster, type ChainableCommander } from "ioredis";
import type { RedisClient } from "./redis";

/**
 * Commands whose keys lie in many hash slots (a fan-out's timelines, a page's bodies). One Redis
 * takes them in one pipeline. A Redis Cluster takes a pipeline only when all its keys are served by
 * the same nodes, so for a cluster they are grouped as ioredis groups them (by the nodes serving
 * each key's slot), one pipeline per group, sent together; the replies come back in the commands'
 * order either way.
 */

/** A Redis command as an ioredis pipeline takes it: name, then its key, then the rest. */
export type RedisCommand = [name: string, key: string, ...args: (string | number)[]];

/**
 * Runs the commands and gives their replies in order; the first that failed fails them all, so that
 * the message is delivered again. On a cluster an MGET is sent as its GETs (its keys may lie anywhere)
 * and its reply put together again.
 */
export async function runCommands(redis: RedisClient, commands: readonly RedisCommand[]): Promise<unknown[]> {
  if (commands.length === 0) return [];
  if (!(redis instanceof Cluster)) return execute(redis.pipeline(commands.map((command) => [...command])));
  const sent: RedisCommand[] = commands.flatMap(([name, ...keysAndArgs]) =>
    name.toLowerCase() === "mget"
      ? keysAndArgs.map((key): RedisCommand => ["get", String(key)])
      : [[name, ...keysAndArgs]],
  );
  const groups = new Map<string, { indexes: number[]; commands: RedisCommand[] }>();
  sent.forEach((command, index) => {
    const nodes = nodesOf(redis, command[1]);
    const group = groups.get(nodes) ?? { indexes: [], commands: [] };
    group.indexes.push(index);
    group.commands.push(command);
    groups.set(nodes, group);
  });
  const replies = new Array<unknown>(sent.length);
  await Promise.all(
    [...groups.values()].map(async ({ indexes, commands: group }) => {
      const values = await execute(redis.pipeline(group.map((command) => [...command])));
      indexes.forEach((index, position) => (replies[index] = values[position]));
    }),
  );
  let next = 0;
  return commands.map(([name, ...keys]) => {
    if (name.toLowerCase() !== "mget") return replies[next++];
    const values = replies.slice(next, next + keys.length);
    next += keys.length;
    return values;
  });
}

/** The values of string keys, null where absent: an MGET on one Redis, GETs grouped by node on a cluster. */
export async function getMany(redis: RedisClient, keys: readonly string[]): Promise<(string | null)[]> {
  const [first, ...rest] = keys;
  if (first === undefined) return [];
  const [values] = await runCommands(redis, [["mget", first, ...rest]]);
  return Array.isArray(values) ? values.map((value: unknown) => (typeof value === "string" ? value : null)) : [];
}

/**
 * The nodes serving a key's slot, as ioredis names them (`host:port;host:port`), or its slot while
 * the client has not learned the slots yet (commands fail then anyway: the cluster is not ready).
 */
function nodesOf(cluster: Cluster, key: string): string {
  const slot = calculateSlot(key);
  return cluster.slots[slot]?.join(";") ?? `slot:${slot}`;
}

async function execute(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return replies.map(([, value]) => value);
}
