import type { Redis } from "ioredis";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { RunHistoryParams } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import { parseParams } from "../contracts/validation";
import { Consumer } from "../pipeline/consumer";
import { openPipeline, type Pipeline } from "../pipeline";
import { currentStatistics, runHistory } from "../runs/statistics";
import { redisKeys } from "../store/keys";
import { connectRedis } from "../store/redis";
import { RunStore } from "../store/run-store";

interface StatisticsSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Counts matched tweets per run, exactly once each, and answers the figures of runs. */
export function statisticsService(env: Environment): ServiceSchema<StatisticsSettings> {
  let redis: Redis;
  let runs: RunStore;
  let pipeline: Pipeline;
  let matches: Consumer<MatchBatch>;

  return {
    name: "statistics",

    settings: {
      /** Match batches counted at once by this worker. */
      prefetch: 16,
    },

    actions: {
      /** The current run's figures, or the last run's; zeros before any run. */
      get: { handler: () => currentStatistics(runs) },
      /** Every run, newest first, with totals across runs. */
      runs: { handler: (ctx) => runHistory(runs, parseParams(RunHistoryParams, ctx.params).limit) },
    },

    async started() {
      redis = connectRedis(env.REDIS_URL, this.logger);
      runs = new RunStore(redis, redisKeys(env.NAMESPACE));
      pipeline = openPipeline(env, this.logger);
      matches = new Consumer(pipeline.connection, {
        queue: pipeline.topology.queues.statistics,
        schema: MatchBatch,
        prefetch: this.settings.prefetch,
        handle: async (batch) => {
          const amount = await runs.countMatches(batch);
          if (amount === null) this.logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
        },
      }, this.logger);
      await pipeline.connection.start();
    },

    async stopped() {
      await matches?.drain();
      await pipeline?.connection.close();
      redis?.disconnect();
    },
  };
}
