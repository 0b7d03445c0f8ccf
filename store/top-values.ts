/**
 * How a run's top values are kept, as pure functions: which values a matched tweet counts for, a
 * batch's tally, and the window buckets; store/count-matches-7+.lua adds the tallies.
 */
import type { Match } from "../contracts/messages";
import { bucketStart } from "../contracts/series";
import { MAX_TOP_LIMIT, TOP_FIELDS, TOP_WINDOWS, type TopField } from "../contracts/top-values";

/** Distinct values a run's count of one field keeps exactly; past it the least counted are trimmed. */
export const RUN_TOP_CAPACITY = 100_000;
/**
 * The same for one window bucket: buckets of busy streams hold many one-off values. A window answers
 * at most MAX_TOP_LIMIT values, and a bucket keeps ten times that, so that a value of a window's top
 * is seldom trimmed from one of its buckets (and an answer it could touch says `approximate`). With
 * 10,000 the window buckets took 39 of a one-hour run's 48 MB at 1,000 matches/s (`make bench`,
 * statistics-cost): a real run keeps 27 buckets per field alive, most of them full.
 */
export const BUCKET_TOP_CAPACITY = 10 * MAX_TOP_LIMIT;

/** A link's domain, lowercase, `www.` dropped; null for what is not a URL. */
export function domainOf(url: string): string | null {
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`).hostname.toLowerCase();
    return host === "" ? null : host.replace(/^www\./, "");
  } catch {
    return null;
  }
}

/** The values a matched tweet counts for in each field, each once: tags and names lowercase, as X treats them. */
export function topValuesOf(match: Match): Record<TopField, string[]> {
  const { tweet } = match;
  const distinct = (values: Iterable<string | null>) =>
    [...new Set(values)].filter((value): value is string => value !== null && value !== "");
  return {
    hashtags: distinct(tweet.hashtags.map((tag) => tag.toLowerCase())),
    mentions: distinct(tweet.mentions.map((name) => name.toLowerCase())),
    authors: distinct([tweet.author.username.toLowerCase()]),
    languages: distinct([tweet.lang ?? "und"]),
    domains: distinct(tweet.urls.map(domainOf)),
    phrases: distinct(match.phrases),
  };
}

/** A batch's counts per field and value: what the count script adds to the run's and the windows' counts. */
export function tallyTopValues(matches: readonly Match[]): Record<TopField, Record<string, number>> {
  const tally = Object.fromEntries(TOP_FIELDS.map((field) => [field, {}])) as Record<TopField, Record<string, number>>;
  for (const match of matches) {
    const values = topValuesOf(match);
    for (const field of TOP_FIELDS)
      for (const value of values[field]) tally[field][value] = (tally[field][value] ?? 0) + 1;
  }
  return tally;
}

/** The bucket of each window that an ingest second falls in: `[window, bucket start]`. */
export function windowBucketsOf(ingestSecond: number): [keyof typeof TOP_WINDOWS, number][] {
  return Object.entries(TOP_WINDOWS).map(([window, { bucketSeconds }]) => [
    window as keyof typeof TOP_WINDOWS,
    bucketStart(ingestSecond, bucketSeconds),
  ]);
}

/**
 * Seconds the launcher's clock (ingest seconds) may differ from Redis's (the expiries): a little, on
 * machines kept in time by NTP.
 */
const CLOCK_SKEW_SECONDS = 5;

/**
 * When a window bucket expires (epoch seconds): once it is no longer one of the window's newest
 * `buckets`, which its reads sum, and the clocks' skew later. From the bucket's start, not its last
 * write, so that no bucket outlives its window.
 */
export function windowBucketExpiry(window: keyof typeof TOP_WINDOWS, start: number): number {
  const { bucketSeconds, buckets } = TOP_WINDOWS[window];
  return start + bucketSeconds * buckets + CLOCK_SKEW_SECONDS;
}

/** The bucket starts a window sums at `nowSecond`, newest first: the filling bucket and those before it. */
export function windowBucketStarts(window: keyof typeof TOP_WINDOWS, nowSecond: number): number[] {
  const { bucketSeconds, buckets } = TOP_WINDOWS[window];
  const newest = bucketStart(nowSecond, bucketSeconds);
  return Array.from({ length: buckets }, (_, index) => newest - index * bucketSeconds);
}
