import type { Tweet } from "../../../../contracts/tweet";
import { RecentIds } from "../../../../sources/x/recent-ids";
import { XStreamSource } from "../../../../sources/x/stream";
import { waitUntil } from "../../../support/eventually";
import { FakeXApi } from "../../../support/fake-x-api";

const TOKEN = "AAAAAAAAAAAAAAAAAAAAAbackfill-test-token-0123456789";

/** A v2 stream message of one post. */
const post = (id: string) => ({
  data: { id, text: `post ${id}`, author_id: "7", created_at: "2026-12-01T10:00:00.000Z", lang: "en" },
  includes: { users: [{ id: "7", username: "seven" }] },
});

describe("the ids a stream delivered lately", () => {
  it("tell a post sent again within the window, and forget it after", () => {
    const recent = new RecentIds(1000);
    expect([recent.repeated("1", 0), recent.repeated("1", 500), recent.repeated("2", 600)]).toEqual([
      false,
      true,
      false,
    ]);
    expect(recent.repeated("1", 1000)).toBe(false);
    expect(recent.size).toBe(2);
  });

  it("keep at most their capacity, forgetting the oldest", () => {
    const recent = new RecentIds(60_000, 2);
    for (const id of ["1", "2", "3"]) recent.repeated(id, 0);
    expect(recent.repeated("1", 0)).toBe(false);
    expect(recent.repeated("3", 0)).toBe(true);
  });
});

describe("a reconnect with backfill, against the fake X API", () => {
  let fake: FakeXApi;
  let abort: AbortController;
  beforeEach(async () => {
    fake = await FakeXApi.start({ token: TOKEN, keepAliveMs: 50 });
    abort = new AbortController();
  });
  afterEach(async () => {
    abort.abort();
    await fake.close();
  });

  const consume = (source: XStreamSource): Tweet[] => {
    const taken: Tweet[] = [];
    void (async () => {
      for await (const item of source.items({ signal: abort.signal }))
        if (item.kind === "tweet") taken.push(item.tweet);
    })();
    return taken;
  };

  it("asks X for X_BACKFILL_MINUTES again after a disconnect, and delivers the posts X sends twice once", async () => {
    const source = new XStreamSource({
      api: { bearerToken: TOKEN, baseUrl: fake.url },
      bufferSize: 100,
      backfillMinutes: 2,
      logger: { info: () => {}, warn: () => {}, debug: () => {} },
    });
    const taken = consume(source);
    fake.feed(["1", "2", "3"].map(post));
    await waitUntil(() => taken.length === 3, "the first posts");
    fake.dropStream();
    await waitUntil(() => fake.streamsAccepted === 2, "the reconnect");
    fake.feed([post("4")]);
    await waitUntil(() => taken.length === 4, "the post after the reconnect");

    expect(taken.map((tweet) => tweet.id)).toEqual(["1", "2", "3", "4"]);
    expect(fake.backfillRequests).toEqual([2]);
    expect(fake.served).toHaveLength(7);
    expect(source.stats).toMatchObject({ received: 7, duplicates: 3 });
    const connects = fake.requests.filter((request) => request.path === "/2/tweets/search/stream");
    expect(connects.map((request) => request.query.backfill_minutes)).toEqual([undefined, "2"]);
  });

  it("asks for no backfill when X_BACKFILL_MINUTES is 0", async () => {
    const source = new XStreamSource({
      api: { bearerToken: TOKEN, baseUrl: fake.url },
      bufferSize: 100,
      logger: { info: () => {}, warn: () => {}, debug: () => {} },
    });
    const taken = consume(source);
    fake.feed([post("1")]);
    await waitUntil(() => taken.length === 1, "a post");
    fake.dropStream();
    await waitUntil(() => fake.streamsAccepted === 2, "the reconnect");
    expect(fake.backfillRequests).toEqual([]);
  });
});
