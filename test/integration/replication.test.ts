import { awaitReplicas, isRedisOutage } from "../../store/redis";
import { describeEachRedis } from "../support/redis-targets";

/** `REDIS_MIN_REPLICAS`: a worker acks only once its writes reached that many replicas of every primary. */
describeEachRedis("waiting for replicas", (target) => {
  const { redis } = target;
  const keys = target.keys(target.namespace());

  it("asks nothing when no replica is wanted", async () => {
    await redis.set(keys.epoch, "written");
    await expect(awaitReplicas(redis, 0, 100)).resolves.toBeUndefined();
  });

  if (target.cluster) {
    it("resolves once every primary's replica has the writes", async () => {
      for (let i = 0; i < 50; i++) await redis.set(keys.tweet(String(i)), "body", "EX", 60);
      await expect(awaitReplicas(redis, 1, 2000)).resolves.toBeUndefined();
    });
  }

  it("fails as an outage, naming the primary and the setting, when the replicas are fewer", async () => {
    await redis.set(keys.epoch, "written again");
    // The shared Redis has no replica; each primary of the local cluster has one.
    const wanted = target.cluster ? 2 : 1;
    const error: unknown = await awaitReplicas(redis, wanted, 200).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(
      new RegExp(
        `NOREPLICAS Redis primary 127\\.0\\.0\\.1:\\d+: writes reached [01] of REDIS_MIN_REPLICAS=${wanted} replicas within 200 ms`,
      ),
    );
    expect(isRedisOutage(error)).toBe(true);
  });
});
