import { z } from "zod";

/**
 * The contracts of release 0.2.0, frozen: what a 0.2.0 worker or gateway requires of the messages,
 * params and responses it reads. Never edit this file to make a test pass; a newer release adds a
 * folder of its own. Copied from contracts/ at 0.2.0, self-contained so that later changes there
 * cannot leak in.
 */

const RunId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const TweetId = z.string().regex(/^\d{1,20}$/);

const Author = z.looseObject({ id: z.string().min(1), username: z.string(), name: z.string().optional() });

const TweetContent = z.looseObject({
  id: TweetId,
  text: z.string(),
  author: Author,
  hashtags: z.array(z.string()).default([]),
  mentions: z.array(z.string()).default([]),
  urls: z.array(z.string()).default([]),
});

const Tweet = TweetContent.extend({
  created_at: z.string(),
  lang: z.string().nullable().default(null),
  referenced: z.array(TweetContent).default([]),
});

const DeleteNotice = z.looseObject({ tweet_id: TweetId, author_id: z.string().optional() });

export const TweetBatch = z.looseObject({
  v: z.literal(1),
  run_id: RunId,
  batch_id: z.string().min(1),
  sent_at: z.number(),
  tweets: z.array(Tweet),
  deletes: z.array(DeleteNotice).default([]),
});

const Match = z.looseObject({ tweet: Tweet, phrases: z.array(z.string()).min(1) });

export const MatchBatch = z.looseObject({
  v: z.literal(1),
  run_id: RunId,
  batch_id: z.string().min(1),
  sent_at: z.number(),
  examined: z.number().int().min(0),
  matches: z.array(Match),
  deletes: z.array(DeleteNotice).default([]),
});

const TrackPhrase = z
  .string()
  .trim()
  .min(1)
  .refine((phrase) => Buffer.byteLength(phrase, "utf8") <= 60)
  .refine((phrase) => !phrase.includes(","));
const split = (value: unknown) => (typeof value === "string" ? value.split(",").map((part) => part.trim()) : value);

export const LaunchParams = z.object({
  track: z.preprocess(split, z.array(TrackPhrase).min(1).max(400)),
  languages: z.preprocess(split, z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)).max(50)).optional(),
  max_tweets: z.coerce.number().int().positive().optional(),
  duration: z.coerce.number().positive().max(7 * 24 * 3600).optional(),
});

export const LaunchResponse = z.object({
  process_started: z.literal(true),
  run_id: RunId,
  track: z.array(z.string()),
  source: z.string(),
  replaced_run_id: RunId.nullable(),
  warnings: z.array(z.string()).default([]),
});

export const StopResponse = z.object({ process_stopped: z.boolean(), run_id: RunId.nullable() });

const EndReason = z.enum(["stopped", "replaced", "duration", "max_tweets", "source_exhausted", "source_failed"]);

export const RunStatistics = z.object({
  amount: z.number().int(),
  speed: z.number(),
  elapsed_time: z.number().int(),
  run_id: RunId.nullable(),
  track: z.array(z.string()),
  running: z.boolean(),
  streaming: z.boolean(),
  examined: z.number().int(),
  published: z.number().int(),
  per_phrase: z.record(z.string(), z.number().int()),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  end_reason: EndReason.nullable(),
  end_detail: z.string().nullable(),
  source: z.string().nullable(),
  reconnects: z.number().int(),
  dropped: z.number().int(),
});

export const RunHistoryParams = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export const RunHistory = z.object({
  runs: z.array(RunStatistics),
  totals: z.object({
    runs: z.number().int(),
    amount: z.number().int(),
    examined: z.number().int(),
    elapsed_time: z.number().int(),
    speed: z.number(),
  }),
});

export const TimelineParams = z.object({
  track: z.string().min(1).max(60).optional(),
  run_id: RunId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().regex(/^\d{1,20}$/).optional(),
});

export const TimelinePage = z.object({
  run_id: RunId.nullable(),
  track: z.string().nullable(),
  tweets: z.array(z.object({ tweet: Tweet, phrases: z.array(z.string()) })),
  next_cursor: z.string().nullable(),
});

export const Readiness = z.object({
  ready: z.boolean(),
  checks: z.object({
    broker: z.boolean(),
    redis: z.boolean(),
    services: z.record(z.string(), z.boolean()),
    draining: z.boolean().default(false),
  }),
});

const BuildInfo = z.object({ version: z.string(), commit: z.string() });
export const Versions = BuildInfo.extend({ nodes: z.array(BuildInfo.extend({ node: z.string(), services: z.array(z.string()) })) });
