import { MAX_TOP_LIMIT } from "../../../contracts/top-values";
import {
  BUCKET_TOP_CAPACITY,
  domainOf,
  RUN_TOP_CAPACITY,
  tallyTopValues,
  topValuesOf,
  windowBucketsOf,
  windowBucketStarts,
} from "../../../store/top-values";
import { aTweet } from "../../support/batches";

describe("top values", () => {
  const tweet = {
    ...aTweet("1", "Loving it #Bieber #bieber @Justin", "SomeOne"),
    hashtags: ["Bieber", "bieber"],
    mentions: ["Justin"],
    urls: ["https://www.Example.com/a?b=1", "example.com/a?b=1", "http://sub.example.org", "not a url at all"],
    lang: "en",
  };

  it("keep per window bucket ten times the values an answer holds, and no more than the memory budget allows", () => {
    // Fewer would trim values of a window's top from its buckets. More: 10,000 put a one-hour run at
    // 1,000 matches/s three times over issue #13's 16 MB (`BENCH_SCENARIO=statistics-cost make bench`).
    expect(BUCKET_TOP_CAPACITY).toBeGreaterThanOrEqual(10 * MAX_TOP_LIMIT);
    expect(BUCKET_TOP_CAPACITY).toBeLessThanOrEqual(1000);
    expect(RUN_TOP_CAPACITY).toBeGreaterThan(BUCKET_TOP_CAPACITY);
  });

  it("take a link's domain, lowercase, without www., from an expanded or a display URL", () => {
    expect(domainOf("https://www.Example.com/path")).toBe("example.com");
    expect(domainOf("example.com/path")).toBe("example.com");
    expect(domainOf("t.co/abc")).toBe("t.co");
    expect(domainOf("not a url at all")).toBeNull();
  });

  it("count a tweet once per distinct value of each field, tags and names lowercase", () => {
    expect(topValuesOf({ tweet, phrases: ["loving", "bieber"] })).toEqual({
      hashtags: ["bieber"],
      mentions: ["justin"],
      authors: ["someone"],
      languages: ["en"],
      domains: ["example.com", "sub.example.org"],
      phrases: ["loving", "bieber"],
    });
    expect(topValuesOf({ tweet: { ...tweet, lang: null }, phrases: ["x"] }).languages).toEqual(["und"]);
  });

  it("tally a batch per field and value", () => {
    const other = { ...aTweet("2", "bieber", "someone"), hashtags: ["BIEBER", "pop"] };
    expect(
      tallyTopValues([
        { tweet, phrases: ["bieber"] },
        { tweet: other, phrases: ["bieber"] },
      ]),
    ).toMatchObject({
      hashtags: { bieber: 2, pop: 1 },
      authors: { someone: 2 },
      phrases: { bieber: 2 },
    });
  });

  it("put an ingest second in one bucket of each window, and sum a window's newest buckets", () => {
    expect(windowBucketsOf(1_700_000_017)).toEqual([
      ["60s", 1_700_000_010],
      ["10m", 1_699_999_980],
      ["1h", 1_699_999_800],
    ]);
    expect(windowBucketStarts("60s", 1_700_000_017)).toEqual([
      1_700_000_010, 1_700_000_000, 1_699_999_990, 1_699_999_980, 1_699_999_970, 1_699_999_960,
    ]);
    expect(windowBucketStarts("1h", 1_700_000_017)).toHaveLength(6);
  });
});
