import type { Channel } from "amqplib";

/**
 * The durable queues of the tweet pipeline:
 *
 *   launcher --(tweets)--> [tweets.filter] --> filter --(matches, fanout)--> [matches.statistics] --> statistics
 *                                                                       |--> [matches.timeline]   --> timeline
 *                                                                       \--> [matches.archive]    --> archive (with DATABASE_URL)
 *   every queue --(delivery limit reached, or unreadable)--> [dead-letter]
 *
 * Quorum queues: durable, they count deliveries themselves (`x-delivery-limit`), and since RabbitMQ
 * 3.10 dead-letter at least once. A full queue rejects publishes (`reject-publish`), so a publisher
 * waits and retries instead of the broker dropping tweets. On a cluster each queue has `replicas`
 * members: it keeps its messages, and a new leader takes over, while a majority of them runs.
 */
export interface PipelineTopology {
  tweetsExchange: string;
  matchesExchange: string;
  deadLetterExchange: string;
  queues: { filter: string; statistics: string; timeline: string; archive: string; deadLetter: string };
  /**
   * Whether the archive's queue is declared and bound: by every worker configured with DATABASE_URL,
   * so that matches wait for the archive from the first worker's start, not its own.
   */
  archive: boolean;
}

export interface QueueLimits {
  deliveryLimit: number;
  /** Messages (batches) a queue holds before it rejects publishes. */
  maxLength: number;
  /** Members of each quorum queue, fixed when the queue is declared (QUEUE_REPLICAS). */
  replicas: number;
}

/**
 * The arguments of a quorum queue with its members. RabbitMQ refuses (PRECONDITION_FAILED) to declare an
 * existing queue again with another `x-quorum-initial-group-size`, absent included: it is sent only for
 * more than one member, so the queues of a single-node mesh, declared before clusters, keep being accepted.
 */
export function quorumArguments(replicas: number): Record<string, unknown> {
  return replicas > 1
    ? { "x-queue-type": "quorum", "x-quorum-initial-group-size": replicas }
    : { "x-queue-type": "quorum" };
}

export function pipelineTopology(
  namespace: string,
  options: { archive: boolean } = { archive: false },
): PipelineTopology {
  const prefix = namespace || "tweetmesh";
  return {
    tweetsExchange: `${prefix}.tweets`,
    matchesExchange: `${prefix}.matches`,
    deadLetterExchange: `${prefix}.dead-letter`,
    queues: {
      filter: `${prefix}.tweets.filter`,
      statistics: `${prefix}.matches.statistics`,
      timeline: `${prefix}.matches.timeline`,
      archive: `${prefix}.matches.archive`,
      deadLetter: `${prefix}.dead-letter`,
    },
    archive: options.archive,
  };
}

/** The work and dead-letter queues a worker of this topology declares: the archive's only with DATABASE_URL. */
export function declaredQueues(topology: PipelineTopology): string[] {
  const { archive, ...always } = topology.queues;
  return [...Object.values(always), ...(topology.archive ? [archive] : [])];
}

/** Declares the whole topology; idempotent, so every worker runs it on every connect. */
export async function assertTopology(channel: Channel, topology: PipelineTopology, limits: QueueLimits): Promise<void> {
  const workQueue = {
    durable: true,
    arguments: {
      ...quorumArguments(limits.replicas),
      "x-delivery-limit": limits.deliveryLimit,
      "x-dead-letter-exchange": topology.deadLetterExchange,
      "x-dead-letter-strategy": "at-least-once",
      "x-overflow": "reject-publish",
      "x-max-length": limits.maxLength,
    },
  };
  await channel.assertExchange(topology.tweetsExchange, "fanout", { durable: true });
  await channel.assertExchange(topology.matchesExchange, "fanout", { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, "fanout", { durable: true });
  await channel.assertQueue(topology.queues.filter, workQueue);
  await channel.assertQueue(topology.queues.statistics, workQueue);
  await channel.assertQueue(topology.queues.timeline, workQueue);
  if (topology.archive) await channel.assertQueue(topology.queues.archive, workQueue);
  await channel.assertQueue(topology.queues.deadLetter, { durable: true, arguments: quorumArguments(limits.replicas) });
  await channel.bindQueue(topology.queues.filter, topology.tweetsExchange, "");
  await channel.bindQueue(topology.queues.statistics, topology.matchesExchange, "");
  await channel.bindQueue(topology.queues.timeline, topology.matchesExchange, "");
  if (topology.archive) await channel.bindQueue(topology.queues.archive, topology.matchesExchange, "");
  await channel.bindQueue(topology.queues.deadLetter, topology.deadLetterExchange, "");
}
