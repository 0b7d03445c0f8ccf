import { randomUUID } from "node:crypto";
import type { RedisClient } from "./redis";
import { z } from "zod";
import { XUsage } from "../contracts/x-usage";
import type { RedisKeys } from "./keys";
import { SCRIPT_CODES } from "./script-codes";
import { scripts } from "./scripts";

/** What the mesh's window of rule requests answers a reservation. */
export type RuleRequestGrant = { granted: true; id: string } | { granted: false; retryAfterSeconds: number };

const ReserveReply = z.tuple([z.number(), z.number()]);
const Thresholds = z.array(z.string().regex(/^\d+$/).transform(Number));

/**
 * What the mesh shares about its use of the X API: the POSTs to the rules endpoint in the last 15
 * minutes (a sliding window on Redis's clock, store/reserve-x-rule-requests-1.lua), and the latest
 * reading of the app's post usage with the thresholds already warned of (store/note-x-usage-1.lua).
 */
export class XApiStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Takes `count` requests from a window of `windowMs` allowing `allowed`: all of them, or none. */
  async reserveRuleRequests(count: number, allowed: number, windowMs: number): Promise<RuleRequestGrant> {
    const id = randomUUID();
    const reply = await scripts.reserveXRuleRequests.run(
      this.redis,
      [this.keys.xRuleRequests],
      [count, allowed, windowMs, id],
    );
    const [code, value] = ReserveReply.parse(reply);
    return code === SCRIPT_CODES.BUDGET_SPENT ? { granted: false, retryAfterSeconds: value } : { granted: true, id };
  }

  /** Gives back the last `count` requests of a reservation of `reserved`: they will not be made. */
  async releaseRuleRequests(id: string, reserved: number, count: number): Promise<void> {
    const members = Array.from({ length: Math.min(count, reserved) }, (_, index) => `${id}:${reserved - index}`);
    if (members.length > 0) await this.redis.zrem(this.keys.xRuleRequests, ...members);
  }

  async latest(): Promise<XUsage | null> {
    const stored = await this.redis.get(this.keys.xUsage);
    if (stored === null) return null;
    const usage = XUsage.safeParse(JSON.parse(stored));
    // A reading an older version wrote differently is as good as none: the next one replaces it.
    return usage.success ? usage.data : null;
  }

  async save(usage: XUsage): Promise<void> {
    await this.redis.set(this.keys.xUsage, JSON.stringify(usage));
  }

  async claimRead(ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.xUsageReadClaim, "1", "PX", ttlMs, "NX")) === "OK";
  }

  async newlyReached(usage: XUsage, reached: readonly number[]): Promise<number[]> {
    const reply = await scripts.noteXUsage.run(
      this.redis,
      [this.keys.xUsageWarnings],
      [usage.project_cap, usage.project_usage, ...reached],
    );
    return Thresholds.parse(reply);
  }
}
