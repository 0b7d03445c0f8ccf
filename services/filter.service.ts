import type { Redis } from "ioredis";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { TweetBatch } from "../contracts/messages";
import { filterBatch, RunFilterCache } from "../matching/filter";
import { Consumer } from "../pipeline/consumer";
import { openPipeline, type Pipeline } from "../pipeline";
import { Publisher } from "../pipeline/publisher";
import { redisKeys } from "../store/keys";
import { connectRedis } from "../store/redis";
import { RunStore } from "../store/run-store";

interface FilterSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Matches each tweet against its run's track phrases and passes the matches on to statistics and timeline. */
export function filterService(env: Environment): ServiceSchema<FilterSettings> {
  let redis: Redis;
  let pipeline: Pipeline;
  let tweets: Consumer<TweetBatch>;

  return {
    name: "filter",

    settings: {
      /** Tweet batches filtered at once by this worker. */
      prefetch: 8,
    },

    async started() {
      redis = connectRedis(env.REDIS_URL, this.logger);
      const runs = new RunStore(redis, redisKeys(env.NAMESPACE));
      const filters = new RunFilterCache((runId) => runs.get(runId));
      pipeline = openPipeline(env, this.logger);
      const matches = new Publisher(pipeline.connection, pipeline.topology.matchesExchange, this.logger);
      tweets = new Consumer(pipeline.connection, {
        queue: pipeline.topology.queues.filter,
        schema: TweetBatch,
        prefetch: this.settings.prefetch,
        handle: async (batch) => {
          const filter = await filters.get(batch.run_id);
          const filtered = filter && filterBatch(batch, filter);
          const admitted = filtered && (filtered.matches.length === 0 ? [] : await runs.admitMatches(filtered));
          if (!filtered || !admitted) return this.logger.warn(`Batch ${batch.batch_id} belongs to no known run; dropped`);
          if (filtered.matches.length > 0 && admitted.length < filtered.matches.length) {
            this.logger.debug(`Batch ${batch.batch_id}: ${filtered.matches.length - admitted.length} matches already counted or over max_tweets`);
          }
          await matches.publish({ ...filtered, matches: admitted }, batch.batch_id);
        },
      }, this.logger);
      await pipeline.connection.start();
    },

    async stopped() {
      await tweets?.drain();
      await pipeline?.connection.close();
      redis?.disconnect();
    },
  };
}
