import { Errors } from "moleculer";
import { bucketStart, eventSecond, SeriesParams } from "../../../contracts/series";
import {
  bucketStarts,
  chooseResolution,
  pointCount,
  readSeries,
  recentSecondsFields,
  type SeriesReadPorts,
} from "../../../runs/series";
import { seriesField } from "../../../store/keys";
import { aRun } from "../../support/runs";

describe("series buckets", () => {
  it("align on the epoch at every resolution, negative seconds too", () => {
    expect(bucketStart(1_700_000_017, 10)).toBe(1_700_000_010);
    expect(bucketStart(1_700_000_017, 60)).toBe(1_699_999_980);
    expect(bucketStart(1_700_000_017, 3600)).toBe(1_699_999_200);
    expect(bucketStart(-1, 10)).toBe(-10);
  });

  it("cover [from, to) from the bucket holding from", () => {
    expect(bucketStarts(15, 40, 10)).toEqual([10, 20, 30]);
    expect(bucketStarts(10, 41, 10)).toEqual([10, 20, 30, 40]);
    expect(pointCount(15, 40, 10)).toBe(3);
    expect(pointCount(0, 3600, 1)).toBe(3600);
  });

  it("choose the finest resolution within 3,600 points, or refuse one that gives more naming the finest that fits", () => {
    expect(chooseResolution(0, 3600)).toBe("1s");
    expect(chooseResolution(0, 3601)).toBe("10s");
    expect(chooseResolution(0, 36_001)).toBe("1m");
    expect(chooseResolution(0, 3601, "1h")).toBe("1h");
    expect(() => chooseResolution(0, 7200, "1s")).toThrow(Errors.ValidationError);
    expect(() => chooseResolution(0, 7200, "1s")).toThrow(
      "resolution: 1s gives 7200 points over this range, more than 3600; use 10s or coarser",
    );
    expect(() => chooseResolution(0, 3600 * 3601)).toThrow(/narrow from and to/);
  });

  it("count a tweet in its created_at second, or its ingest second when it has none", () => {
    expect(eventSecond("2013-08-10T11:00:01.900Z", 5)).toBe(Date.parse("2013-08-10T11:00:01Z") / 1000);
    expect(eventSecond("Sat Aug 10 11:00:01 +0000 2013", 5)).toBe(Date.parse("2013-08-10T11:00:01Z") / 1000);
    expect(eventSecond("", 5)).toBe(5);
  });

  it("read the last complete seconds for speed_now, not the one still filling", () => {
    expect(recentSecondsFields(100_999, 3)).toEqual(["1s:97", "1s:98", "1s:99"]);
  });
});

describe("readSeries", () => {
  const run = aRun({ id: "run-7", track: ["love", "Twitter API"] });
  const counts: Record<string, number> = {
    [seriesField("1s", 100)]: 3,
    [seriesField("1s", 100, "love")]: 2,
    [seriesField("1s", 100, "Twitter API")]: 1,
    [seriesField("1s", 102)]: 1,
    [seriesField("1s", 102, "love")]: 1,
    [seriesField("10s", 100)]: 4,
    [seriesField("10s", 100, "love")]: 3,
    [seriesField("10s", 100, "Twitter API")]: 1,
  };
  const reads: string[][] = [];
  const ports: SeriesReadPorts = {
    runs: { current: async () => run, get: async (runId) => (runId === run.id ? run : null) },
    series: {
      span: async () => ({ first: 100, last: 102 }),
      counts: async (_runId, _clock, fields) => {
        reads.push([...fields]);
        return fields.map((field) => counts[field] ?? 0);
      },
    },
  };
  const read = (params: Record<string, string>) => readSeries(ports, SeriesParams.parse(params));

  it("answers the run's whole span, every second present, 0 where none matched, in one read", async () => {
    reads.length = 0;
    const page = await read({});
    expect(page).toEqual({
      run_id: "run-7",
      clock: "ingest",
      resolution: "1s",
      from: "1970-01-01T00:01:40.000Z",
      to: "1970-01-01T00:01:43.000Z",
      points: [
        { at: "1970-01-01T00:01:40.000Z", amount: 3, per_phrase: { love: 2, "Twitter API": 1 } },
        { at: "1970-01-01T00:01:41.000Z", amount: 0, per_phrase: { love: 0, "Twitter API": 0 } },
        { at: "1970-01-01T00:01:42.000Z", amount: 1, per_phrase: { love: 1, "Twitter API": 0 } },
      ],
      total: 4,
    });
    expect(reads).toHaveLength(1);
  });

  it("answers one phrase's series, by any spelling of it, and a coarser resolution", async () => {
    const page = await read({ resolution: "10s", phrase: "twitter  api" });
    expect(page.points).toEqual([{ at: "1970-01-01T00:01:40.000Z", amount: 1, per_phrase: { "Twitter API": 1 } }]);
    expect(page.total).toBe(1);
  });

  it("refuses a phrase the run does not track, and a run that is not kept, naming the param", async () => {
    await expect(read({ phrase: "hate" })).rejects.toMatchObject({
      code: 422,
      data: [expect.objectContaining({ field: "phrase" })],
    });
    await expect(read({ run_id: "run-9" })).rejects.toMatchObject({
      code: 404,
      type: "RUN_NOT_FOUND",
      data: { field: "run_id" },
    });
  });

  it("answers an empty page before any run", async () => {
    const none = await readSeries(
      { ...ports, runs: { current: async () => null, get: async () => null } },
      SeriesParams.parse({}),
    );
    expect(none).toMatchObject({ run_id: null, points: [], total: 0, from: null });
  });
});

describe("series params", () => {
  it("refuse a bad date, from after to, an unknown clock or resolution, naming the param", () => {
    const fields = (params: Record<string, string>) =>
      SeriesParams.safeParse(params).error?.issues.map((issue) => issue.path.join("."));
    expect(fields({ from: "yesterday" })).toEqual(["from"]);
    expect(fields({ from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" })).toEqual(["from"]);
    expect(fields({ clock: "wall" })).toEqual(["clock"]);
    expect(fields({ resolution: "5s" })).toEqual(["resolution"]);
  });
});
