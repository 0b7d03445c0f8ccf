import { z } from "zod";
import { RunId } from "./messages";
import { SourceName } from "./source";

/** How a run ended. */
export const EndReason = z.enum([
  "stopped",
  "replaced",
  "duration",
  "max_tweets",
  "source_exhausted",
  "source_failed",
  "orphaned",
]);
export type EndReason = z.infer<typeof EndReason>;

/** A run as kept in Redis: its settings, set at launch, and its figures, updated by the pipeline. */
export const Run = z.object({
  id: RunId,
  track: z.array(z.string()),
  /** X filtered-stream rules, matched as X matches them (matching/rules), beside the track. */
  rules: z.array(z.string()).default([]),
  languages: z.array(z.string()).default([]),
  max_tweets: z.number().int().positive().nullable().default(null),
  duration: z.number().positive().nullable().default(null),
  source: SourceName,
  /** The generator's seed, so that a launcher taking the run over continues the same stream. */
  seed: z.number().int().nullable().default(null),
  started_at: z.number(),
  ended_at: z.number().nullable().default(null),
  end_reason: EndReason.nullable().default(null),
  /** Source items (tweets and delete notices) whose pipeline message RabbitMQ confirmed: where a taken-over stream resumes. */
  position: z.number().int().default(0),
  /** Tweets among them. */
  published: z.number().int().default(0),
  /** Tweets the filter examined; matched tweets counted, once each. */
  examined: z.number().int().default(0),
  amount: z.number().int().default(0),
  /** Edited versions of posts among the examined tweets: each post counts once in `amount`, however often edited. */
  edits: z.number().int().default(0),
  /** Why the run ended, in words, when the reason alone does not say (a source that failed). */
  end_detail: z.string().nullable().default(null),
  /** A live source's reconnects, and tweets it dropped because the pipeline was behind. */
  reconnects: z.number().int().default(0),
  /** When a launcher last streamed the run (ms since the epoch): a run nobody streamed for ORPHAN_TIMEOUT ends then. */
  streamed_at: z.number().nullable().default(null),
  dropped: z.number().int().default(0),
  /** The fullest 1 s bucket on the ingest clock, and its second (epoch seconds); kept by the count script. */
  peak_speed: z.number().int().default(0),
  peak_at: z.number().int().nullable().default(null),
});
export type Run = z.infer<typeof Run>;
