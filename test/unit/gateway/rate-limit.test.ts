import { RateLimiter, rateLimited } from "../../../gateway/rate-limit";

describe("the launch rate limiter", () => {
  it("allows a burst of perMinute, then refuses with the seconds until the next token", () => {
    const limiter = new RateLimiter({ perMinute: 3, maxClients: 10 });
    const at = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take("a", at).allowed)).toEqual([true, true, true]);
    expect(limiter.take("a", at)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take("a", at + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take("a", at + 20_000)).toEqual({ allowed: true });
  });

  it("keeps one bucket per client", () => {
    const limiter = new RateLimiter({ perMinute: 1, maxClients: 10 });
    expect(limiter.take("a", 0).allowed).toBe(true);
    expect(limiter.take("a", 0).allowed).toBe(false);
    expect(limiter.take("b", 0).allowed).toBe(true);
  });

  it("remembers at most maxClients, forgetting the longest idle", () => {
    const limiter = new RateLimiter({ perMinute: 1, maxClients: 2 });
    limiter.take("a", 0);
    limiter.take("b", 1);
    limiter.take("c", 2);
    expect(limiter.clients).toBe(2);
    // `a` was forgotten: it starts with a full bucket again; `c` was not.
    expect(limiter.take("a", 3).allowed).toBe(true);
    expect(limiter.take("c", 3).allowed).toBe(false);
  });

  it("answers 429 with retry_after for the Retry-After header", () => {
    const error = rateLimited({ retryAfterSeconds: 7 });
    expect(error).toMatchObject({ code: 429, type: "RATE_LIMITED", data: { retry_after: 7 } });
  });
});
