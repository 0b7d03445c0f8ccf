import { Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import type { Pool } from "pg";
import type { Environment } from "../config/environment";
import { TimelineParams, type TimelinePage } from "../contracts/actions";
import { MatchBatch } from "../contracts/messages";
import {
  AuthorTimelineParams,
  FollowParams,
  HomeTimelineParams,
  SubscriberParams,
  TrackTimelineParams,
  RuleTimelineParams,
  TweetParams,
  type AuthorTimelinePage,
  type Follows,
  type HomeTimelinePage,
  type HydratedTweet,
  type TrackTimelinePage,
  type RuleTimelinePage,
} from "../contracts/timelines";
import { parseParams } from "../contracts/validation";
import { READ_ACTION, READ_RETRY_POLICY } from "../mesh/broker-options";
import { FollowStore } from "../store/follow-store";
import { TimelineStore } from "../store/timeline-store";
import { followAuthorsAndPhrases } from "../timelines/follows";
import { storeMatchBatch } from "../timelines/match-batch";
import {
  readAuthorTimeline,
  readHomeTimeline,
  readRunTimeline,
  readTrackTimeline,
  readRuleTimeline,
  readTweet,
  type TimelineReadPorts,
} from "../timelines/reads";
import { LiveFeed } from "../workers/live-feed";
import { ArchiveReader } from "../archive/archive-reader";
import { openDatabase } from "../archive/database";
import { archivedSeconds } from "../archive/retention";
import { WorkerClients } from "../workers/worker-clients";

interface TimelineSettings extends ServiceSettingSchema {
  prefetch: number;
}

/**
 * Timelines of matched tweets, filled at write time (fan-out) as Twitter's own design does: per run,
 * per track phrase, per author and per subscriber (home), each also across runs; tweet bodies stored
 * once and joined in when read. Subscribers follow authors and track phrases.
 */
export function timelineService(env: Environment): ServiceSchema<TimelineSettings> {
  let worker: WorkerClients;
  let reads: TimelineReadPorts;
  let follows: FollowStore;
  let feed: LiveFeed;
  let pool: Pool | null = null;

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
        handler: (ctx): Promise<TimelinePage> => readRunTimeline(reads, parseParams(TimelineParams, ctx.params)),
      },
      /** A page of one track phrase's timeline. */
      track: {
        ...READ_ACTION,
        handler: (ctx): Promise<TrackTimelinePage> =>
          readTrackTimeline(reads, parseParams(TrackTimelineParams, ctx.params)),
      },
      /** A page of one X rule's timeline. */
      rule: {
        ...READ_ACTION,
        handler: (ctx): Promise<RuleTimelinePage> =>
          readRuleTimeline(reads, parseParams(RuleTimelineParams, ctx.params)),
      },
      /** A page of one author's matched tweets; the author by screen name or user id. */
      author: {
        ...READ_ACTION,
        handler: (ctx): Promise<AuthorTimelinePage> =>
          readAuthorTimeline(reads, parseParams(AuthorTimelineParams, ctx.params)),
      },
      /** A page of a subscriber's home timeline: the matched tweets of the authors and phrases they follow. */
      home: {
        ...READ_ACTION,
        handler: (ctx): Promise<HomeTimelinePage> =>
          readHomeTimeline(reads, parseParams(HomeTimelineParams, ctx.params)),
      },
      /** One tweet; 404 once its body expired or it was deleted. */
      tweet: {
        ...READ_ACTION,
        async handler(ctx): Promise<HydratedTweet> {
          const { id } = parseParams(TweetParams, ctx.params);
          const tweet = await readTweet(reads, id);
          if (!tweet)
            throw new Errors.MoleculerClientError(
              `tweet ${id} is not kept: never matched, expired or deleted`,
              404,
              "TWEET_NOT_FOUND",
              { id },
            );
          return tweet;
        },
      },
      /** Follows authors and/or track phrases within MAX_SUBSCRIBERS and MAX_FOLLOWS_PER_SUBSCRIBER; answers everything the subscriber follows. */
      follow: {
        // Following twice is following once: a retry is safe.
        retryPolicy: READ_RETRY_POLICY,
        handler: (ctx): Promise<Follows> => followAuthorsAndPhrases(follows, parseParams(FollowParams, ctx.params)),
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
      worker = WorkerClients.open(env, this.logger, this.broker.metrics);
      // With the archive, timelines outlive the bodies in Redis: what expired is read back from it.
      pool = env.DATABASE_URL === undefined ? null : openDatabase(env.DATABASE_URL, this.logger);
      const archived = pool === null ? null : new ArchiveReader(pool);
      const timelines = new TimelineStore(
        worker.redis,
        worker.keys,
        {
          cap: env.TIMELINE_CAP,
          tweetTtl: env.TWEET_TTL,
          timelineTtl: archived ? Math.max(env.TWEET_TTL, archivedSeconds(env.ARCHIVE_RETENTION_DAYS)) : env.TWEET_TTL,
        },
        archived,
      );
      reads = { runs: worker.runs, keys: worker.keys, timelines };
      follows = new FollowStore(worker.redis, worker.keys, {
        subscribers: env.MAX_SUBSCRIBERS,
        followsPerSubscriber: env.MAX_FOLLOWS_PER_SUBSCRIBER,
      });
      // Shows the newest stored tweets on /stream; coalesced, and never awaited here.
      feed = new LiveFeed((event, notice) => this.broker.broadcast(event, notice, { groups: ["api"] }));
      worker.consume("timeline", MatchBatch, this.settings.prefetch, (batch) =>
        storeMatchBatch({ timelines, feed }, batch),
      );
      await worker.start();
    },

    async stopped() {
      await worker?.stop();
      feed?.stop();
      await pool?.end();
    },
  };
}
