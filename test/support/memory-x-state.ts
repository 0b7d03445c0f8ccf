import type { XUsage } from "../../contracts/x-usage";
import type { XSharedState } from "../../sources/run-sources";

/**
 * The mesh's shared X state in memory, for unit tests without Redis: the same answers as
 * store/x-api-store.ts gives from its Lua scripts, on one process's clock.
 */
export class MemoryXState implements XSharedState {
  /** Each reserved request: its reservation, its number in it, and when it was made. */
  readonly requests: { id: string; n: number; at: number }[] = [];
  usage: XUsage | null = null;
  claimedUntil = 0;
  private readonly warned = new Set<number>();
  private lastReading: { cap: number; usage: number } | null = null;
  private reservations = 0;

  constructor(readonly now: () => number = Date.now) {}

  async reserveRuleRequests(count: number, allowed: number, windowMs: number) {
    const now = this.now();
    while (this.requests.length > 0 && now - (this.requests[0]?.at ?? now) >= windowMs) this.requests.shift();
    const excess = this.requests.length + count - allowed;
    if (excess > 0) {
      const leaving = this.requests[excess - 1]?.at ?? now;
      return { granted: false as const, retryAfterSeconds: Math.max(1, Math.ceil((leaving + windowMs - now) / 1000)) };
    }
    const id = `reservation-${++this.reservations}`;
    for (let n = 1; n <= count; n++) this.requests.push({ id, n, at: now });
    return { granted: true as const, id };
  }

  async releaseRuleRequests(id: string, reserved: number, count: number): Promise<void> {
    const released = (request: { id: string; n: number }) => request.id === id && request.n > reserved - count;
    this.requests.splice(0, this.requests.length, ...this.requests.filter((request) => !released(request)));
  }

  async latest(): Promise<XUsage | null> {
    return this.usage;
  }

  async save(usage: XUsage): Promise<void> {
    this.usage = usage;
  }

  async claimRead(ttlMs: number): Promise<boolean> {
    if (this.now() < this.claimedUntil) return false;
    this.claimedUntil = this.now() + ttlMs;
    return true;
  }

  async newlyReached(usage: XUsage, reached: readonly number[]): Promise<number[]> {
    const last = this.lastReading;
    if (last && (last.cap !== usage.project_cap || last.usage > usage.project_usage)) this.warned.clear();
    this.lastReading = { cap: usage.project_cap, usage: usage.project_usage };
    const newly = reached.filter((percent) => !this.warned.has(percent));
    for (const percent of newly) this.warned.add(percent);
    return newly;
  }
}
