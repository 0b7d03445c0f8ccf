import type { Redis } from "ioredis";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { TimelineParams, type TimelinePage } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import { parseParams } from "../contracts/validation";
import { Consumer } from "../pipeline/consumer";
import { openPipeline, type Pipeline } from "../pipeline";
import { redisKeys } from "../store/keys";
import { connectRedis } from "../store/redis";
import { RunStore } from "../store/run-store";
import { TimelineStore } from "../store/timeline-store";

interface TimelineSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Keeps each run's matched tweets as timelines, per run and per track phrase, newest first. */
export function timelineService(env: Environment): ServiceSchema<TimelineSettings> {
  let redis: Redis;
  let runs: RunStore;
  let timelines: TimelineStore;
  let pipeline: Pipeline;
  let matches: Consumer<MatchBatch>;

  return {
    name: "timeline",

    settings: {
      /** Match batches stored at once by this worker. */
      prefetch: 16,
    },

    actions: {
      /** A page of a run's matched tweets (the current run unless `run_id`), optionally of one track phrase. */
      get: {
        async handler(ctx): Promise<TimelinePage> {
          const params = parseParams(TimelineParams, ctx.params);
          const runId = params.run_id ?? (await runs.current())?.id ?? null;
          if (!runId) return { run_id: null, track: params.track ?? null, tweets: [], next_cursor: null };
          const page = await timelines.page({ runId, phrase: params.track, limit: params.limit, before: params.cursor });
          return { run_id: runId, track: params.track ?? null, tweets: page.entries, next_cursor: page.nextCursor };
        },
      },
    },

    async started() {
      redis = connectRedis(env.REDIS_URL, this.logger);
      runs = new RunStore(redis, redisKeys(env.NAMESPACE));
      timelines = new TimelineStore(redis, redisKeys(env.NAMESPACE), { cap: env.TIMELINE_CAP, tweetTtl: env.TWEET_TTL });
      pipeline = openPipeline(env, this.logger);
      matches = new Consumer(pipeline.connection, {
        queue: pipeline.topology.queues.timeline,
        schema: MatchBatch,
        prefetch: this.settings.prefetch,
        handle: (batch) => timelines.add(batch.run_id, batch.matches, batch.deletes),
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
