import { z } from "zod";
import { Track } from "./track";
import { RunId } from "./messages";
import { EndReason } from "./run";
import { Tweet } from "./tweet";

/**
 * Params and responses of every RPC action. The gateway and the REPL reach the same actions, so
 * the actions validate their own params with these schemas.
 */

/**
 * `track` as a list of phrases, or as one comma-separated string as the v1.1 API took it (and as the
 * REPL's `--track bieber` sends it).
 */
const TrackParam = z.preprocess(
  (value) => (typeof value === "string" ? value.split(",").map((phrase) => phrase.trim()) : value),
  Track,
);

const LanguageList = z.preprocess(
  (value) => (typeof value === "string" ? value.split(",").map((code) => code.trim()) : value),
  z
    .array(
      z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "each language must be a BCP 47 code such as en or pt-BR"),
    )
    .max(50, "languages may name at most 50 codes"),
);

/**
 * X filtered-stream rules (`bieber lang:en -is:retweet`), beside or instead of `track`. Their language
 * and their limits (X_MAX_RULES, X_MAX_RULE_LENGTH, settings) are checked by the launcher
 * (matching/rules), before anything changes.
 */
export const RuleList = z
  .array(z.string().trim().min(1, "a rule must not be blank"))
  .min(1, "rules must name at least one rule");

export const LaunchParams = z
  .object({
    track: TrackParam.optional(),
    rules: RuleList.optional(),
    languages: LanguageList.optional(),
    max_tweets: z.coerce
      .number()
      .int("max_tweets must be a whole number")
      .positive("max_tweets must be at least 1")
      .optional(),
    duration: z.coerce
      .number()
      .positive("duration must be more than 0 seconds")
      .max(7 * 24 * 3600, "duration must be at most 604800 seconds")
      .optional(),
  })
  .refine((params) => params.track !== undefined || params.rules !== undefined, {
    message: "a launch needs track phrases, rules, or both",
    path: ["track"],
  });
export type LaunchParams = z.infer<typeof LaunchParams>;

export const LaunchResponse = z.object({
  process_started: z.literal(true),
  run_id: RunId,
  track: z.array(z.string()),
  rules: z.array(z.string()).default([]),
  source: z.string(),
  /** The run this launch ended, if one was active. */
  replaced_run_id: RunId.nullable(),
  /** Phrases that will likely not match what the caller meant (e.g. `#tag`), and why. */
  warnings: z.array(z.string()).default([]),
});
export type LaunchResponse = z.infer<typeof LaunchResponse>;

/** A client's `Idempotency-Key`: the same key, the same launch. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** What a launch's call carries besides its params: the gateway puts the client's key in its meta. */
export const LaunchMeta = z.looseObject({ idempotencyKey: z.string().regex(IDEMPOTENCY_KEY).optional() });

export const StopResponse = z.object({
  process_stopped: z.boolean(),
  run_id: RunId.nullable(),
});
export type StopResponse = z.infer<typeof StopResponse>;

/** The figures of one run, as `/statistics` answers them. */
export const RunStatistics = z.object({
  amount: z.number().int(),
  speed: z.number(),
  elapsed_time: z.number().int(),
  run_id: RunId.nullable(),
  track: z.array(z.string()),
  running: z.boolean(),
  /** A launcher worker streams the run, or is still sending what it pulled before the run ended. */
  streaming: z.boolean(),
  /** Tweets the filter examined, and tweets the launcher sent into the pipeline. */
  examined: z.number().int(),
  published: z.number().int(),
  /** Edited versions among the examined tweets; an edited post counts once in `amount`. */
  edits: z.number().int().default(0),
  per_phrase: z.record(z.string(), z.number().int()),
  /** The run's X rules, and matched tweets per rule, as per track phrase. */
  rules: z.array(z.string()).default([]),
  per_rule: z.record(z.string(), z.number().int()).default({}),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  end_reason: EndReason.nullable(),
  /** Why, in words, when the reason alone does not say (e.g. the X API refused the token). */
  end_detail: z.string().nullable(),
  source: z.string().nullable(),
  /** A live source's reconnects, and tweets it dropped because the pipeline was behind. */
  reconnects: z.number().int(),
  dropped: z.number().int(),
  /** When Redis was found to have lost the mesh's state (restarted without persistence): figures before it are gone. */
  state_lost_at: z.string().nullable().default(null),
  /** Matched tweets per second over the last 10 complete seconds (ingest clock); `/statistics` only. */
  speed_now: z.number().default(0),
  /** The fullest 1 s bucket (ingest clock): its count, and when (ISO-8601); 0 and null before any match. */
  peak_speed: z.number().int().default(0),
  peak_at: z.string().nullable().default(null),
  /** The seconds the launch asked the run to last; null when it did not. */
  duration: z.number().nullable().default(null),
});
export type RunStatistics = z.infer<typeof RunStatistics>;

export const RunHistory = z.object({
  runs: z.array(RunStatistics),
  /** The `cursor` of the next page of older runs; null on the last page. */
  next_cursor: RunId.nullable().default(null),
  totals: z.object({
    runs: z.number().int(),
    amount: z.number().int(),
    examined: z.number().int(),
    elapsed_time: z.number().int(),
    /** Matched tweets per second over the time all runs streamed. */
    speed: z.number(),
  }),
});
export type RunHistory = z.infer<typeof RunHistory>;

export const RunHistoryParams = z.object({
  limit: z.coerce
    .number()
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(1000, "limit must be at most 1000")
    .default(100),
  /** The previous page's `next_cursor`: the page starts with the run after it. */
  cursor: RunId.optional(),
});

/** Tweets per timeline page. */
export const PageLimit = z.coerce
  .number()
  .int("limit must be a whole number")
  .min(1, "limit must be at least 1")
  .max(200, "limit must be at most 200")
  .default(20);
/** The `next_cursor` of the previous page: the last tweet id it scanned. */
export const PageCursor = z
  .string()
  .regex(/^\d{1,20}$/, "cursor must be the next_cursor of a previous page")
  .optional();

export const TimelineParams = z.object({
  track: z.string().min(1, "track must not be empty").max(60, "track must be at most 60 characters").optional(),
  run_id: RunId.optional(),
  limit: PageLimit,
  cursor: PageCursor,
});
export type TimelineParams = z.infer<typeof TimelineParams>;

export const TimelineEntry = z.object({
  tweet: Tweet,
  phrases: z.array(z.string()),
});

export const TimelinePage = z.object({
  run_id: RunId.nullable(),
  track: z.string().nullable(),
  tweets: z.array(TimelineEntry),
  next_cursor: z.string().nullable(),
});
export type TimelinePage = z.infer<typeof TimelinePage>;
