/**
 * Ids of the posts a stream delivered in the last few minutes, to know a post X sends again: a
 * reconnect with `backfill_minutes` sends every post of those minutes, the ones delivered before the
 * disconnect included ("not deduplicated", X says). Bounded in time and in count.
 */
export class RecentIds {
  /** Id -> when it was delivered (ms); a Map keeps insertion order, so the oldest come first. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 200_000,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** True when `id` was delivered within the window (a duplicate); else records it. */
  repeated(id: string, now = Date.now()): boolean {
    const at = this.seen.get(id);
    if (at !== undefined && now - at < this.windowMs) return true;
    this.forget(now);
    this.seen.delete(id);
    this.seen.set(id, now);
    return false;
  }

  /** Drops the ids past the window, and the oldest beyond the capacity, leaving room for one. */
  private forget(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at < this.windowMs && this.seen.size < this.capacity) return;
      this.seen.delete(id);
    }
  }
}
