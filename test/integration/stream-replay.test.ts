import type { RunStatistics } from "../../contracts/actions";
import { curlPost, eventually, request, TestMesh } from "../support/mesh";
import { EventStreamClient } from "../support/sse";

interface TweetData {
  run_id: string;
  tweet: { id: string };
  phrases: string[];
}

interface ReplayData {
  complete: boolean;
  tweets: number;
}

/** The SSE ids of a client's tweet events, in the order it got them. */
const tweetIds = (client: EventStreamClient): string[] =>
  client.events.filter((entry) => entry.event === "tweet").map((entry) => entry.id ?? "");

/** Of `ids`, those after `id` (all of them when absent). */
const after = (ids: readonly string[], id: string): string[] => ids.slice(ids.indexOf(id) + 1);

/**
 * Issue #13: `/stream` events carry an `id:`, and a client that reconnects with `Last-Event-ID`
 * gets at once the figures and the tweets it missed, from whichever gateway worker it reaches. Two
 * gateway workers here: a reference client watches the first one all along; another watches the
 * first with a track filter, leaves while tweets flow, and comes back to the second.
 */
describe("/stream replays what a reconnecting client missed", () => {
  let mesh: TestMesh;
  let first: string;
  let second: string;

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [{ services: ["api"] }, { services: ["api"] }, { services: ["launcher", "filter", "statistics", "timeline"] }],
      // A replay is bounded by STREAM_BUFFER: room here for every tweet missed in a few seconds.
      { GENERATOR_RATE: "500", STREAM_BUFFER: String(4 * 1024 * 1024) },
    );
    [first = "", second = ""] = mesh.urls;
  });

  afterAll(async () => {
    await request(`${first}/stop`, { method: "POST" }).catch(() => undefined);
    await mesh?.stop();
  });

  it("sends exactly the tweets of its track it missed, on another gateway worker, then lives on", async () => {
    const reference = await EventStreamClient.open(`${first}/stream`);
    const leaving = await EventStreamClient.open(`${first}/stream?track=love`);
    let back: EventStreamClient | null = null;
    try {
      const launched = await curlPost(`${first}/launch`, JSON.stringify({ track: ["love", "music"] }));
      expect(launched.status).toBe(200);
      await eventually(
        async () => tweetIds(leaving).length,
        (tweets) => tweets >= 5,
        30_000,
        "a few tweets",
      );
      await leaving.close();
      const lastEventId = leaving.lastEventId ?? "";
      expect(lastEventId).toMatch(/^[a-z0-9-]+\/\d+$/);
      const missedFrom = tweetIds(reference).length;
      await eventually(
        async () => tweetIds(reference).length - missedFrom,
        (tweets) => tweets >= 20,
        30_000,
        "tweets to flow while the client is away",
      );

      back = await EventStreamClient.open(`${second}/stream?track=love`, { "Last-Event-ID": lastEventId });
      const returned = back;
      const [replay] = (await eventually(
        async () => returned.named("replay"),
        (events) => events.length > 0,
        10_000,
        "the replay event",
      )) as ReplayData[];
      await eventually(
        async () => returned.named("statistics").length,
        (updates) => updates > 0,
        5_000,
        "the figures at once",
      );
      // Live tweets after the replay, and the reference client as far.
      const replayAt = back.events.findIndex((entry) => entry.event === "replay");
      const replayed = back.events.slice(0, replayAt).filter((entry) => entry.event === "tweet").length;
      await eventually(
        async () => tweetIds(returned).length,
        (tweets) => tweets >= replayed + 5,
        30_000,
        "live tweets",
      );
      const received = tweetIds(back);
      await eventually(
        async () => tweetIds(reference),
        (ids) => after(ids, lastEventId).length >= received.length,
        30_000,
        "the reference client to be as far",
      );

      expect(replay).toEqual({ complete: true, tweets: replayed });
      expect(replayed).toBeGreaterThan(0);
      // What the reference client got of the track after the last event seen: the same ids in the
      // same order, so no gap and no duplicate, missed tweets and live ones alike.
      const loving = new Set(
        reference.events
          .filter((entry) => entry.event === "tweet" && (entry.data as TweetData).phrases.includes("love"))
          .map((entry) => entry.id),
      );
      const expected = after(tweetIds(reference), lastEventId).filter((id) => loving.has(id));
      expect(received).toEqual(expected.slice(0, received.length));
      expect(received.filter((id) => tweetIds(leaving).includes(id))).toEqual([]);
      // The figures name the client's place in the feed.
      const figures = back.events.filter((entry) => entry.event === "statistics");
      expect(figures.every((entry) => entry.id !== null)).toBe(true);
      expect((figures.at(-1)?.data as RunStatistics).run_id).toBe((launched.body as { run_id: string }).run_id);
    } finally {
      await Promise.all([reference.close(), leaving.close(), back?.close()]);
    }
  }, 120_000);

  it.each([
    ["of a run this gateway never saw", "0000000-00000000/1"],
    ["that is no event id at all", "not an id"],
  ])("says replay was incomplete for an id %s, and sends the figures at once", async (_, lastEventId) => {
    const client = await EventStreamClient.open(`${first}/stream`, { "Last-Event-ID": lastEventId });
    try {
      expect(client.status).toBe(200);
      await eventually(
        async () => client.named("statistics").length,
        (updates) => updates > 0,
        5_000,
        "the figures at once",
      );
      expect(client.named("replay")).toEqual([{ complete: false, tweets: 0 }]);
      const beforeReplay = client.events.findIndex((entry) => entry.event === "replay");
      expect(client.events.slice(0, beforeReplay).filter((entry) => entry.event === "tweet")).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
