import type { RunStatistics } from "../../contracts/actions";
import type {
  AuthorTimelinePage,
  Follows,
  HomeTimelinePage,
  HydratedTweet,
  TrackTimelinePage,
} from "../../contracts/timelines";
import type { Tweet } from "../../contracts/tweet";
import { expectReplay, v1CaptureDir, v1CapturesPresent } from "../support/captures";
import { curlPost, eventually, request, TestMesh, type HttpAnswer } from "../support/mesh";
import { referenceMatch } from "../unit/matching/reference-track";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const TRACK = ["love", "the", "que", "lol", "follow me", "ff"];

/**
 * Timelines and follows through the gateway and a mesh of separate nodes, filled by a replay of a
 * real capture: what a subscriber sees is checked against the test's own reading of the file and the
 * slow reference matcher, which share no code with the pipeline.
 */
const describeWithCaptures = v1CapturesPresent() ? describe : describe.skip;
if (!v1CapturesPresent()) console.warn(`timelines API test skipped: no captures in ${v1CaptureDir} (set SHARED_DATA)`);

type ErrorBody = { code: number; type: string; message: string; data: unknown };
type Page = { tweets: HydratedTweet[]; next_cursor: string | null };

const newestFirst = (tweets: readonly Tweet[]): string[] =>
  tweets.map((tweet) => tweet.id).sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));

