import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { READ_RETRY_POLICY } from "../moleculer.config";
import { TimelineParams, type TimelinePage } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import { parseParams } from "../contracts/validation";
import { LiveFeed } from "../dependencies/live-feed";
import { WorkerDependencies } from "../dependencies/worker";
import { TimelineStore } from "../store/timeline-store";

interface TimelineSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Keeps each run's matched tweets as timelines, per run and per track phrase, newest first. */
export function timelineService(env: Environment): ServiceSchema<TimelineSettings> {
  let worker: WorkerDependencies;
  let timelines: TimelineStore;
  let feed: LiveFeed;

  return {
    name: "timeline",

    settings: {
      /** Match batches stored at once by this worker. */
      prefetch: 16,
    },

    actions: {
      /** A page of a run's matched tweets (the current run unless `run_id`), optionally of one track phrase. */
      get: {
        retryPolicy: READ_RETRY_POLICY,
        async handler(ctx): Promise<TimelinePage> {
          const params = parseParams(TimelineParams, ctx.params);
          const runId = params.run_id ?? (await worker.runs.current())?.id ?? null;
          if (!runId) return { run_id: null, track: params.track ?? null, tweets: [], next_cursor: null };
          const page = await timelines.page({ runId, phrase: params.track, limit: params.limit, before: params.cursor });
          return { run_id: runId, track: params.track ?? null, tweets: page.entries, next_cursor: page.nextCursor };
        },
      },
    },

    async started() {
      worker = new WorkerDependencies(env, this.logger, this.broker.metrics);
      timelines = new TimelineStore(worker.redis, worker.keys, { cap: env.TIMELINE_CAP, tweetTtl: env.TWEET_TTL });
      // Shows the newest stored tweets on /stream; coalesced, and never awaited here.
      feed = new LiveFeed((event, notice) => this.broker.broadcast(event, notice, { groups: ["api"] }));
      worker.consume("timeline", MatchBatch, this.settings.prefetch, async (batch) => {
        await timelines.add(batch.run_id, batch.matches, batch.deletes);
        feed.matched(batch.run_id, batch.matches);
      });
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
      feed?.stop();
    },
  };
}
