import { usageOf } from "../../sources/x/usage";
import { XApiStore } from "../../store/x-api-store";
import { describeEachRedis } from "../support/redis-targets";

const WINDOW_MS = 15 * 60 * 1000;

/** The mesh's shared X state in the real Redis: the rule-request window and the usage thresholds. */
describeEachRedis("the X API store", (target) => {
  const { redis } = target;
  let keys = target.keys(target.namespace());
  let store = new XApiStore(redis, keys);

  // Each test starts from an empty namespace.
  beforeEach(() => {
    keys = target.keys(target.namespace());
    store = new XApiStore(redis, keys);
  });

  it("reserves all the requests asked or none, and says when there will be room", async () => {
    expect(await store.reserveRuleRequests(3, 5, WINDOW_MS)).toMatchObject({ granted: true });
    expect(await store.reserveRuleRequests(3, 5, WINDOW_MS)).toEqual({ granted: false, retryAfterSeconds: 900 });
    expect(await store.reserveRuleRequests(2, 5, WINDOW_MS)).toMatchObject({ granted: true });
    expect(await redis.zcard(keys.xRuleRequests)).toBe(5);
    expect(await redis.pttl(keys.xRuleRequests)).toBeGreaterThan(WINDOW_MS - 5_000);
  });

  it("counts concurrent reservations exactly: racing workers never pass the budget together", async () => {
    const grants = await Promise.all(Array.from({ length: 20 }, () => store.reserveRuleRequests(3, 10, WINDOW_MS)));
    expect(grants.filter((grant) => grant.granted)).toHaveLength(3);
    expect(await redis.zcard(keys.xRuleRequests)).toBe(9);
  });

  it("lets requests leave the window, and gives back unused ones", async () => {
    const first = await store.reserveRuleRequests(2, 3, 1_000);
    expect(await store.reserveRuleRequests(2, 3, 1_000)).toEqual({ granted: false, retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const second = await store.reserveRuleRequests(3, 3, 1_000);
    expect(second).toMatchObject({ granted: true });
    if (!second.granted || !first.granted) throw new Error("unreachable");
    await store.releaseRuleRequests(second.id, 3, 2);
    expect(await redis.zrange(keys.xRuleRequests, 0, -1)).toEqual([`${second.id}:1`]);
  });

  it("keeps the latest usage reading, and one claim to read X at a time", async () => {
    expect(await store.latest()).toBeNull();
    const usage = usageOf(100, 10, 14, Date.parse("2026-12-01T10:00:00Z"));
    await store.save(usage);
    expect(await store.latest()).toEqual(usage);
    expect(await store.claimRead(60_000)).toBe(true);
    expect(await store.claimRead(60_000)).toBe(false);
  });

  it("says each usage threshold once per cap period", async () => {
    const reading = (cap: number, used: number) => usageOf(cap, used, 14, 0);
    expect(await store.newlyReached(reading(100, 80), [80])).toEqual([80]);
    expect(await store.newlyReached(reading(100, 85), [80])).toEqual([]);
    expect(await store.newlyReached(reading(100, 96), [80, 95])).toEqual([95]);
    // The usage fell: X reset the cap, a new period starts.
    expect(await store.newlyReached(reading(100, 3), [])).toEqual([]);
    expect(await store.newlyReached(reading(100, 90), [80])).toEqual([80]);
    // Another cap (the plan changed) starts one too.
    expect(await store.newlyReached(reading(1000, 900), [80])).toEqual([80]);
  });
});
