import { Errors } from "moleculer";
import type { Run } from "../contracts/run";
import {
  bucketStart,
  MAX_SERIES_POINTS,
  SERIES_RESOLUTIONS,
  type SeriesClock,
  type SeriesPage,
  type SeriesParams,
  type SeriesPoint,
  type SeriesResolution,
} from "../contracts/series";
import { normalizePhrase } from "../contracts/track";
import { seriesField } from "../store/keys";
import { runAsked, type RunLookup } from "./unknown-run";

/** The seconds a run's series of one clock spans, first and last inclusive; null before its first match. */
export interface SeriesSpan {
  first: number;
  last: number;
}

/** What reading a series needs: the run, and the bucket counts of one clock by field (store/series-store.ts). */
export interface SeriesReadPorts {
  runs: RunLookup;
  series: {
    span(runId: string, clock: SeriesClock): Promise<SeriesSpan | null>;
    counts(runId: string, clock: SeriesClock, fields: readonly string[]): Promise<number[]>;
  };
}

const RESOLUTIONS = Object.keys(SERIES_RESOLUTIONS) as SeriesResolution[];

/** The bucket starts from the one holding `from` to the last starting before `to`. */
export function bucketStarts(from: number, to: number, size: number): number[] {
  const starts: number[] = [];
  for (let start = bucketStart(from, size); start < to; start += size) starts.push(start);
  return starts;
}

/** How many points `[from, to)` gives at `size`. */
export function pointCount(from: number, to: number, size: number): number {
  return Math.max(0, Math.ceil((to - bucketStart(from, size)) / size));
}

/**
 * The resolution of an answer: the one asked when its points fit MAX_SERIES_POINTS, else a 422
 * naming `resolution` and the finest that fits; the finest that fits when none was asked.
 */
export function chooseResolution(from: number, to: number, asked?: SeriesResolution): SeriesResolution {
  const fitting = RESOLUTIONS.find((name) => pointCount(from, to, SERIES_RESOLUTIONS[name]) <= MAX_SERIES_POINTS);
  if (asked === undefined && fitting) return fitting;
  if (asked !== undefined && pointCount(from, to, SERIES_RESOLUTIONS[asked]) <= MAX_SERIES_POINTS) return asked;
  const points = pointCount(from, to, SERIES_RESOLUTIONS[asked ?? "1h"]);
  const advice = fitting ? `use ${fitting} or coarser` : "narrow from and to";
  const message = `resolution: ${asked ?? "1h"} gives ${points} points over this range, more than ${MAX_SERIES_POINTS}; ${advice}`;
  throw new Errors.ValidationError(message, "VALIDATION_ERROR", [
    { field: "resolution", rule: "too_many_points", message: message.slice("resolution: ".length) },
  ]);
}

/**
 * `statistics.series`: a run's matched tweets per bucket over a range, every bucket present (0 where
 * none), overall and per phrase; with `phrase`, that phrase's alone. Without a range, the run's whole
 * span on that clock.
 */
export async function readSeries(ports: SeriesReadPorts, params: SeriesParams): Promise<SeriesPage> {
  const run = await runAsked(ports.runs, params.run_id);
  if (!run) return emptyPage(null, params);
  const phrases = phrasesOf(run, params.phrase);
  const span = await ports.series.span(run.id, params.clock);
  const from = params.from ?? span?.first;
  const to = params.to ?? (span ? Math.max(span.last + 1, (from ?? 0) + 1) : undefined);
  if (from === undefined || to === undefined) return emptyPage(run.id, params);
  const resolution = chooseResolution(from, to, params.resolution);
  const starts = bucketStarts(from, to, SERIES_RESOLUTIONS[resolution]);
  const totals = params.phrase === undefined;
  const fields = starts.flatMap((start) => [
    ...(totals ? [seriesField(resolution, start)] : []),
    ...phrases.map((phrase) => seriesField(resolution, start, phrase)),
  ]);
  const counts = await ports.series.counts(run.id, params.clock, fields);
  const perBucket = (totals ? 1 : 0) + phrases.length;
  const points = starts.map((start, index): SeriesPoint => {
    const row = counts.slice(index * perBucket, (index + 1) * perBucket);
    const perPhrase = Object.fromEntries(phrases.map((phrase, at) => [phrase, row[(totals ? 1 : 0) + at] ?? 0]));
    return {
      at: new Date(start * 1000).toISOString(),
      amount: totals ? (row[0] ?? 0) : (perPhrase[phrases[0] ?? ""] ?? 0),
      per_phrase: perPhrase,
    };
  });
  return {
    run_id: run.id,
    clock: params.clock,
    resolution,
    from: new Date((starts[0] ?? from) * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    points,
    total: points.reduce((sum, point) => sum + point.amount, 0),
  };
}

/** The run's phrases as the filter names them in matches, or the one asked: a 422 when the run does not track it. */
function phrasesOf(run: Run, asked: string | undefined): string[] {
  if (asked === undefined) return run.track;
  const phrase = run.track.find((tracked) => normalizePhrase(tracked) === normalizePhrase(asked));
  if (phrase !== undefined) return [phrase];
  const message = `phrase: run ${run.id} does not track "${asked}"; it tracks ${run.track.map((p) => `"${p}"`).join(", ")}`;
  throw new Errors.ValidationError(message, "VALIDATION_ERROR", [
    { field: "phrase", rule: "not_tracked", message: message.slice("phrase: ".length) },
  ]);
}

function emptyPage(runId: string | null, params: SeriesParams): SeriesPage {
  return {
    run_id: runId,
    clock: params.clock,
    resolution: params.resolution ?? "1s",
    from: null,
    to: null,
    points: [],
    total: 0,
  };
}

/**
 * Matched tweets per second over the last `seconds` complete seconds on the ingest clock (the
 * current second is still filling): the 1 s buckets' fields to read, and their mean once read.
 */
export function recentSecondsFields(nowMs: number, seconds: number): string[] {
  const current = Math.floor(nowMs / 1000);
  return Array.from({ length: seconds }, (_, index) => seriesField("1s", current - seconds + index));
}
