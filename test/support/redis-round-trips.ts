import type { Redis } from "ioredis";

type SendCommand = Redis["sendCommand"];

export interface RoundTripCount {
  /** Times the client sent something and waited for the answers: a lone command, or a whole pipeline. */
  roundTrips: number;
  commands: number;
}

/**
 * Counts what a client really sends, below every store method: ioredis hands each command to
 * `sendCommand`, a pipeline's commands with the pipeline's own stream, which it writes to the socket
 * in one piece once every command is queued. A lone command is one round trip, a pipeline one.
 */
export function countRoundTrips(redis: Redis): { count: RoundTripCount; reset(): void } {
  const count: RoundTripCount = { roundTrips: 0, commands: 0 };
  const pipelines = new WeakSet<object>();
  const send: SendCommand = redis.sendCommand.bind(redis);
  const counted: SendCommand = (command, stream) => {
    count.commands += 1;
    const pipeline = stream && (stream as { isPipeline?: boolean }).isPipeline ? stream : undefined;
    if (!pipeline) count.roundTrips += 1;
    else if (!pipelines.has(pipeline)) {
      pipelines.add(pipeline);
      count.roundTrips += 1;
    }
    return send(command, stream);
  };
  redis.sendCommand = counted;
  return {
    count,
    reset() {
      count.roundTrips = 0;
      count.commands = 0;
    },
  };
}
