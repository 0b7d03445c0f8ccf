import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { TweetBatch } from "../contracts/messages";
import { RunFilterCache } from "../matching/filter";
import { handleTweetBatch, type TweetBatchPorts } from "../matching/tweet-batch";
import { WorkerClients } from "../workers/worker-clients";

interface FilterSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Matches each tweet against its run's track phrases and passes the matches on to statistics and timeline. */
export function filterService(env: Environment): ServiceSchema<FilterSettings> {
  let worker: WorkerClients;

  return {
    name: "filter",

    settings: {
      /** Tweet batches filtered at once by this worker. */
      prefetch: 8,
    },

    async started() {
      worker = WorkerClients.open(env, this.logger, this.broker.metrics);
      const ports: TweetBatchPorts = {
        filters: new RunFilterCache((runId) => worker.runs.get(runId)),
        admissions: worker.runs,
        matches: worker.publisher("matchesExchange"),
        metrics: worker.metrics,
        logger: this.logger,
      };
      worker.consume("filter", TweetBatch, this.settings.prefetch, (batch) => handleTweetBatch(ports, batch));
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
    },
  };
}