describeWithCaptures("timelines and follows over HTTP", () => {
  let mesh: TestMesh;
  const expected = v1CapturesPresent() ? expectReplay(CAPTURE, TRACK) : null;
  const shown = expected?.shown ?? [];
  const deleted = (expected?.matched ?? []).filter((tweet) => !shown.includes(tweet));
  /** The author with the most shown matched tweets that "love" does not bring in: following them adds to the home timeline. */
  const author = (() => {
    const counts = new Map<string, number>();
    for (const tweet of shown)
      if (referenceMatch(["love"], tweet).length === 0)
        counts.set(tweet.author.username, (counts.get(tweet.author.username) ?? 0) + 1);
    return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b))[0]?.[0] ?? "";
  })();

  /** Every page of a timeline, `limit` at a time, newest first. */
  async function wholePages(path: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const answer: HttpAnswer<Page> = await request<Page>(
        `${mesh.url}${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      if (answer.status !== 200)
        throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      ids.push(...answer.body.tweets.map((tweet) => tweet.id));
      cursor = answer.body.next_cursor;
    } while (cursor);
    return ids;
  }

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [
        { services: ["api", "launcher"] },
        { services: ["filter"] },
        { services: ["statistics"] },
        { services: ["timeline"] },
      ],
      {
        STREAM_SOURCE: "replay",
        REPLAY_FILE: expected?.file ?? "",
        REPLAY_RATE: "0",
        BATCH_SIZE: "50",
        TIMELINE_CAP: "5000",
        MAX_SUBSCRIBERS: "3",
        MAX_FOLLOWS_PER_SUBSCRIBER: "5",
      },
    );
  });

  afterAll(() => mesh?.stop());

  it("follows, lists and unfollows authors and phrases", async () => {
    const follow = await curlPost<Follows>(
      `${mesh.url}/subscribers/reader/follows`,
      JSON.stringify({ authors: [author.toUpperCase(), "12345"], track: ["Love", "the"] }),
    );
    expect(follow).toMatchObject({
      status: 200,
      body: { subscriber: "reader", authors: ["12345", `@${author.toLowerCase()}`].sort(), track: ["love", "the"] },
    });

    const byBody = await request<Follows>(`${mesh.url}/subscribers/reader/follows`, {
      method: "DELETE",
      body: JSON.stringify({ track: ["the"] }),
      headers: { "content-type": "application/json" },
    });
    expect(byBody).toMatchObject({ status: 200, body: { track: ["love"] } });
    const byQuery = await request<Follows>(`${mesh.url}/subscribers/reader/follows?authors=12345`, {
      method: "DELETE",
    });
    expect(byQuery).toMatchObject({ status: 200, body: { authors: [`@${author.toLowerCase()}`] } });

    expect(await request<Follows>(`${mesh.url}/subscribers/reader/follows`)).toMatchObject({
      status: 200,
      body: { subscriber: "reader", authors: [`@${author.toLowerCase()}`], track: ["love"] },
    });
  });

  it("after a replay, the subscriber sees exactly the matched tweets of the phrase and the author, newest first", async () => {
    if (!expected) return;
    const launch = await curlPost(`${mesh.url}/launch`, JSON.stringify({ track: TRACK }));
    expect(launch.status).toBe(200);
    const final = await eventually(
      () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body),
      (figures) => !figures.running && !figures.streaming && figures.examined === figures.published,
      60000,
      "the replay to end and drain",
    );
    // Delete notices change timelines, never the run's figures.
    expect(final).toMatchObject({ end_reason: "source_exhausted", amount: expected.matched.length });
    expect(deleted.length).toBeGreaterThan(0);

    const home = newestFirst(
      shown.filter(
        (tweet) =>
          referenceMatch(["love"], tweet).length > 0 || tweet.author.username.toLowerCase() === author.toLowerCase(),
      ),
    );
    expect(home.length).toBeGreaterThan(10);
    const seen = await eventually(
      () => wholePages("/timeline/home/reader", 7),
      (ids) => ids.length >= home.length,
      30000,
      "the home timeline to fill",
    );
    expect(seen).toEqual(home);
    expect(await wholePages("/timeline/home/reader?all_runs=true", 50)).toEqual(home);

    const first = await request<HomeTimelinePage>(`${mesh.url}/timeline/home/reader?limit=3`);
    expect(first.body).toMatchObject({ subscriber: "reader", run_id: launch.body.run_id, all_runs: false });
    expect(first.body.tweets[0]).toEqual({
      id: home[0],
      text: expect.any(String),
      author: expect.objectContaining({ id: expect.any(String), username: expect.any(String) }),
      created_at: expect.stringMatching(/^2013-08-10T/),
      lang: expect.any(String),
      phrases: expect.any(Array),
    });
  });

  it("serves the timelines of a phrase and of an author, and single tweets", async () => {
    const followMe = newestFirst(shown.filter((tweet) => referenceMatch(["follow me"], tweet).length > 0));
    expect(followMe.length).toBeGreaterThan(0);
    expect(await wholePages("/timeline/track/Follow%20Me", 5)).toEqual(followMe);
    const track = await request<TrackTimelinePage>(`${mesh.url}/timeline/track/follow%20me?limit=1`);
    expect(track.body).toMatchObject({ track: "follow me", all_runs: false });

    const byAuthor = newestFirst(shown.filter((tweet) => tweet.author.username === author));
    expect(await wholePages(`/timeline/author/@${author}`, 2)).toEqual(byAuthor);
    const authorId = shown.find((tweet) => tweet.author.username === author)?.author.id ?? "";
    expect(await wholePages(`/timeline/author/${authorId}`, 2)).toEqual(byAuthor);
    const unknown = await request<AuthorTimelinePage>(`${mesh.url}/timeline/author/nobody_here`);
    expect(unknown).toMatchObject({
      status: 200,
      body: { author: "@nobody_here", author_id: null, tweets: [], next_cursor: null },
    });

    const tweet = shown[0] as Tweet;
    expect(await request<HydratedTweet>(`${mesh.url}/tweets/${tweet.id}`)).toMatchObject({
      status: 200,
      body: { id: tweet.id, text: tweet.text, author: { id: tweet.author.id } },
    });
    const gone = await request<ErrorBody>(`${mesh.url}/tweets/${(deleted[0] as Tweet).id}`);
    expect(gone).toMatchObject({ status: 404, body: { type: "TWEET_NOT_FOUND" } });
  });

  it("keeps GET /timeline as it was", async () => {
    const answer = await request<{
      run_id: string;
      track: string | null;
      tweets: Array<{ tweet: Tweet; phrases: string[] }>;
      next_cursor: string | null;
    }>(`${mesh.url}/timeline?track=love&limit=2`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(["next_cursor", "run_id", "track", "tweets"]);
    expect(Object.keys(answer.body.tweets[0] ?? {}).sort()).toEqual(["phrases", "tweet"]);
  });

  it("caps subscribers and each one's follows: 409 and 422 naming the limit, a place freed by unfollowing", async () => {
    const follows = (subscriber: string) => `${mesh.url}/subscribers/${subscriber}/follows`;
    const follow = (subscriber: string, body: unknown) =>
      curlPost<ErrorBody>(follows(subscriber), JSON.stringify(body));
    // "reader" of the tests above holds the first of the three places.
    expect((await request<Follows>(follows("reader"))).body.track).toContain("love");
    expect((await follow("cap-1", { track: ["a", "b", "c"] })).status).toBe(200);
    expect((await follow("cap-2", { authors: ["1"] })).status).toBe(200);

    const full = await follow("cap-3", { authors: ["2"] });
    expect(full).toMatchObject({ status: 409, body: { type: "SUBSCRIBER_LIMIT", data: { limit: "MAX_SUBSCRIBERS" } } });
    expect(full.body.message).toContain("MAX_SUBSCRIBERS = 3");

    const tooMany = await follow("cap-1", { track: ["d", "e", "f"] });
    expect(tooMany).toMatchObject({ status: 422, body: { type: "FOLLOW_LIMIT", data: { field: "track", max: 5 } } });
    expect(tooMany.body.message).toMatch(/^track: /);
    expect((await request<Follows>(follows("cap-1"))).body.track).toEqual(["a", "b", "c"]);

    expect((await request(`${follows("cap-2")}?authors=1`, { method: "DELETE" })).status).toBe(200);
    expect((await follow("cap-3", { authors: ["2"] })).status).toBe(200);
  });

  describe("bad input gets a 4xx naming the field", () => {
    it.each([
      ["POST", "/subscribers/bad%20id/follows", { authors: ["bieber"] }, 422, "id"],
      ["POST", "/subscribers/reader/follows", {}, 422, "authors"],
      ["POST", "/subscribers/reader/follows", { authors: ["not a name!"] }, 422, "authors[0]"],
      ["DELETE", "/subscribers/reader/follows", undefined, 422, "authors"],
      ["GET", "/subscribers/x%2Fy/follows", undefined, 422, "id"],
      ["GET", "/timeline/home/reader?limit=0", undefined, 422, "limit"],
      ["GET", "/timeline/home/reader?limit=201", undefined, 422, "limit"],
      ["GET", "/timeline/home/reader?cursor=abc", undefined, 422, "cursor"],
      ["GET", "/timeline/home/reader?all_runs=maybe", undefined, 422, "all_runs"],
      ["GET", "/timeline/track/a%2Cb", undefined, 422, "phrase"],
      ["GET", "/timeline/author/bad!name", undefined, 422, "author"],
      ["GET", "/tweets/12ab", undefined, 422, "id"],
    ])("%s %s", async (method, path, body, status, field) => {
      const init: RequestInit = {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      };
      const answer = await request<ErrorBody>(`${mesh.url}${path}`, init);
      expect(answer.status).toBe(status);
      expect(answer.body.type).toBe("VALIDATION_ERROR");
      expect(answer.body.message).toMatch(new RegExp(`^${field.replace(/[.[\]]/g, "\\$&")}: `));
    });
  });
});
