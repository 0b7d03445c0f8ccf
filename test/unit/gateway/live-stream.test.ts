import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunStatistics } from "../../../contracts/actions";
import type { MatchedNotice } from "../../../contracts/stream";
import { LiveStream } from "../../../gateway/live-stream";

/**
 * A response whose socket takes writes at once until `full`, like a client that stopped reading:
 * then what is written stays buffered (`writableLength`) until `drain()`.
 */
class FakeClient extends EventEmitter {
  written = "";
  full = false;
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  status = 0;
  writeHead(status: number) {
    this.status = status;
  }
  write(text: string): boolean {
    this.written += text;
    if (this.full) this.writableLength += text.length;
    return !this.full;
  }
  end() {
    this.writableEnded = true;
  }
  destroy() {
    this.destroyed = true;
    this.emit("close");
  }
  drain() {
    this.full = false;
    this.writableLength = 0;
    this.emit("drain");
  }
  /** The `id:` of each event of that name, null for one without. */
  ids(name: string): (string | null)[] {
    return this.written
      .split("\n\n")
      .filter((block) => block.split("\n").includes(`event: ${name}`))
      .map((block) => /^id: (.*)$/m.exec(block)?.[1] ?? null);
  }
  events(name: string): unknown[] {
    return [...this.written.matchAll(new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`, "g"))].map((match) =>
      JSON.parse(match[1] ?? "null"),
    );
  }
}

const figures = (amount: number, running = true) => ({ amount, running }) as RunStatistics;
const tweet = (id: string, phrases: string[], text = id) => ({
  tweet: {
    id,
    text,
    author: { id: "1", username: "u" },
    hashtags: [],
    mentions: [],
    urls: [],
    created_at: "",
    lang: null,
    referenced: [],
  },
  phrases,
});
const notice = (...matches: ReturnType<typeof tweet>[]): MatchedNotice => ({ run_id: "run-1", matches });
/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((ok) => (resolve = ok));
  return { promise, resolve };
}
const quiet = { debug: () => undefined, warn: () => undefined };
const OPTIONS = {
  maxRate: 10,
  heartbeatMs: 15_000,
  refreshMs: 1000,
  maxClients: 2,
  clientBufferBytes: 1000,
  stallTimeoutMs: 5000,
};

function open(stream: LiveStream, params = {}, headers: Record<string, string> = {}) {
  const client = new FakeClient();
  const req = Object.assign(new EventEmitter(), { headers, socket: { setNoDelay: () => undefined } });
  stream.open(req as unknown as IncomingMessage, client as unknown as ServerResponse, params);
  return { client, req };
}

describe("the live stream", () => {
  let amount = 0;
  let reads = 0;
  const readFigures = async () => {
    reads += 1;
    return figures(amount);
  };
  const stream = (options: Partial<typeof OPTIONS> = {}) =>
    new LiveStream(readFigures, { ...OPTIONS, ...options }, quiet);

  beforeEach(() => {
    amount = 0;
    reads = 0;
  });

  it("opens an event stream and sends the figures at the next tick", async () => {
    const live = stream();
    const { client } = open(live);
    expect(client.status).toBe(200);
    amount = 5;
    await live.tick(0);
    expect(client.events("statistics")).toEqual([figures(5)]);
  });

  it("reads the figures once per tick for every client, however many notices came", async () => {
    const live = stream();
    const a = open(live).client;
    const b = open(live).client;
    await live.tick(0);
    for (let i = 0; i < 100; i++) live.counted();
    amount = 100;
    await live.tick(100);
    expect(reads).toBe(2);
    expect(a.events("statistics")).toHaveLength(2);
    expect(b.events("statistics")).toHaveLength(2);
    // Nothing new, and the last read is recent: no read.
    await live.tick(200);
    expect(reads).toBe(2);
    // A running run is read again once refreshMs passed (elapsed time moves).
    await live.tick(1200);
    expect(reads).toBe(3);
  });

  it("pushes matched tweets, filtered by the client's track phrases", () => {
    const live = stream();
    const all = open(live).client;
    const filtered = open(live, { track: ["Love"] }).client;
    live.matched(notice(tweet("1", ["love"]), tweet("2", ["bieber"])));
    expect(all.events("tweet")).toHaveLength(2);
    expect(filtered.events("tweet")).toEqual([expect.objectContaining({ run_id: "run-1", phrases: ["love"] })]);
  });

  it("pushes the matched tweets a client's search finds, in the archive's syntax, within its track when given", () => {
    const live = new LiveStream(readFigures, { ...OPTIONS, maxClients: 10 }, quiet);
    const searching = open(live, { search: '"world cup" -offside' }).client;
    const both = open(live, { search: "final", track: ["love"] }).client;
    live.matched(
      notice(
        tweet("1", ["love"], "The World Cup final!"),
        tweet("2", ["love"], "world cup? offside again"),
        tweet("3", ["bieber"], "cup of world tea, final"),
        tweet("4", ["bieber"], "WORLD-CUP final"),
      ),
    );
    const ids = (client: FakeClient) =>
      client.events("tweet").map((event) => (event as { tweet: { id: string } }).tweet.id);
    expect(ids(searching)).toEqual(["1", "4"]);
    expect(ids(both)).toEqual(["1"]);
  });

  it("refuses an unreadable search before the stream opens, naming the param", () => {
    const live = stream();
    expect(() => open(live, { search: 'cup "world' })).toThrow(/search: cannot be read at character 5/);
  });

  it("drops tweets for a client whose buffer is full, keeps only its newest figures, and tells it on drain", async () => {
    // Room for one tweet event (about 215 bytes), not three.
    const live = stream({ clientBufferBytes: 300 });
    const { client } = open(live);
    client.full = true;
    live.matched(notice(tweet("1", ["a"])));
    const before = client.written.length;
    live.matched(notice(tweet("2", ["a"]), tweet("3", ["a"])));
    amount = 7;
    live.counted();
    await live.tick(0);
    amount = 9;
    live.counted();
    await live.tick(100);
    expect(client.written.length).toBe(before);
    client.drain();
    expect(client.events("dropped")).toEqual([{ tweets: 2 }]);
    expect(client.events("statistics")).toEqual([figures(9)]);
  });

  it("buffers up to clientBufferBytes for a slow client before dropping, and no more however many tweets come", () => {
    const live = stream({ clientBufferBytes: 2000 });
    const { client } = open(live);
    client.full = true;
    // Four notices of two tweet events (about 215 bytes each) fit: a client a moment behind loses nothing.
    for (let i = 0; i < 4; i++) live.matched(notice(tweet(`early${i}a`, ["a"]), tweet(`early${i}b`, ["a"])));
    expect(client.events("tweet")).toHaveLength(8);
    for (let i = 0; i < 1000; i++) live.matched(notice(tweet(`${i}a`, ["a"]), tweet(`${i}b`, ["a"])));
    // The first write always goes (an empty buffer takes any one event); later ones only while they fit.
    expect(client.writableLength).toBeLessThanOrEqual(2000);
    expect(client.writableLength).toBeGreaterThan(0);
    const sent = client.events("tweet").length;
    client.drain();
    expect(client.events("dropped")).toEqual([{ tweets: 2008 - sent }]);
  });

  it("serializes each tweet once for all its clients, whatever their number, and each track's events once", () => {
    const live = new LiveStream(readFigures, { ...OPTIONS, maxClients: 100 }, quiet);
    const clients = Array.from({ length: 100 }, (_, i) => open(live, i % 2 ? { track: ["love"] } : {}).client);
    const stringify = jest.spyOn(JSON, "stringify");
    try {
      live.matched(notice(tweet("1", ["love"]), tweet("2", ["bieber"])));
      expect(stringify).toHaveBeenCalledTimes(2);
    } finally {
      stringify.mockRestore();
    }
    expect(clients.map((client) => client.events("tweet").length)).toEqual(clients.map((_, i) => (i % 2 ? 1 : 2)));
  });

  describe("a client whose buffer stays full", () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it("is disconnected once stallTimeoutMs passed, freeing its socket, and counted", () => {
      let cut = 0;
      const live = new LiveStream(readFigures, OPTIONS, quiet, { stalledClientCut: () => (cut += 1) });
      const stalled = open(live).client;
      const reading = open(live).client;
      stalled.full = true;
      live.matched(notice(tweet("1", ["a"])));
      for (let i = 0; i < 10; i++) live.matched(notice(tweet(`${i}`, ["a"])));
      live.cutStalled(Date.now() + OPTIONS.stallTimeoutMs - 1);
      expect(stalled.destroyed).toBe(false);
      live.cutStalled(Date.now() + OPTIONS.stallTimeoutMs);
      expect(stalled.destroyed).toBe(true);
      expect(reading.destroyed).toBe(false);
      expect(live.clientCount).toBe(1);
      expect(cut).toBe(1);
    });

    it("is kept when it drains meanwhile: a slow client is not a stalled one", () => {
      const live = stream();
      const { client } = open(live);
      client.full = true;
      for (let i = 0; i < 10; i++) live.matched(notice(tweet(`${i}`, ["a"])));
      jest.setSystemTime(Date.now() + OPTIONS.stallTimeoutMs - 1000);
      client.drain();
      live.cutStalled(Date.now() + 1000);
      expect(client.destroyed).toBe(false);
      expect(live.clientCount).toBe(1);
    });

    it("is checked by the stream's own timer once started", () => {
      const live = stream();
      const { client } = open(live);
      live.start();
      try {
        client.full = true;
        for (let i = 0; i < 10; i++) live.matched(notice(tweet(`${i}`, ["a"])));
        jest.advanceTimersByTime(OPTIONS.stallTimeoutMs + 1000);
        expect(client.destroyed).toBe(true);
      } finally {
        live.stop();
      }
    });
  });

  it("forgets a client that disconnects, and refuses beyond maxClients with a 503", () => {
    const live = stream();
    const first = open(live);
    open(live);
    expect(() => open(live)).toThrow(expect.objectContaining({ code: 503 }));
    first.client.emit("close");
    expect(live.clientCount).toBe(1);
    expect(() => open(live)).not.toThrow();
  });

  it("reads again later and later while reading fails, and at once after a success", async () => {
    let failing = true;
    let attempts = 0;
    const live = new LiveStream(
      async () => {
        attempts += 1;
        if (failing) throw new Error("Service 'statistics.get' is not registered.");
        return figures(1);
      },
      OPTIONS,
      quiet,
    );
    const { client } = open(live);
    for (let now = 0; now <= 3000; now += 100) await live.tick(now);
    // At 0, 1000 and 3000: one second, then two.
    expect(attempts).toBe(3);
    failing = false;
    await live.tick(7000);
    expect(client.events("statistics")).toEqual([figures(1)]);
    live.counted();
    await live.tick(7100);
    expect(attempts).toBe(5);
  });

  it("reads nothing while nobody listens", async () => {
    const live = stream();
    live.counted();
    await live.tick(0);
    expect(reads).toBe(0);
  });

  describe("a client's first figures (#13: never the last ones read, which may be seconds old)", () => {
    it("are read for it at the first tick after it opened, and shared by the clients opening in that tick", async () => {
      const live = stream({ maxClients: 10 });
      const early = open(live).client;
      amount = 1;
      await live.tick(0);
      expect(early.events("statistics")).toEqual([figures(1)]);
      // The figures moved with no notice yet: the last ones read are stale.
      amount = 2;
      const late = Array.from({ length: 2 }, () => open(live).client);
      expect(late.map((client) => client.events("statistics"))).toEqual([[], []]);
      await live.tick(100);
      expect(reads).toBe(2);
      expect(late.map((client) => client.events("statistics"))).toEqual([[figures(2)], [figures(2)]]);
      // Not stale, read 100 ms ago: the early client's rate is kept, it gets them with the next change.
      expect(early.events("statistics")).toEqual([figures(1)]);
    });

    it("of a client opening while a read is in flight come from the next read, never that one", async () => {
      const pending: ReturnType<typeof deferred<RunStatistics>>[] = [];
      const live = new LiveStream(
        () => {
          pending.push(deferred<RunStatistics>());
          return pending.at(-1)!.promise;
        },
        { ...OPTIONS, maxClients: 10 },
        quiet,
      );
      const before = open(live).client;
      const inFlight = live.tick(0);
      const during = open(live).client;
      await live.tick(50); // one read at a time
      expect(pending).toHaveLength(1);
      pending[0]?.resolve(figures(1));
      await inFlight;
      expect(before.events("statistics")).toEqual([figures(1)]);
      expect(during.events("statistics")).toEqual([]);

      const next = live.tick(100);
      expect(pending).toHaveLength(2);
      pending[1]?.resolve(figures(2));
      await next;
      expect(during.events("statistics")).toEqual([figures(2)]);
      // A stale read for everyone in flight skips the newcomer too.
      live.counted();
      const forAll = live.tick(200);
      const newcomer = open(live).client;
      pending[2]?.resolve(figures(3));
      await forAll;
      expect(before.events("statistics")).toEqual([figures(1), figures(3)]);
      expect(newcomer.events("statistics")).toEqual([]);
    });
  });

  describe("event ids and Last-Event-ID (#13)", () => {
    const reconnect = (live: LiveStream, lastEventId: string, params = {}) =>
      open(live, params, { "last-event-id": lastEventId }).client;

    it("gives each tweet event its run and tweet id, and the figures the id of the client's place", async () => {
      const live = stream();
      const loving = open(live, { track: ["love"] }).client;
      const all = open(live).client;
      live.matched(notice(tweet("1", ["love"]), tweet("2", ["bieber"])));
      expect(all.ids("tweet")).toEqual(["run-1/1", "run-1/2"]);
      await live.tick(0);
      // The tweet a client's track passed over moves its place too: a reconnect replays after it.
      expect(loving.ids("statistics")).toEqual(["run-1/2"]);
      expect(all.ids("statistics")).toEqual(["run-1/2"]);
    });

    it("starts a new client at the newest tweet sent: its figures name it before it got any tweet", async () => {
      const live = stream();
      expect(open(live).client.written).not.toContain("id:");
      live.matched(notice(tweet("1", ["a"])));
      const later = open(live).client;
      await live.tick(0);
      expect(later.ids("statistics")).toEqual(["run-1/1"]);
    });

    it("sends a reconnecting client the tweets of its track it missed, then says the replay is complete", async () => {
      const live = stream({ maxClients: 10, clientBufferBytes: 10_000 });
      for (let i = 1; i <= 6; i++) live.matched(notice(tweet(`${i}`, [i % 2 ? "love" : "bieber"])));
      const back = reconnect(live, "run-1/2", { track: ["LOVE"] });
      expect(back.ids("tweet")).toEqual(["run-1/3", "run-1/5"]);
      expect(back.events("replay")).toEqual([{ complete: true, tweets: 2 }]);
      expect(back.ids("replay")).toEqual(["run-1/6"]);
      // Then live, as any client, and its first figures at the next tick.
      live.matched(notice(tweet("7", ["love"])));
      await live.tick(0);
      expect(back.ids("tweet")).toEqual(["run-1/3", "run-1/5", "run-1/7"]);
      expect(back.events("statistics")).toEqual([figures(0)]);

      const upToDate = reconnect(live, "run-1/7");
      expect(upToDate.events("tweet")).toEqual([]);
      expect(upToDate.events("replay")).toEqual([{ complete: true, tweets: 0 }]);
    });

    it("says the replay is incomplete, sending no tweet, for an id it does not hold or a malformed one", async () => {
      const live = stream({ maxClients: 10 });
      live.matched(notice(tweet("1", ["a"])));
      const asked = ["run-0/1", "run-1/999", "garbage", "run-1/1/2", "run-1/1, run-1/1", "x".repeat(5000)];
      const clients = asked.map((id) => reconnect(live, id));
      await live.tick(0);
      for (const client of clients) {
        expect(client.status).toBe(200);
        expect(client.events("tweet")).toEqual([]);
        expect(client.events("replay")).toEqual([{ complete: false, tweets: 0 }]);
        expect(client.events("statistics")).toEqual([figures(0)]);
      }
    });

    it("sends no replay event to a client that names no event", () => {
      const live = stream({ maxClients: 10 });
      live.matched(notice(tweet("1", ["a"])));
      expect(open(live).client.events("replay")).toEqual([]);
      expect(open(live, {}, { "last-event-id": "" }).client.events("replay")).toEqual([]);
    });

    it("keeps a dropped tweet out of a congested client's place, so that a reconnect replays it", () => {
      const live = stream({ clientBufferBytes: 300 });
      const { client } = open(live);
      live.matched(notice(tweet("1", ["a"])));
      client.full = true;
      live.matched(notice(tweet("2", ["a"])));
      live.matched(notice(tweet("3", ["a"]), tweet("4", ["b"])));
      expect(client.ids("tweet")).toEqual(["run-1/1", "run-1/2"]);
      client.drain();
      expect(client.events("dropped")).toEqual([{ tweets: 2 }]);
      expect(client.ids("dropped")).toEqual(["run-1/2"]);
    });

    it("sends a tweet notified twice once", () => {
      const live = stream();
      const { client } = open(live);
      live.matched(notice(tweet("1", ["a"])));
      live.matched(notice(tweet("1", ["a"]), tweet("2", ["a"])));
      expect(client.ids("tweet")).toEqual(["run-1/1", "run-1/2"]);
    });
  });
});
