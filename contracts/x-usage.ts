import { z } from "zod";

/**
 * The X app's post usage (`launcher.xUsage`, `GET /x/usage`), with X's own field names and values
 * as `GET /2/usage/tweets` reports them; the mesh keeps the latest reading in Redis as this too.
 */
export const XUsage = z.object({
  /** Posts the app's project may receive in its monthly period. */
  project_cap: z.number().int().nonnegative(),
  /** Posts it received so far in this period, as X bills them (deduplicated per day). */
  project_usage: z.number().int().nonnegative(),
  /** X's `cap_reset_day`, when the cap resets, as X gives it; null when X did not say. */
  cap_reset_day: z.number().int().nullable(),
  /** project_usage as a percentage of project_cap, to one decimal. */
  percent_used: z.number().nonnegative(),
  /** When the mesh read it from X (ISO 8601): X is asked at most once a minute. */
  read_at: z.iso.datetime(),
});
export type XUsage = z.infer<typeof XUsage>;
