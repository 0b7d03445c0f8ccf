import { randomBytes } from "node:crypto";
import type { RedisClient } from "./redis";
import { z } from "zod";
import { TOP_WINDOWS, type TopField, type TopWindow } from "../contracts/top-values";
import type { RedisKeys } from "./keys";
import { scripts } from "./scripts";
import { windowBucketStarts } from "./top-values";

const FlatReply = z.array(z.union([z.string(), z.number()]));

/** Reads the top values that store/count-matches-7+.lua keeps per run, field and window bucket. */
export class TopValuesStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Pick<RedisKeys, "run" | "topValues" | "topWindowBucket" | "topScratch">,
  ) {}

  /** The `limit` most counted values, highest first, ties by value, and whether a trim may have touched them. */
  async top(
    runId: string,
    field: TopField,
    window: TopWindow,
    limit: number,
    nowSecond: number,
  ): Promise<{ items: { value: string; count: number }[]; approximate: boolean }> {
    const keys =
      window === "run"
        ? [this.keys.topValues(runId, field)]
        : [
            this.keys.topScratch(runId, randomBytes(6).toString("hex")),
            ...windowBucketStarts(window, nowSecond).map((start) =>
              this.keys.topWindowBucket(runId, field, window, start),
            ),
          ];
    const [reply, trimmedAt] = await Promise.all([
      scripts.readTop.run(this.redis, keys, [limit]),
      this.redis.hget(this.keys.run(runId), window === "run" ? `top_trimmed:${field}` : `top_window_trimmed:${field}`),
    ]);
    const flat = FlatReply.parse(reply);
    const items: { value: string; count: number }[] = [];
    for (let index = 0; index + 1 < flat.length; index += 2)
      items.push({ value: String(flat[index]), count: Number(flat[index + 1]) });
    const oldest = window === "run" ? 0 : nowSecond - TOP_WINDOWS[window].bucketSeconds * TOP_WINDOWS[window].buckets;
    return { items, approximate: trimmedAt !== null && Number(trimmedAt) >= oldest };
  }
}
