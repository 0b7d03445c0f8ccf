import { Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { READ_ACTION, READ_RETRY_POLICY } from "../mesh/broker-options";
import { TimelineParams, type TimelinePage } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import {
  AuthorTimelineParams,
  FollowParams,
  HomeTimelineParams,
  SubscriberParams,
  TrackTimelineParams,
  TweetParams,
  type AuthorTimelinePage,
  type Follows,
  type HomeTimelinePage,
  type HydratedTweet,
  type TrackTimelinePage,
} from "../contracts/timelines";
import { parseParams } from "../contracts/validation";
import { LiveFeed } from "../workers/live-feed";
import { WorkerDependencies } from "../workers/worker-clients";
import { FollowStore } from "../store/follow-store";
import { ALL_RUNS } from "../store/keys";
import { hydratedTweet, TimelineStore } from "../store/timeline-store";

interface TimelineSettings extends ServiceSettingSchema {
  prefetch: number;
}

/** Which run a read is about and which page: the params every timeline read shares. */
interface PageRequest {
  run_id?: string;
  all_runs: boolean;
  limit: number;
  cursor?: string;
}

type ReadPage = Omit<HomeTimelinePage, "subscriber">;

/**
 * Timelines of matched tweets, filled at write time (fan-out) as Twitter's own design does: per run,
 * per track phrase, per author and per subscriber (home), each also across runs; tweet bodies stored
 * once and joined in when read. Subscribers follow authors and track phrases.
 */
export function timelineService(env: Environment): ServiceSchema<TimelineSettings> {
  let worker: WorkerDependencies;
  let timelines: TimelineStore;
  let follows: FollowStore;
  let feed: LiveFeed;

  /** A page of the timeline `keyIn` names for the run asked (the current one by default); empty when there is none. */
  async function readPage(request: PageRequest, keyIn: (runId: string) => string | null): Promise<ReadPage> {
    const runId = request.all_runs ? ALL_RUNS : (request.run_id ?? (await worker.runs.current())?.id ?? null);
    const answer = { run_id: request.all_runs ? null : runId, all_runs: request.all_runs };
    const key = runId === null ? null : keyIn(runId);
    if (key === null) return { ...answer, tweets: [], next_cursor: null };
    const page = await timelines.read(key, request.limit, request.cursor);
    return { ...answer, tweets: page.entries.map(hydratedTweet), next_cursor: page.nextCursor };
  }

  return {
    name: "timeline",

    settings: {
      /** Match batches stored at once by this worker. */
      prefetch: 4,
    },

    actions: {
      /** A page of a run's matched tweets (the current run unless `run_id`), optionally of one track phrase. */
      get: {
        ...READ_ACTION,
        async handler(ctx): Promise<TimelinePage> {
          const params = parseParams(TimelineParams, ctx.params);
          const runId = params.run_id ?? (await worker.runs.current())?.id ?? null;
          if (!runId) return { run_id: null, track: params.track ?? null, tweets: [], next_cursor: null };
          const page = await timelines.page({ runId, phrase: params.track, limit: params.limit, before: params.cursor });
          return { run_id: runId, track: params.track ?? null, tweets: page.entries, next_cursor: page.nextCursor };
        },
      },
      /** A page of one track phrase's timeline. */
      track: {
        ...READ_ACTION,
        async handler(ctx): Promise<TrackTimelinePage> {
          const params = parseParams(TrackTimelineParams, ctx.params);
          return { track: params.phrase, ...(await readPage(params, (runId) => worker.keys.timeline(runId, params.phrase))) };
        },
      },
      /** A page of one author's matched tweets; the author by screen name or user id. */
      author: {
        ...READ_ACTION,
        async handler(ctx): Promise<AuthorTimelinePage> {
          const params = parseParams(AuthorTimelineParams, ctx.params);
          const authorId = await timelines.authorId(params.author);
          const page = await readPage(params, (runId) => (authorId === null ? null : worker.keys.authorTimeline(runId, authorId)));
          return { author: params.author, author_id: authorId, ...page };
        },
      },
      /** A page of a subscriber's home timeline: the matched tweets of the authors and phrases they follow. */
      home: {
        ...READ_ACTION,
        async handler(ctx): Promise<HomeTimelinePage> {
          const params = parseParams(HomeTimelineParams, ctx.params);
          return { subscriber: params.subscriber, ...(await readPage(params, (runId) => worker.keys.homeTimeline(runId, params.subscriber))) };
        },
      },
      /** One tweet; 404 once its body expired or it was deleted. */
      tweet: {
        ...READ_ACTION,
        async handler(ctx): Promise<HydratedTweet> {
          const { id } = parseParams(TweetParams, ctx.params);
          const entry = await timelines.tweet(id);
          if (!entry) throw new Errors.MoleculerClientError(`tweet ${id} is not kept: never matched, expired or deleted`, 404, "TWEET_NOT_FOUND", { id });
          return hydratedTweet(entry);
        },
      },
      /** Follows authors and/or track phrases; answers everything the subscriber follows. */
      follow: {
        // Following twice is following once: a retry is safe.
        retryPolicy: READ_RETRY_POLICY,
        handler(ctx): Promise<Follows> {
          const params = parseParams(FollowParams, ctx.params);
          return follows.follow(params.id, params.authors, params.track);
        },
      },
      /** Stops following authors and/or track phrases; answers what the subscriber still follows. */
      unfollow: {
        retryPolicy: READ_RETRY_POLICY,
        handler(ctx): Promise<Follows> {
          const params = parseParams(FollowParams, ctx.params);
          return follows.unfollow(params.id, params.authors, params.track);
        },
      },
      /** What a subscriber follows. */
      follows: {
        ...READ_ACTION,
        handler: (ctx): Promise<Follows> => follows.follows(parseParams(SubscriberParams, ctx.params).id),
      },
    },

    async started() {
      worker = new WorkerDependencies(env, this.logger, this.broker.metrics);
      timelines = new TimelineStore(worker.redis, worker.keys, { cap: env.TIMELINE_CAP, tweetTtl: env.TWEET_TTL });
      follows = new FollowStore(worker.redis, worker.keys);
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
