import { Errors } from "moleculer";
import type { Follows } from "../../../contracts/timelines";
import { FollowRefused } from "../../../store/follow-store";
import { followAuthorsAndPhrases, type FollowPorts } from "../../../timelines/follows";

describe("followAuthorsAndPhrases", () => {
  const refusing = (refusal: Error): FollowPorts => ({ follow: () => Promise.reject(refusal) });
  const params = { id: "alice", authors: ["@bieber"], track: [] };

  it("answers what the subscriber follows after the follow", async () => {
    const follows: Follows = { subscriber: "alice", authors: ["@bieber"], track: [] };
    const store: FollowPorts = { follow: jest.fn(() => Promise.resolve(follows)) };
    await expect(followAuthorsAndPhrases(store, params)).resolves.toBe(follows);
    expect(store.follow).toHaveBeenCalledWith("alice", ["@bieber"], []);
  });

  it("answers 409 naming MAX_SUBSCRIBERS when the mesh has its most subscribers", async () => {
    const answer = followAuthorsAndPhrases(refusing(new FollowRefused("subscribers", 1000, 1000)), params);
    await expect(answer).rejects.toBeInstanceOf(Errors.MoleculerClientError);
    await expect(answer).rejects.toMatchObject({
      code: 409,
      type: "SUBSCRIBER_LIMIT",
      message: expect.stringContaining("MAX_SUBSCRIBERS = 1000"),
      data: { field: "id", limit: "MAX_SUBSCRIBERS", max: 1000 },
    });
  });

  it("answers 422 naming the field and MAX_FOLLOWS_PER_SUBSCRIBER past a subscriber's cap", async () => {
    const answer = followAuthorsAndPhrases(refusing(new FollowRefused("follows", 99, 100)), {
      id: "alice",
      authors: [],
      track: ["love", "music"],
    });
    await expect(answer).rejects.toMatchObject({
      code: 422,
      type: "FOLLOW_LIMIT",
      message: expect.stringMatching(/^track: .*at most 100 .*alice follows 99$/),
      data: { field: "track", limit: "MAX_FOLLOWS_PER_SUBSCRIBER", max: 100, follows: 99 },
    });
  });

  it("lets any other failure through, as the outage it is", async () => {
    const outage = new Error("NOREPLICAS Not enough good replicas to write.");
    await expect(followAuthorsAndPhrases(refusing(outage), params)).rejects.toBe(outage);
  });
});
