import type { Middleware } from "moleculer";

type Send = (topic: string, data: Buffer, meta: object) => Promise<void>;

/**
 * Moleculer's AMQP transporter sends nothing, quietly, once its channel is gone; but while the
 * channel is closing (at shutdown, or when RabbitMQ goes away) amqplib throws from `publish`, and a
 * heartbeat timer's send then becomes an unhandled rejection, which ends a Node 22 process. This
 * treats that one case as the transporter treats a missing channel; every other error passes on.
 */
export function guardClosingChannel(send: Send): Send {
  return (topic, data, meta) => {
    try {
      return send(topic, data, meta);
    } catch (error) {
      if (error instanceof Error && error.name === "IllegalOperationError") return Promise.resolve();
      return Promise.reject(error);
    }
  };
}

/** Moleculer's typings say a `transporterSend` hook returns a promise; at run time it returns the wrapped send, as here. */
export const ClosingChannelGuard = {
  name: "ClosingChannelGuard",
  transporterSend: guardClosingChannel,
} as unknown as Middleware;
