import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { RunStatistics, TimelinePage } from "../../contracts/actions";
import { referenceMatch } from "../unit/matching/reference-track";
import { readV1Capture, tweetFromV1, v1CaptureDir, v1CapturesPresent } from "../unit/matching/v1-capture";
import { curlPost, eventually, request, TestMesh } from "../support/mesh";

const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";
const TRACK = ["love", "the", "que", "lol", "follow me", "ff"];

/**
 * A real one-minute capture of the v1.1 sample stream, replayed as fast as the pipeline takes it
 * through two filter and two statistics workers: the final amount equals the number of matching
 * tweets in the file, counted by the slow reference matcher over a reading of the file that shares
 * no code with the pipeline.
 */
const describeWithCaptures = v1CapturesPresent() ? describe : describe.skip;
if (!v1CapturesPresent()) console.warn(`replay test skipped: no captures in ${v1CaptureDir} (set SHARED_DATA)`);

describeWithCaptures("a replay of a real capture", () => {
  let mesh: TestMesh;
  const statistics = () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body);

  const tweets = v1CapturesPresent() ? readV1Capture(CAPTURE).map(tweetFromV1) : [];
  const expected = tweets.filter((tweet) => referenceMatch(TRACK, tweet).length > 0);
  const deleted = v1CapturesPresent() ? deletedIds(path.join(v1CaptureDir, CAPTURE)) : new Set<string>();

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [
        { services: ["api", "launcher"] },
        { services: ["filter"] },
        { services: ["filter"] },
        { services: ["statistics"] },
        { services: ["statistics"] },
        { services: ["timeline"] },
      ],
      { STREAM_SOURCE: "replay", REPLAY_FILE: path.join(v1CaptureDir, CAPTURE), REPLAY_RATE: "0", BATCH_SIZE: "50", TIMELINE_CAP: "5000" },
    );
  });

  afterAll(() => mesh?.stop());

  it("counts exactly the matching tweets of the file, and the timeline holds each once", async () => {
    expect(tweets).toHaveLength(2950);
    expect(expected.length).toBeGreaterThan(100);

    const launch = await curlPost(`${mesh.url}/launch`, JSON.stringify({ track: TRACK }));
    expect(launch.status).toBe(200);

    const final = await eventually(
      statistics,
      (figures) => !figures.running && !figures.streaming && figures.examined === figures.published,
      60000,
      "the replay to end and drain",
    );
    expect(final).toMatchObject({ end_reason: "source_exhausted", published: 2950, examined: 2950, amount: expected.length });

    const expectedPerPhrase: Record<string, number> = {};
    for (const tweet of expected) for (const phrase of referenceMatch(TRACK, tweet)) expectedPerPhrase[phrase] = (expectedPerPhrase[phrase] ?? 0) + 1;
    expect(final.per_phrase).toEqual(expectedPerPhrase);

    // Tweets deleted later in the same capture leave the timeline; the run's figures keep them.
    const shown = expected.filter((tweet) => !deleted.has(tweet.id));
    expect(shown.length).toBeLessThan(expected.length);
    const timeline = await eventually(() => wholeTimeline(mesh.url), (ids) => ids.length >= shown.length, 30000, "the timeline to fill");
    expect(timeline).toHaveLength(shown.length);
    expect(new Set(timeline)).toEqual(new Set(shown.map((tweet) => tweet.id)));
  });
});

/** The ids of the capture's delete notices. */
function deletedIds(file: string): Set<string> {
  const ids = new Set<string>();
  for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n")) {
    if (!line.includes('"delete"')) continue;
    const message = JSON.parse(line) as { delete?: { status?: { id_str?: string } } };
    const id = message.delete?.status?.id_str;
    if (id) ids.add(id);
  }
  return ids;
}

/** Every id of the current run's timeline, page by page, newest first. */
async function wholeTimeline(url: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: TimelinePage = (await request<TimelinePage>(`${url}/timeline?limit=200${cursor ? `&cursor=${cursor}` : ""}`)).body;
    ids.push(...page.tweets.map((entry) => entry.tweet.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}
