import type { RunStatistics } from "../../contracts/actions";
import { bucketStart, SERIES_RESOLUTIONS, type SeriesPage } from "../../contracts/series";
import type { TopValues } from "../../contracts/top-values";
import type { Tweet } from "../../contracts/tweet";
import {
  captureFile,
  replayExpectation,
  v1CaptureDir,
  v1CapturesPresent,
  type ReplayExpectation,
} from "../support/captures";
import { ProcessCluster, serverBuilt } from "../support/cluster";
import { curlPost, eventually, request } from "../support/mesh";
import { expectExactReplayEnd } from "../support/statistics";
import { referenceMatch } from "../unit/matching/reference-track";

const TRACK = ["love", "the", "que", "lol"];
const CAPTURE = "sample-2013-08-10T1100Z.jsonl.gz";

const ready = v1CapturesPresent() && serverBuilt();
if (!ready) console.warn(`series tests skipped: they need the captures in ${v1CaptureDir} and a built server`);
const describeReady = ready ? describe : describe.skip;

/** The reference's matched tweets per bucket of `size` seconds of their created_at, overall and per phrase. */
function referenceBuckets(expected: ReplayExpectation, size: number): Map<number, Record<string, number>> {
  const buckets = new Map<number, Record<string, number>>();
  for (const tweet of expected.matched) {
    const start = bucketStart(Math.floor(Date.parse(tweet.created_at) / 1000), size);
    const counts = buckets.get(start) ?? { "": 0 };
    counts[""] = (counts[""] ?? 0) + 1;
    for (const phrase of referenceMatch(TRACK, tweet)) counts[phrase] = (counts[phrase] ?? 0) + 1;
    buckets.set(start, counts);
  }
  return buckets;
}

