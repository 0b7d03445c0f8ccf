import type { MatchBatch } from "../../../contracts/messages";
import type { Admission } from "../../../store/run-store";
import { runFilter, type RunFilter } from "../../../matching/filter";
import { handleTweetBatch, type TweetBatchPorts } from "../../../matching/tweet-batch";
import { originalIdOf } from "../../../contracts/tweet";
import { aTweet, aTweetBatch, CountingMetrics, RecordingLogger } from "../../support/batches";

/** The filter's handler with fakes of each port: a run's filter, admissions that admit each tweet once. */
function filterWorker(filters: Record<string, RunFilter>) {
  const admittedIds = new Set<string>();
  const published: { batch: MatchBatch; messageId: string }[] = [];
  const metrics = new CountingMetrics();
  const logger = new RecordingLogger();
  const ports: TweetBatchPorts = {
    filters: { get: async (runId) => filters[runId] ?? null },
    admissions: {
      admitMatches: async (batch): Promise<Admission | null> => {
        if (!filters[batch.run_id]) return null;
        const admitted = batch.matches.filter((match) => {
          const id = originalIdOf(match.tweet);
          return !admittedIds.has(id) && admittedIds.add(id);
        });
        return { admitted, late: 0 };
      },
    },
    matches: { publish: async (batch, messageId) => void published.push({ batch, messageId }) },
    metrics,
    logger,
  };
  return { ports, published, metrics, logger };
}

describe("handleTweetBatch", () => {
  const bieber = runFilter({ track: ["bieber", "justin timberlake"], languages: [] });

  it("publishes the matches of a batch under the batch's id, with the phrases each matched", async () => {
    const { ports, published, metrics } = filterWorker({ "run-1": bieber });
    const batch = aTweetBatch("run-1", "run-1:0-3", [
      aTweet("1", "I love Bieber"),
      aTweet("2", "nothing here"),
      aTweet("3", "Timberlake, Justin!"),
    ]);

    await handleTweetBatch(ports, batch);

    expect(published).toHaveLength(1);
    expect(published[0]?.messageId).toBe("run-1:0-3");
    expect(published[0]?.batch.examined).toBe(3);
    expect(published[0]?.batch.matches.map((match) => [match.tweet.id, match.phrases])).toEqual([
      ["1", ["bieber"]],
      ["3", ["justin timberlake"]],
    ]);
    expect(metrics.tweets).toEqual({ received: 3, matched: 2 });
  });

  it("publishes only the admitted matches: a tweet already admitted to the run is not passed on again", async () => {
    const { ports, published } = filterWorker({ "run-1": bieber });
    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-1", [aTweet("1", "bieber")]));
    await handleTweetBatch(
      ports,
      aTweetBatch("run-1", "run-1:1-3", [aTweet("1", "bieber"), aTweet("2", "bieber again")]),
    );

    expect(published[1]?.batch.matches.map((match) => match.tweet.id)).toEqual(["2"]);
  });

  it("still publishes a batch without matches, so that statistics counts what was examined", async () => {
    const admitMatches = jest.fn();
    const { ports, published } = filterWorker({ "run-1": bieber });
    ports.admissions = { admitMatches };

    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-1", [aTweet("1", "no match")]));

    expect(admitMatches).not.toHaveBeenCalled();
    expect(published[0]?.batch).toMatchObject({ examined: 1, matches: [] });
  });

  it("drops a batch of a run that does not exist, saying so, and publishes nothing", async () => {
    const { ports, published, logger, metrics } = filterWorker({});

    await handleTweetBatch(ports, aTweetBatch("gone", "gone:0-1", [aTweet("1", "bieber")]));

    expect(published).toEqual([]);
    expect(metrics.tweets).toEqual({});
    expect(logger.lines).toEqual([{ level: "warn", text: "Batch gone:0-1 belongs to no known run; dropped" }]);
  });

  it("drops the batch when the run disappears between its filter and the admission", async () => {
    const { ports, published, logger } = filterWorker({ "run-1": bieber });
    ports.admissions = { admitMatches: async () => null };

    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-1", [aTweet("1", "bieber")]));

    expect(published).toEqual([]);
    expect(logger.lines.map((line) => line.level)).toEqual(["warn"]);
  });

  it("fails when the publish fails, so that the message is not acked and comes again", async () => {
    const { ports, metrics } = filterWorker({ "run-1": bieber });
    ports.matches = { publish: () => Promise.reject(new Error("channel closed")) };

    await expect(handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-1", [aTweet("1", "bieber")]))).rejects.toThrow(
      "channel closed",
    );
    expect(metrics.tweets).toEqual({});
  });

  it("keeps to the run's languages", async () => {
    const { ports, published } = filterWorker({ "run-1": runFilter({ track: ["bieber"], languages: ["en"] }) });
    const english = { ...aTweet("1", "bieber"), lang: "en" };
    const spanish = { ...aTweet("2", "bieber"), lang: "es" };

    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-2", [english, spanish]));

    expect(published[0]?.batch.matches.map((match) => match.tweet.id)).toEqual(["1"]);
  });

  it("matches a run's rules beside its track, naming the rules each tweet matched", async () => {
    const filter = runFilter({ track: ["bieber"], rules: ["#nba lang:en", "from:nasa"], languages: [] });
    const { ports, published } = filterWorker({ "run-1": filter });
    const nba = { ...aTweet("1", "what a game #NBA"), hashtags: ["NBA"], lang: "en" };
    const both = { ...aTweet("2", "bieber says hi", "NASA"), lang: "fr" };
    const track = aTweet("3", "bieber");
    const neither = { ...aTweet("4", "#nba in french"), hashtags: ["nba"], lang: "fr" };

    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-4", [nba, both, track, neither]));

    expect(published[0]?.batch.matches.map(({ tweet, phrases, rules }) => ({ id: tweet.id, phrases, rules }))).toEqual([
      { id: "1", phrases: [], rules: ["#nba lang:en"] },
      { id: "2", phrases: ["bieber"], rules: ["from:nasa"] },
      { id: "3", phrases: ["bieber"], rules: undefined },
    ]);
  });

  it("matches a run of rules alone", async () => {
    const { ports, published } = filterWorker({ "run-1": runFilter({ track: [], rules: ["bieber"], languages: [] }) });
    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-2", [aTweet("1", "Bieber!"), aTweet("2", "none")]));
    expect(published[0]?.batch.matches).toMatchObject([{ phrases: [], rules: ["bieber"] }]);
  });

  it("passes an edit of an admitted post on as an edit, and admits an edit that newly matches as its post", async () => {
    const { ports, published } = filterWorker({ "run-1": bieber });
    const edit = (id: string, text: string, history: string[]) => ({
      ...aTweet(id, text),
      edit_history_tweet_ids: history,
    });
    await handleTweetBatch(ports, aTweetBatch("run-1", "run-1:0-2", [aTweet("1", "bieber"), aTweet("2", "nothing")]));
    await handleTweetBatch(
      ports,
      aTweetBatch("run-1", "run-1:2-4", [edit("5", "bieber again", ["1", "5"]), edit("6", "now bieber", ["2", "6"])]),
    );
    const later = published[1]?.batch;
    expect(later?.matches.map((match) => match.tweet.id)).toEqual(["6"]);
    expect(later?.edits?.map((match) => match.tweet.id)).toEqual(["5"]);
    expect(later?.edited).toBe(2);
    expect(published[0]?.batch.edits).toBeUndefined();
  });
});
