import { z } from "zod";
import { RunId } from "./messages";

/**
 * The per-second series of a run's matched tweets (`statistics.series`, `GET /statistics/series`).
 * Two clocks: `event`, the second of each tweet's own `created_at` (a replay shows the capture's
 * real profile at any rate), and `ingest`, the second the launcher pulled it from its source.
 */
export const SeriesClock = z.enum(["event", "ingest"], { error: "clock must be event or ingest" });
export type SeriesClock = z.infer<typeof SeriesClock>;

/** Bucket sizes, each kept as its own roll-up (store/count-matches-7+.lua), finest first. */
export const SERIES_RESOLUTIONS = { "1s": 1, "10s": 10, "1m": 60, "1h": 3600 } as const;
export type SeriesResolution = keyof typeof SERIES_RESOLUTIONS;
export const SeriesResolutionParam = z.enum(Object.keys(SERIES_RESOLUTIONS) as [SeriesResolution], {
  error: "resolution must be 1s, 10s, 1m or 1h",
});

/** Points one answer holds at most. */
export const MAX_SERIES_POINTS = 3600;

const Instant = (field: string) =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), `${field} must be an ISO-8601 date and time`)
    .transform((value) => Math.floor(Date.parse(value) / 1000));

export const SeriesParams = z
  .object({
    run_id: RunId.optional(),
    clock: SeriesClock.default("ingest"),
    /** The finest that fits MAX_SERIES_POINTS over the range when absent. */
    resolution: SeriesResolutionParam.optional(),
    /** Inclusive, in seconds since the epoch once parsed; the run's first second when absent. */
    from: Instant("from").optional(),
    /** Exclusive; just after the run's last second when absent. */
    to: Instant("to").optional(),
    phrase: z.string().min(1, "phrase must not be empty").max(60, "phrase must be at most 60 characters").optional(),
  })
  .refine((params) => params.from === undefined || params.to === undefined || params.from < params.to, {
    path: ["from"],
    message: "from must be before to",
  });
export type SeriesParams = z.infer<typeof SeriesParams>;

export const SeriesPoint = z.object({
  /** ISO-8601 start of the bucket. */
  at: z.string(),
  /** Matched tweets in the bucket (of `phrase` only, when one was asked). */
  amount: z.number().int(),
  per_phrase: z.record(z.string(), z.number().int()),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const SeriesPage = z.object({
  run_id: RunId.nullable(),
  clock: SeriesClock,
  resolution: SeriesResolutionParam,
  from: z.string().nullable(),
  to: z.string().nullable(),
  points: z.array(SeriesPoint),
  /** The sum of the points' amounts. */
  total: z.number().int(),
});
export type SeriesPage = z.infer<typeof SeriesPage>;

/** The start of the bucket of `size` seconds that holds `second`: buckets are aligned on the epoch (UTC). */
export function bucketStart(second: number, size: number): number {
  return Math.floor(second / size) * size;
}

/** The second a matched tweet counts in on the event clock: its own `created_at`, else when it was pulled. */
export function eventSecond(createdAt: string, ingestSecond: number): number {
  const ms = Date.parse(createdAt);
  return Number.isNaN(ms) ? ingestSecond : Math.floor(ms / 1000);
}
