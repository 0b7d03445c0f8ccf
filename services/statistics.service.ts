import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { RunHistoryParams } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import { SeriesParams } from "../contracts/series";
import { TopParams } from "../contracts/top-values";
import { parseParams } from "../contracts/validation";
import { READ_ACTION } from "../mesh/broker-options";
import { countMatchBatch, type MatchCountPorts } from "../runs/count-matches";
import { readSeries } from "../runs/series";
import { currentStatistics, runHistory } from "../runs/statistics";
import { SeriesStore } from "../store/series-store";
import { TopValuesStore } from "../store/top-values-store";
import { readTopValues } from "../runs/top-values";
import { LiveFeed } from "../workers/live-feed";
import { WorkerClients } from "../workers/worker-clients";

interface StatisticsSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Counts matched tweets per run, exactly once each, and answers the figures of runs. */
export function statisticsService(env: Environment): ServiceSchema<StatisticsSettings> {
  let worker: WorkerClients;
  let feed: LiveFeed;
  let series: SeriesStore;
  let top: TopValuesStore;

  return {
    name: "statistics",

    settings: {
      /** Match batches counted at once by this worker. */
      prefetch: 16,
    },

    actions: {
      /** The current run's figures, or the last run's; zeros before any run. */
      get: {
        ...READ_ACTION,
        handler: () => currentStatistics({ runs: worker.runs, series }, Date.now(), worker.epoch.stateLostAt),
      },
      /** A run's most counted hashtags, mentions, authors, languages, domains or phrases, over the run or a window. */
      top: {
        ...READ_ACTION,
        handler: (ctx) => readTopValues({ runs: worker.runs, top }, parseParams(TopParams, ctx.params)),
      },
      /** A run's matched tweets per bucket, overall and per phrase, on the event or the ingest clock. */
      series: {
        ...READ_ACTION,
        handler: (ctx) => readSeries({ runs: worker.runs, series }, parseParams(SeriesParams, ctx.params)),
      },
      /** Every run, newest first, with totals across runs. */
      runs: {
        ...READ_ACTION,
        handler: (ctx) => runHistory(worker.runs, parseParams(RunHistoryParams, ctx.params)),
      },
    },

    async started() {
      worker = WorkerClients.open(env, this.logger, this.broker.metrics);
      series = new SeriesStore(worker.redis, worker.keys);
      top = new TopValuesStore(worker.redis, worker.keys);
      // Tells the gateways that figures changed, for /stream; coalesced, and never awaited here.
      feed = new LiveFeed((event, notice) => this.broker.broadcast(event, notice, { groups: ["api"] }));
      const ports: MatchCountPorts = {
        runs: worker.runs,
        metrics: worker.metrics,
        feed,
        logger: this.logger,
        now: Date.now,
      };
      worker.consume("statistics", MatchBatch, this.settings.prefetch, (batch) => countMatchBatch(ports, batch));
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
      feed?.stop();
    },
  };
}
