import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import {
  LaunchParams,
  LaunchResponse,
  RunHistory,
  RunHistoryParams,
  RunStatistics,
  StopResponse,
  TimelinePage,
  TimelineParams,
} from "../../../contracts/actions";
import { MatchBatch, TweetBatch } from "../../../contracts/messages";
import type { SourceItem } from "../../../contracts/tweet";
import { Readiness, Versions } from "../../../gateway/health";
import { filterBatch, runFilter } from "../../../matching/filter";
import { historyTotals, runStatistics } from "../../../runs/figures";
import { tweetBatch } from "../../../runs/stream";
import { TweetGenerator } from "../../../sources/generator/generator";
import { aRun } from "../../support/runs";

/**
 * Rolling deploys run releases side by side. For every earlier release kept in test/contracts/<version>/:
 * the current readers accept the examples that release wrote (examples/), and that release's frozen
 * readers (schemas.ts) accept what the current writers write.
 */

const CONTRACTS = path.resolve(__dirname, "../../contracts");
const RELEASES = readdirSync(CONTRACTS).filter((name) => /^\d+\.\d+\.\d+$/.test(name));

/** Each example file, by name, and the current schema that reads it. */
const CURRENT_READERS: Record<string, z.ZodType> = {
  "tweet-batch": TweetBatch,
  "match-batch": MatchBatch,
  "launch-params": LaunchParams,
  "launch-response": LaunchResponse,
  "stop-response": StopResponse,
  "run-statistics": RunStatistics,
  "run-history-params": RunHistoryParams,
  "run-history": RunHistory,
  "timeline-params": TimelineParams,
  "timeline-page": TimelinePage,
  readiness: Readiness,
  versions: Versions,
};

type FrozenSchemas = Record<string, z.ZodType>;

function frozen(release: string): FrozenSchemas {
  // Each release's folder is found at run time: a static import cannot name it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(CONTRACTS, release, "schemas")) as FrozenSchemas;
}

function examples(release: string): Array<[string, unknown]> {
  const dir = path.join(CONTRACTS, release, "examples");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => [path.basename(file, ".json"), JSON.parse(readFileSync(path.join(dir, file), "utf8")) as unknown]);
}

/** What the current writers produce: the launcher's batch, the filter's matches, the statistics' figures. */
function currentWrites() {
  const generator = new TweetGenerator({ rate: 1000, seed: 11, epoch: Date.UTC(2026, 0, 1) });
  const items: SourceItem[] = Array.from({ length: 300 }, (_, index) => ({
    kind: "tweet",
    tweet: generator.tweetAt(index),
  }));
  items.push({ kind: "delete", notice: { tweet_id: "365611893151850496" } });
  const run = aRun({
    id: "run-7",
    track: ["love", "the"],
    amount: 3,
    examined: 300,
    published: 300,
    ended_at: 1_060_000,
    end_reason: "stopped",
  });
  const batch = tweetBatch(run.id, 0, items, 1_000_500);
  const figures = runStatistics(run, { love: 1, the: 2 }, 1_100_000);
  return {
    TweetBatch: batch,
    MatchBatch: filterBatch(batch, runFilter(run)),
    RunStatistics: figures,
    RunHistory: { runs: [figures], totals: historyTotals({ runs: 0, amount: 0, examined: 0, elapsed: 0 }, figures) },
  };
}

describe.each(RELEASES)("contracts of release %s", (release) => {
  it.each(examples(release))("the current reader accepts its %s", (name, example) => {
    const reader = CURRENT_READERS[name];
    if (!reader) throw new Error(`no current reader is named for test/contracts/${release}/examples/${name}.json`);
    expect(reader.safeParse(example).error?.issues ?? []).toEqual([]);
  });

  it.each(Object.entries(currentWrites()))("its %s reader accepts what the current writer writes", (name, written) => {
    const reader = frozen(release)[name];
    if (!reader) throw new Error(`test/contracts/${release}/schemas.ts has no ${name}`);
    expect(reader.safeParse(written).error?.issues ?? []).toEqual([]);
  });

  it("keeps an example of every message and response the release wrote", () => {
    expect(
      examples(release)
        .map(([name]) => name)
        .sort(),
    ).toEqual(Object.keys(CURRENT_READERS).sort());
  });
});
