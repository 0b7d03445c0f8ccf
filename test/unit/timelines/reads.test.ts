import { TimelineParams } from "../../../contracts/actions";
import { AuthorTimelineParams, HomeTimelineParams, TrackTimelineParams } from "../../../contracts/timelines";
import { ALL_RUNS, redisKeys } from "../../../store/keys";
import type { TimelineEntry } from "../../../store/timeline-store";
import {
  readAuthorTimeline,
  readHomeTimeline,
  readRunTimeline,
  readTrackTimeline,
  readTweet,
  type TimelineReadPorts,
} from "../../../timelines/reads";
import { aTweet } from "../../support/batches";

const keys = redisKeys("ns");

/** Timelines as lists of entries, newest first, paged by id like the store's sorted sets. */
function timelineWorker(
  currentRun: string | null,
  timelines: Record<string, TimelineEntry[]>,
  authors: Record<string, string> = {},
) {
  const reads: string[] = [];
  const ports: TimelineReadPorts = {
    runs: { current: async () => (currentRun === null ? null : { id: currentRun }) },
    keys,
    timelines: {
      read: async (timeline, limit, before) => {
        reads.push(timeline);
        const older = (timelines[timeline] ?? []).filter(
          (entry) => before === undefined || BigInt(entry.tweet.id) < BigInt(before),
        );
        const entries = older.slice(0, limit);
        return { entries, nextCursor: older.length > limit ? (entries[entries.length - 1]?.tweet.id ?? null) : null };
      },
      tweet: async (id) =>
        Object.values(timelines)
          .flat()
          .find((entry) => entry.tweet.id === id) ?? null,
      authorId: async (author) => (author.startsWith("@") ? (authors[author.slice(1)] ?? null) : author),
    },
  };
  return { ports, reads };
}

const entry = (id: string, phrases = ["bieber"], username = "author"): TimelineEntry => ({
  tweet: aTweet(id, `tweet ${id}`, username),
  phrases,
});

describe("timeline reads", () => {
  it("timeline.get reads the current run's timeline unless a run is named, and pages it", async () => {
    const { ports, reads } = timelineWorker("run-2", {
      [keys.timeline("run-2")]: [entry("3"), entry("2"), entry("1")],
      [keys.timeline("run-1")]: [entry("9")],
    });

    const first = await readRunTimeline(ports, TimelineParams.parse({ limit: 2 }));
    expect(first).toMatchObject({ run_id: "run-2", track: null, next_cursor: "2" });
    expect(first.tweets.map((shown) => shown.tweet.id)).toEqual(["3", "2"]);
    const second = await readRunTimeline(ports, TimelineParams.parse({ limit: 2, cursor: first.next_cursor }));
    expect(second.tweets.map((shown) => shown.tweet.id)).toEqual(["1"]);
    expect(second.next_cursor).toBeNull();

    const named = await readRunTimeline(ports, TimelineParams.parse({ run_id: "run-1" }));
    expect(named.tweets.map((shown) => shown.tweet.id)).toEqual(["9"]);
    expect(reads).toEqual([keys.timeline("run-2"), keys.timeline("run-2"), keys.timeline("run-1")]);
  });

  it("timeline.get reads one phrase's timeline by its normalized form", async () => {
    const { ports, reads } = timelineWorker("run-1", {});
    await readRunTimeline(ports, TimelineParams.parse({ track: "Justin  Timberlake" }));
    expect(reads).toEqual([keys.timeline("run-1", "justin timberlake")]);
  });

  it("answers an empty page before any run, reading nothing", async () => {
    const { ports, reads } = timelineWorker(null, {});
    expect(await readRunTimeline(ports, TimelineParams.parse({}))).toEqual({
      run_id: null,
      track: null,
      tweets: [],
      next_cursor: null,
    });
    expect(await readTrackTimeline(ports, TrackTimelineParams.parse({ phrase: "bieber" }))).toEqual({
      track: "bieber",
      run_id: null,
      all_runs: false,
      tweets: [],
      next_cursor: null,
    });
    expect(reads).toEqual([]);
  });

  it("reads a phrase's timeline across runs with all_runs, answering no run id", async () => {
    const { ports, reads } = timelineWorker("run-1", { [keys.timeline(ALL_RUNS, "bieber")]: [entry("5")] });
    const page = await readTrackTimeline(ports, TrackTimelineParams.parse({ phrase: "Bieber", all_runs: "true" }));
    expect(page).toMatchObject({ track: "bieber", run_id: null, all_runs: true, next_cursor: null });
    expect(page.tweets).toEqual([
      {
        id: "5",
        text: "tweet 5",
        author: { id: "15", username: "author" },
        created_at: "2026-12-02T18:00:00.000Z",
        lang: null,
        phrases: ["bieber"],
      },
    ]);
    expect(reads).toEqual([keys.timeline(ALL_RUNS, "bieber")]);
  });

  it("reads an author's timeline by screen name (any case) through their user id, and an unknown screen name reads nothing", async () => {
    const { ports, reads } = timelineWorker(
      "run-1",
      { [keys.authorTimeline("run-1", "42")]: [entry("7", ["bieber"], "Jack")] },
      { jack: "42" },
    );
    const page = await readAuthorTimeline(ports, AuthorTimelineParams.parse({ author: "@Jack" }));
    expect(page).toMatchObject({ author: "@jack", author_id: "42", run_id: "run-1" });
    expect(page.tweets.map((shown) => shown.id)).toEqual(["7"]);

    const unknown = await readAuthorTimeline(ports, AuthorTimelineParams.parse({ author: "@nobody" }));
    expect(unknown).toEqual({
      author: "@nobody",
      author_id: null,
      run_id: "run-1",
      all_runs: false,
      tweets: [],
      next_cursor: null,
    });
    expect(reads).toEqual([keys.authorTimeline("run-1", "42")]);
  });

  it("reads a subscriber's home timeline of the run named", async () => {
    const { ports, reads } = timelineWorker("run-2", { [keys.homeTimeline("run-1", "sub")]: [entry("4")] });
    const page = await readHomeTimeline(ports, HomeTimelineParams.parse({ subscriber: "sub", run_id: "run-1" }));
    expect(page).toMatchObject({ subscriber: "sub", run_id: "run-1", all_runs: false });
    expect(page.tweets.map((shown) => shown.id)).toEqual(["4"]);
    expect(reads).toEqual([keys.homeTimeline("run-1", "sub")]);
  });

  it("answers one kept tweet, and null for one not kept", async () => {
    const { ports } = timelineWorker("run-1", { [keys.timeline("run-1")]: [entry("8")] });
    expect((await readTweet(ports, "8"))?.id).toBe("8");
    expect(await readTweet(ports, "9")).toBeNull();
  });
});
