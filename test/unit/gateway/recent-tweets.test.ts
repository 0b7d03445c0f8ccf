import type { MatchedNotice } from "../../../contracts/stream";
import { RecentTweets } from "../../../gateway/recent-tweets";
import { aTweet } from "../../support/batches";

const match = (id: string, phrases = ["Love"]) => ({ tweet: aTweet(id, `tweet ${id}`, "u"), phrases });
const notice = (runId: string, ...ids: string[]): MatchedNotice => ({
  run_id: runId,
  matches: ids.map((id) => match(id)),
});
const ids = (events: { id: string }[] | null) => events?.map((event) => event.id) ?? null;

describe("the recent tweets a gateway keeps for replays", () => {
  it("names each tweet by its run and id, serialized as its SSE event with lower-cased phrases", () => {
    const recent = new RecentTweets(10_000);
    const [event] = recent.record(notice("run-1", "42"));
    expect(event?.id).toBe("run-1/42");
    expect(event?.phrases).toEqual(["love"]);
    expect(event?.text).toMatch(/^id: run-1\/42\nevent: tweet\ndata: \{"run_id":"run-1","tweet":\{"id":"42",.*\n\n$/);
    expect(recent.newestId).toBe("run-1/42");
  });

  it("gives the tweets after a held one, oldest first, across runs", () => {
    const recent = new RecentTweets(10_000);
    recent.record(notice("run-1", "1", "2"));
    recent.record(notice("run-2", "3"));
    expect(ids(recent.after("run-1/1"))).toEqual(["run-1/2", "run-2/3"]);
    expect(ids(recent.after("run-2/3"))).toEqual([]);
  });

  it("knows no tweet it does not hold: of another run, never seen, or none at all", () => {
    const recent = new RecentTweets(10_000);
    expect(recent.newestId).toBeNull();
    recent.record(notice("run-1", "1"));
    expect(recent.after("run-2/1")).toBeNull();
    expect(recent.after("run-1/2")).toBeNull();
  });

  it("records a tweet notified twice once, and returns only the new ones", () => {
    const recent = new RecentTweets(10_000);
    recent.record(notice("run-1", "1"));
    expect(ids(recent.record(notice("run-1", "1", "2")))).toEqual(["run-1/2"]);
    expect(recent.size.tweets).toBe(2);
  });

  it("holds at most its capacity in bytes, forgetting the oldest first", () => {
    const one = new RecentTweets(10_000).record(notice("run-1", "99"))[0]?.text.length ?? 0;
    const recent = new RecentTweets(3 * one);
    for (let id = 10; id < 20; id++) recent.record(notice("run-1", `${id}`));
    expect(recent.size).toEqual({ tweets: 3, bytes: 3 * one });
    expect(recent.after("run-1/16")).toBeNull();
    expect(ids(recent.after("run-1/17"))).toEqual(["run-1/18", "run-1/19"]);
  });

  it("keeps the newest tweet even when it alone is past the capacity", () => {
    const recent = new RecentTweets(10);
    recent.record(notice("run-1", "1", "2"));
    expect(recent.size.tweets).toBe(1);
    expect(recent.newestId).toBe("run-1/2");
    expect(recent.after("run-1/2")).toEqual([]);
  });
});
