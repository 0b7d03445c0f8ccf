import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { READ_RETRY_POLICY } from "../moleculer.config";
import { RunHistoryParams } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import { parseParams } from "../contracts/validation";
import { WorkerDependencies } from "../dependencies/worker";
import { currentStatistics, runHistory } from "../runs/statistics";

interface StatisticsSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Counts matched tweets per run, exactly once each, and answers the figures of runs. */
export function statisticsService(env: Environment): ServiceSchema<StatisticsSettings> {
  let worker: WorkerDependencies;

  return {
    name: "statistics",

    settings: {
      /** Match batches counted at once by this worker. */
      prefetch: 16,
    },

    actions: {
      /** The current run's figures, or the last run's; zeros before any run. */
      get: { retryPolicy: READ_RETRY_POLICY, handler: () => currentStatistics(worker.runs) },
      /** Every run, newest first, with totals across runs. */
      runs: { retryPolicy: READ_RETRY_POLICY, handler: (ctx) => runHistory(worker.runs, parseParams(RunHistoryParams, ctx.params).limit) },
    },

    async started() {
      worker = new WorkerDependencies(env, this.logger, this.broker.metrics);
      worker.consume("statistics", MatchBatch, this.settings.prefetch, async (batch) => {
        if ((await worker.runs.countMatches(batch)) === null) this.logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
      });
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
    },
  };
}
