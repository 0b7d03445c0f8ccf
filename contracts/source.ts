import { z } from "zod";

/** The kinds of tweet source a run can stream from (STREAM_SOURCE, a run's `source`). */
export const SourceName = z.enum(["generator", "replay", "x"]);
export type SourceName = z.infer<typeof SourceName>;
