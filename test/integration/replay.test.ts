import type { RunStatistics } from "../../contracts/actions";
import { expectReplay, v1CaptureDir, v1CapturesPresent } from "../support/captures";
import { curlPost, eventually, request, TestMesh, wholeTimeline } from "../support/mesh";

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
  const expected = v1CapturesPresent() ? expectReplay(CAPTURE, TRACK) : null;

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
      {
        STREAM_SOURCE: "replay",
        REPLAY_FILE: expected?.file ?? "",
        REPLAY_RATE: "0",
        BATCH_SIZE: "50",
        TIMELINE_CAP: "5000",
      },
    );
  });

  afterAll(() => mesh?.stop());

  it("counts exactly the matching tweets of the file, and the timeline holds each once", async () => {
    if (!expected) return;
    expect(expected.tweets).toBe(2950);
    expect(expected.matched.length).toBeGreaterThan(100);

    const launch = await curlPost(`${mesh.url}/launch`, JSON.stringify({ track: TRACK }));
    expect(launch.status).toBe(200);

    const final = await eventually(
      statistics,
      (figures) => !figures.running && !figures.streaming && figures.examined === figures.published,
      60000,
      "the replay to end and drain",
    );
    expect(final).toMatchObject({
      end_reason: "source_exhausted",
      published: 2950,
      examined: 2950,
      amount: expected.matched.length,
    });
    expect(final.per_phrase).toEqual(expected.perPhrase);

    // Tweets deleted later in the same capture leave the timeline; the run's figures keep them.
    expect(expected.shown.length).toBeLessThan(expected.matched.length);
    const timeline = await eventually(
      () => wholeTimeline(mesh.url),
      (ids) => ids.length >= expected.shown.length,
      30000,
      "the timeline to fill",
    );
    expect(timeline).toHaveLength(expected.shown.length);
    expect(new Set(timeline)).toEqual(new Set(expected.shown.map((tweet) => tweet.id)));
  });
});
