import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { METRICS } from "../core/metric-names";
import type { Environment } from "../config/environment";
import { READ_ACTION } from "../mesh/broker-options";
import { RunHistoryParams } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import { parseParams } from "../contracts/validation";
import { LiveFeed } from "../workers/live-feed";
import { WorkerDependencies } from "../workers/worker-clients";
import { currentStatistics, runHistory } from "../runs/statistics";

interface StatisticsSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Counts matched tweets per run, exactly once each, and answers the figures of runs. */
export function statisticsService(env: Environment): ServiceSchema<StatisticsSettings> {
  let worker: WorkerDependencies;
  let feed: LiveFeed;

  return {
    name: "statistics",

    settings: {
      /** Match batches counted at once by this worker. */
      prefetch: 16,
    },

    actions: {
      /** The current run's figures, or the last run's; zeros before any run. */
      get: { ...READ_ACTION, handler: () => currentStatistics(worker.runs) },
      /** Every run, newest first, with totals across runs. */
      runs: { ...READ_ACTION, handler: (ctx) => runHistory(worker.runs, parseParams(RunHistoryParams, ctx.params).limit) },
    },

    async started() {
      worker = new WorkerDependencies(env, this.logger, this.broker.metrics);
      // Tells the gateways that figures changed, for /stream; coalesced, and never awaited here.
      feed = new LiveFeed((event, notice) => this.broker.broadcast(event, notice, { groups: ["api"] }));
      this.broker.metrics.register({
        name: METRICS.ingestToCounted,
        type: "histogram",
        quantiles: [0.5, 0.9, 0.99],
        description: "ms from the launcher pulling a batch's first tweet to the batch counted",
      });
      worker.consume("statistics", MatchBatch, this.settings.prefetch, async (batch) => {
        if ((await worker.runs.countMatches(batch)) === null) return this.logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
        this.broker.metrics.observe(METRICS.ingestToCounted, Date.now() - batch.sent_at);
        worker.countTweets("counted", batch.matches.length);
        feed.counted(batch.run_id);
      });
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
      feed?.stop();
    },
  };
}
