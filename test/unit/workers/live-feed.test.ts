import { LiveFeed } from "../../../workers/live-feed";
import type { Match } from "../../../contracts/messages";

const match = (id: string): Match => ({
  tweet: {
    id,
    text: id,
    author: { id: "1", username: "u" },
    hashtags: [],
    mentions: [],
    urls: [],
    created_at: "",
    lang: null,
    referenced: [],
  },
  phrases: ["a"],
});

/**
 * A failed broadcast that notes whether a rejection handler was attached to it. The rejection comes
 * after the send returned, so no `toThrow` can see it; left unhandled, it would reach the process.
 */
class WatchedRejection extends Promise<never> {
  handled = false;

  static of(error: Error): WatchedRejection {
    return new WatchedRejection((_, reject) => reject(error));
  }

  override then<TResult1 = never, TResult2 = never>(
    onFulfilled?: ((value: never) => TResult1 | PromiseLike<TResult1>) | null,
    onRejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    if (typeof onRejected === "function") this.handled = true;
    return super.then(onFulfilled, onRejected);
  }
}

describe("the pipeline's live feed", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("coalesces notices: one per run and interval, however many batches", () => {
    const sent: Array<[string, unknown]> = [];
    const feed = new LiveFeed((event, payload) => sent.push([event, payload]), { intervalMs: 100, maxMatches: 3 });
    for (let i = 0; i < 50; i++) feed.counted("run-1");
    feed.matched("run-1", [match("1"), match("2")]);
    feed.matched("run-1", [match("3"), match("4")]);
    expect(sent).toHaveLength(0);
    jest.advanceTimersByTime(100);
    expect(sent).toEqual([
      ["live.matched", { run_id: "run-1", matches: [match("2"), match("3"), match("4")] }],
      ["live.counted", { run_id: "run-1" }],
    ]);
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it("never throws nor rejects into the pipeline when sending fails", () => {
    const sends: WatchedRejection[] = [];
    const feed = new LiveFeed(
      () => {
        const send = WatchedRejection.of(new Error("transporter down"));
        sends.push(send);
        return send;
      },
      { intervalMs: 10 },
    );
    feed.counted("run-1");
    feed.matched("run-1", [match("1")]);
    expect(() => jest.advanceTimersByTime(10)).not.toThrow();
    // Both notices were sent, and the feed took each rejection. The test takes them too once it has
    // looked, so that a feed which forgets one fails here rather than crashing the test process.
    const handled = sends.map((send) => send.handled);
    for (const send of sends) send.catch(() => undefined);
    expect(handled).toEqual([true, true]);
    const throwing = new LiveFeed(
      () => {
        throw new Error("no broker");
      },
      { intervalMs: 10 },
    );
    throwing.counted("run-1");
    expect(() => jest.advanceTimersByTime(10)).not.toThrow();
  });

  it("keeps only the newest run's matches", () => {
    const sent: unknown[] = [];
    const feed = new LiveFeed((_, payload) => sent.push(payload), { intervalMs: 10 });
    feed.matched("run-1", [match("1")]);
    feed.matched("run-2", [match("2")]);
    jest.advanceTimersByTime(10);
    expect(sent).toEqual([{ run_id: "run-2", matches: [match("2")] }]);
  });
});
