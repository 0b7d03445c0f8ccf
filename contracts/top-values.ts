import { z } from "zod";
import { RunId } from "./messages";

/**
 * A run's most frequent values (`statistics.top`, `GET /statistics/top`): matched tweets counted by
 * hashtag, mention, author, language, link domain and phrase, each tweet once per distinct value.
 */
export const TOP_FIELDS = ["hashtags", "mentions", "authors", "languages", "domains", "phrases"] as const;
export type TopField = (typeof TOP_FIELDS)[number];

/**
 * The windows besides the whole run, on the ingest clock: each sums the newest `buckets` buckets of
 * `bucketSeconds` (the current, filling one included), so "60s" covers the last 50 to 60 seconds.
 */
export const TOP_WINDOWS = {
  "60s": { bucketSeconds: 10, buckets: 6 },
  "10m": { bucketSeconds: 60, buckets: 10 },
  "1h": { bucketSeconds: 600, buckets: 6 },
} as const;
export type TopWindow = "run" | keyof typeof TOP_WINDOWS;

/** Values one answer holds at most. */
export const MAX_TOP_LIMIT = 100;

export const TopParams = z.object({
  run_id: RunId.optional(),
  field: z.enum(TOP_FIELDS, { error: `field must be one of ${TOP_FIELDS.join(", ")}` }),
  limit: z.coerce
    .number()
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(MAX_TOP_LIMIT, `limit must be at most ${MAX_TOP_LIMIT}`)
    .default(10),
  window: z
    .enum(["run", ...Object.keys(TOP_WINDOWS)] as [TopWindow], {
      error: "window must be run, 60s, 10m or 1h",
    })
    .default("run"),
});
export type TopParams = z.infer<typeof TopParams>;

export const TopValues = z.object({
  run_id: RunId.nullable(),
  field: z.enum(TOP_FIELDS),
  window: z.string(),
  /** Highest count first, ties by value. */
  items: z.array(z.object({ value: z.string(), count: z.number().int() })),
  /** The least counted values were trimmed to bound memory: counts may be low, and some values missing. */
  approximate: z.boolean(),
});
export type TopValues = z.infer<typeof TopValues>;
