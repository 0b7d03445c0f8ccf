import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { TweetBatch } from "../contracts/messages";
import { filterBatch, RunFilterCache } from "../matching/filter";
import { WorkerDependencies } from "../workers/worker-clients";

interface FilterSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Matches each tweet against its run's track phrases and passes the matches on to statistics and timeline. */
export function filterService(env: Environment): ServiceSchema<FilterSettings> {
  let worker: WorkerDependencies;

  return {
    name: "filter",

    settings: {
      /** Tweet batches filtered at once by this worker. */
      prefetch: 8,
    },

    async started() {
      worker = new WorkerDependencies(env, this.logger, this.broker.metrics);
      const filters = new RunFilterCache((runId) => worker.runs.get(runId));
      const matches = worker.publisher("matchesExchange");
      worker.consume("filter", TweetBatch, this.settings.prefetch, async (batch) => {
        const filter = await filters.get(batch.run_id);
        if (!filter) return this.logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
        const filtered = filterBatch(batch, filter);
        // Each matched tweet counts once per run, up to max_tweets; a redelivered batch is admitted the same way.
        const admitted = filtered.matches.length === 0 ? [] : await worker.runs.admitMatches(filtered);
        if (!admitted) return this.logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
        await matches.publish({ ...filtered, matches: admitted }, batch.batch_id);
        worker.countTweets("received", batch.tweets.length);
        worker.countTweets("matched", admitted.length);
      });
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
    },
  };
}
