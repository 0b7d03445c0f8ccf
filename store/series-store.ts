import type { RedisClient } from "./redis";
import type { SeriesClock } from "../contracts/series";
import type { RedisKeys } from "./keys";

/** Reads the per-bucket series that store/count-matches-7+.lua keeps for each run and clock. */
export class SeriesStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Pick<RedisKeys, "runSeries">,
  ) {}

  /** The seconds the run's series spans on this clock; null before its first match. */
  async span(runId: string, clock: SeriesClock): Promise<{ first: number; last: number } | null> {
    const [first, last] = await this.redis.hmget(this.keys.runSeries(runId, clock), "first", "last");
    return first === null || last === null ? null : { first: Number(first), last: Number(last) };
  }

  /** The counts of these fields (`seriesField`), 0 where a bucket has none, in one round trip. */
  async counts(runId: string, clock: SeriesClock, fields: readonly string[]): Promise<number[]> {
    if (fields.length === 0) return [];
    const values = await this.redis.hmget(this.keys.runSeries(runId, clock), ...fields);
    return values.map((value) => (value === null ? 0 : Number(value)));
  }
}