/** The reference's top values of a field: each matched tweet once per distinct value, highest first, ties by value. */
function referenceTop(expected: ReplayExpectation, valuesOf: (tweet: Tweet) => string[], limit: number) {
  const counts = new Map<string, number>();
  for (const tweet of expected.matched)
    for (const value of new Set(valuesOf(tweet))) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

const REFERENCE_FIELDS: Record<string, (tweet: Tweet) => string[]> = {
  hashtags: (tweet) => tweet.hashtags.map((tag) => tag.toLowerCase()),
  mentions: (tweet) => tweet.mentions.map((name) => name.toLowerCase()),
  languages: (tweet) => [tweet.lang ?? "und"],
  // Expanded and display URLs name the same link: its host, lowercase, without www.
  domains: (tweet) =>
    tweet.urls.flatMap((url) => {
      const host = /^(?:[a-z]+:\/\/)?([^/?#:]+)/i.exec(url)?.[1]?.toLowerCase();
      return host ? [host.replace(/^www\./, "")] : [];
    }),
};

/** A CSV answer's rows as objects of its header's columns. */
function parseCsv(text: string): Record<string, string>[] {
  const [header = "", ...rows] = text.trim().split("\r\n");
  const columns = header.split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((value, index) => [columns[index] ?? "", value])));
}

/**
 * Issue #13: a replay of a real capture, counted per second on both clocks, checked against the
 * test's own reading of the file; once plainly, once with a statistics worker killed mid-replay.
 */
describeReady("per-second series of a replayed capture", () => {
  jest.setTimeout(180_000);
  const expectation = replayExpectation(CAPTURE, TRACK);
  const env = {
    STREAM_SOURCE: "replay",
    REPLAY_FILE: captureFile(CAPTURE),
    REPLAY_RATE: "400",
    BATCH_SIZE: "20",
  };

  async function replayAndCheck(interrupt: (cluster: ProcessCluster) => Promise<void>): Promise<void> {
    const expected = expectation();
    const cluster = new ProcessCluster(env);
    try {
      await cluster.up({ api: 1, launcher: 1, filter: 1, statistics: 2, timeline: 1 });
      const statistics = () => request<RunStatistics>(`${cluster.url}/statistics`).then((answer) => answer.body);
      expect((await curlPost(`${cluster.url}/launch`, JSON.stringify({ track: TRACK }))).status).toBe(200);
      await eventually(statistics, (figures) => figures.amount >= 200, 30_000, "matches counted");
      await interrupt(cluster);
      const final = await expectExactReplayEnd(statistics, expected);

      const event = (await request<SeriesPage>(`${cluster.url}/statistics/series?clock=event`)).body;
      const size = SERIES_RESOLUTIONS[event.resolution];
      const reference = referenceBuckets(expected, size);
      // Every bucket of the span is present; each equals the reference's count of that created_at bucket.
      expect(event.points.map((point) => Date.parse(point.at) / 1000)).toEqual(
        event.points.map((_, index) => Date.parse(event.points[0]?.at ?? "") / 1000 + index * size),
      );
      for (const point of event.points) {
        const counts = reference.get(Date.parse(point.at) / 1000) ?? {};
        expect({ at: point.at, amount: point.amount }).toEqual({ at: point.at, amount: counts[""] ?? 0 });
        for (const phrase of TRACK) expect(point.per_phrase[phrase]).toBe(counts[phrase] ?? 0);
      }
      expect(event.total).toBe(final.amount);
      expect([...reference.keys()].every((start) => event.points.some((p) => Date.parse(p.at) / 1000 === start))).toBe(
        true,
      );

      const ingest = (await request<SeriesPage>(`${cluster.url}/statistics/series?clock=ingest&resolution=1s`)).body;
      expect(ingest.total).toBe(final.amount);
      for (const phrase of TRACK)
        expect(ingest.points.reduce((sum, point) => sum + (point.per_phrase[phrase] ?? 0), 0)).toBe(
          final.per_phrase[phrase],
        );
      expect(final.peak_speed).toBe(Math.max(...ingest.points.map((point) => point.amount)));
      expect(ingest.points.find((point) => point.amount === final.peak_speed)?.at).toBe(final.peak_at);

      for (const [field, valuesOf] of Object.entries(REFERENCE_FIELDS)) {
        const top = (await request<TopValues>(`${cluster.url}/statistics/top?field=${field}&limit=20`)).body;
        expect({ field, items: top.items, approximate: top.approximate }).toEqual({
          field,
          items: referenceTop(expected, valuesOf, 20),
          approximate: false,
        });
      }
      const topCsv = await fetch(`${cluster.url}/statistics/top.csv?field=hashtags&limit=5`);
      expect(parseCsv(await topCsv.text())).toEqual(
        referenceTop(expected, REFERENCE_FIELDS.hashtags ?? (() => []), 5).map((item) => ({
          value: item.value,
          count: String(item.count),
        })),
      );

      const csv = await fetch(`${cluster.url}/statistics/series.csv?clock=event`);
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="series-.*-event-/);
      expect(parseCsv(await csv.text())).toEqual(
        event.points.map((point) => ({
          at: point.at,
          amount: String(point.amount),
          ...Object.fromEntries(TRACK.map((phrase) => [phrase, String(point.per_phrase[phrase])])),
        })),
      );
    } finally {
      await cluster.stop();
    }
  }

  it("equals the capture's matched tweets per created_at second and its top values, and sums to the run's figures on both clocks", () =>
    replayAndCheck(async () => {}));

  it("stays exact when a statistics worker is killed with SIGKILL mid-replay", () =>
    replayAndCheck(async (cluster) => {
      const victim = cluster.workers.find((worker) => worker.service === "statistics");
      if (!victim) throw new Error("no statistics worker to kill");
      await cluster.kill(victim, "SIGKILL");
    }));

  it("answers 4xx JSON naming the param for bad series params", async () => {
    const cluster = new ProcessCluster(env);
    try {
      await cluster.up({ api: 1, launcher: 1, statistics: 1, timeline: 1 });
      for (const [query, status, field] of [
        ["clock=wall", 422, "clock"],
        ["resolution=5s", 422, "resolution"],
        ["from=yesterday", 422, "from"],
        ["from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 422, "from"],
        ["run_id=nonexistent-1", 404, "run_id"],
      ] as const) {
        const answer = await request<{ type: string; message: string; data: unknown }>(
          `${cluster.url}/statistics/series?${query}`,
        );
        expect({ query, status: answer.status }).toEqual({ query, status });
        expect(JSON.stringify(answer.body)).toContain(`"${field}`);
        const csv = await request(`${cluster.url}/statistics/series.csv?${query}`);
        expect({ query, status: csv.status }).toEqual({ query, status });
      }
    } finally {
      await cluster.stop();
    }
  });
});
