import type { BrokerOptions } from "moleculer";
import { redisOutageAnswers } from "./redis-outage-answers";
import { READ_ACTION_RETRIES, RETRY_POLICIES } from "../core/retry";
import { readBuildInfo } from "../config/build";
import { ClosingChannelGuard } from "./closing-channel-guard";
import type { Environment } from "../config/environment";
import { ReadCoalescing } from "./read-coalescing";
import { DrainingAmqpTransporter } from "./draining-transporter";

/**
 * Retries for idempotent actions (the reads). A request can be rejected although another worker
 * could answer it: with the balancer disabled it waits in the action's shared queue, but when the
 * worker Moleculer picked as its endpoint dies, Moleculer rejects the request. Reads retry; launch
 * and stop do not, as a retried launch could start two runs.
 */
export const READ_RETRY_POLICY = {
  enabled: true,
  retries: READ_ACTION_RETRIES,
  delay: RETRY_POLICIES.readAction.initialMs,
  maxDelay: RETRY_POLICIES.readAction.maxMs,
  factor: RETRY_POLICIES.readAction.growth.factor,
};

/** Schema options of a read action: retried, and concurrent identical calls from one node share one answer. */
export const READ_ACTION = { retryPolicy: READ_RETRY_POLICY, coalesce: true } as const;

/**
 * amqplib leaves Nagle's algorithm on: small requests and replies would wait for more bytes (measured:
 * +27% req/s through the gateway). Moleculer's AMQP transporter hands `socketOptions` to amqplib,
 * though its typings leave the option out.
 */
const AMQP_SOCKET = { socketOptions: { noDelay: true } };

/**
 * Broker options of every node of the mesh, from the validated environment.
 *
 * RPC goes over the AMQP transporter with Moleculer's balancer disabled: every worker of a service
 * consumes the same durable request queue per action, so RabbitMQ spreads calls round-robin across
 * workers as Nameko does, and a request a dead worker held unacked is delivered to another one.
 */
export function brokerOptions(env: Environment): BrokerOptions {
  return {
    namespace: env.NAMESPACE,
    nodeID: env.NODE_ID,
    // Old and new builds run side by side during a deploy: each node says which it is.
    metadata: { build: readBuildInfo() },
    // Moleculer's AMQP transporter, which can stop taking requests before the node stops (mesh/draining-transporter.ts).
    transporter: new DrainingAmqpTransporter({
      // A cluster's nodes: Moleculer connects to them in turn, the first on its first attempt, the
      // next on each attempt after a failure or a lost connection (amqp.js, `connectAttempt`).
      url: [...env.TRANSPORTER],
      // Requests one worker handles at once; RabbitMQ holds the rest for the next free worker.
      prefetch: 64,
      // Request queues outlive a deploy's gap between old and new workers.
      autoDeleteQueues: 10 * 60 * 1000,
      ...AMQP_SOCKET,
    }),
    disableBalancer: true,
    logger: { type: "Console", options: { level: env.LOG_LEVEL, formatter: "short", colors: process.stdout.isTTY } },
    // Actions validate their params with zod (contracts/actions.ts).
    validator: false,
    requestTimeout: 10 * 1000,
    // On SIGTERM, finish the requests in hand before leaving.
    tracking: { enabled: true, shutdownTimeout: 10 * 1000 },
    metrics: { enabled: true, reporter: [] },
    middlewares: [ClosingChannelGuard, redisOutageAnswers(env.REDIS), ...(env.READ_COALESCING ? [ReadCoalescing] : [])],
    // bin/server.ts handles SIGTERM and SIGINT itself: one drain, then exit.
    skipProcessEventRegistration: true,
    heartbeatInterval: 5,
    heartbeatTimeout: 15,
  };
}
