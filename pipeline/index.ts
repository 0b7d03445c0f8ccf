import type { Environment } from "../config/environment";
import type { Logger } from "../core/logger";
import { PipelineConnection } from "./connection";
import { pipelineTopology, type PipelineTopology } from "./topology";

export interface Pipeline {
  connection: PipelineConnection;
  topology: PipelineTopology;
}

/** A worker's connection to the tweet pipeline, with the topology of its namespace. */
export function openPipeline(env: Environment, logger: Logger): Pipeline {
  const topology = pipelineTopology(env.NAMESPACE, { archive: env.DATABASE_URL !== undefined });
  const limits = { deliveryLimit: env.DELIVERY_LIMIT, maxLength: env.QUEUE_MAX_LENGTH, replicas: env.QUEUE_REPLICAS };
  return {
    connection: new PipelineConnection(env.PIPELINE_URL, topology, limits, logger),
    topology,
  };
}
