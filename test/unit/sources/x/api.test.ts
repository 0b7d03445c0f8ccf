import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SourceItem, Tweet } from "../../../../contracts/tweet";
import {
  ReconnectSchedule,
  reconnectDelay,
  X_RECONNECT_POLICIES,
  type ReconnectPolicies,
} from "../../../../sources/x/reconnect";
import { XStreamSource, type SourceLogger, type XStreamOptions } from "../../../../sources/x/stream";
import { TweetBuffer } from "../../../../sources/x/tweet-buffer";
import {
  ruleLimitProblems,
  rulesDiff,
  streamWithRunRules,
  xRulesFor,
  XApiUnavailableError,
  XRuleKeeper,
  XRulesApi,
  XRulesRejectedError,
  type XRuleLimits,
} from "../../../../sources/x/rules";
import type { TweetSource } from "../../../../sources/source";
import { readEnvironment } from "../../../../config/environment";
import { MeshRuleBudget } from "../../../../sources/x/rule-budget";
import { waitUntil } from "../../../support/eventually";
import { MemoryXState } from "../../../support/memory-x-state";
import { FakeXApi, invalidRuleReason } from "../../../support/fake-x-api";
import { readV2StreamCapture, v1CaptureAsV2, v2StreamCapturePresent } from "../../../support/x-messages";
import { v1CapturesPresent, v1CaptureDir } from "../../matching/v1-capture";

const TOKEN = "AAAAAAAAAAAAAAAAAAAAAfake-bearer-token-0123456789";

const DEFAULTS = readEnvironment({});
const X_RULE_LIMITS: XRuleLimits = { maxRules: DEFAULTS.X_MAX_RULES, maxRuleLength: DEFAULTS.X_MAX_RULE_LENGTH };

/** Tiny timings: the same policy shapes as X's, in milliseconds instead of seconds. */
const FAST_POLICIES: ReconnectPolicies = {
  network: { initialMs: 10, growth: { kind: "linear", stepMs: 10 }, maxMs: 40 },
  http: { initialMs: 20, growth: { kind: "exponential", factor: 2 }, maxMs: 160 },
  rateLimited: { initialMs: 30, growth: { kind: "exponential", factor: 2 }, maxMs: 240 },
};

class RecordingLogger implements SourceLogger {
  readonly lines: string[] = [];
  info = (...args: unknown[]): void => void this.lines.push(`info ${args.join(" ")}`);
  warn = (...args: unknown[]): void => void this.lines.push(`warn ${args.join(" ")}`);
  debug = (...args: unknown[]): void => void this.lines.push(`debug ${args.join(" ")}`);
}

describe("X configuration", () => {
  it("picks the x source when a bearer token is set and no source is named", () => {
    expect(readEnvironment({ X_BEARER_TOKEN: TOKEN })).toMatchObject({
      STREAM_SOURCE: "x",
      X_API_BASE_URL: "https://api.x.com",
      X_STREAM_BUFFER: 10_000,
      X_MAX_RULES: 1000,
      X_MAX_RULE_LENGTH: 1024,
    });
    expect(readEnvironment({ X_BEARER_TOKEN: TOKEN, STREAM_SOURCE: "generator" }).STREAM_SOURCE).toBe("generator");
    expect(readEnvironment({}).STREAM_SOURCE).toBe("generator");
  });

  it.each([
    [{ STREAM_SOURCE: "x" }, /^invalid configuration: X_BEARER_TOKEN: X_BEARER_TOKEN must be set for STREAM_SOURCE x$/],
    [
      { X_BEARER_TOKEN: TOKEN, X_API_BASE_URL: "api.x.com" },
      /^invalid configuration: X_API_BASE_URL: X_API_BASE_URL must be an http:\/\/ or https:\/\/ URL$/,
    ],
    [{ X_BEARER_TOKEN: TOKEN, X_STREAM_BUFFER: "0" }, /^invalid configuration: X_STREAM_BUFFER: /],
  ])("rejects %j with one line naming the variable, never the token", (env, message) => {
    expect(() => readEnvironment(env)).toThrow(message);
    expect(() => readEnvironment(env)).toThrow(/^(?!.*fake-bearer-token)/);
  });
});

const settings = (track: string[], languages: string[] = []) => ({ track, languages });

describe("filtered-stream rules", () => {
  it("makes each phrase a rule tagged with the mesh's tag, once", () => {
    expect(xRulesFor(settings(["bieber", "twitter api", "bieber"]), "tweetmesh")).toEqual([
      { phrase: "bieber", value: "bieber", tag: "tweetmesh" },
      { phrase: "twitter api", value: "twitter api", tag: "tweetmesh" },
    ]);
  });

  it("keeps rules of the same value and tag, and replaces the others", () => {
    const active = [
      { id: "1", value: "bieber", tag: "run-1" },
      { id: "2", value: "cats", tag: "run-1" },
      { id: "3", value: "dogs", tag: "run-2" },
      { id: "4", value: "left by another tool" },
    ];
    expect(rulesDiff(active, xRulesFor(settings(["bieber", "dogs"]), "run-2"))).toEqual({
      remove: [active[0], active[1], active[3]],
      add: [{ phrase: "bieber", value: "bieber", tag: "run-2" }],
    });
  });

  it("names the phrases that break the rule limits", () => {
    const long = "x".repeat(X_RULE_LIMITS.maxRuleLength + 1);
    expect(ruleLimitProblems(xRulesFor(settings(["ok", long]), "r"), X_RULE_LIMITS)).toEqual([
      { phrase: long, reason: expect.stringContaining("at most 1024 characters") },
    ]);
    expect(ruleLimitProblems(xRulesFor(settings(["a", "b", "c"]), "r"), { maxRules: 2, maxRuleLength: 10 })).toEqual([
      { phrase: "a,b,c", reason: expect.stringContaining("allows 2 rules") },
    ]);
    // The languages count: `(abcd) lang:en` is 14 characters.
    expect(ruleLimitProblems(xRulesFor(settings(["abcd"], ["en"]), "r"), { maxRules: 2, maxRuleLength: 13 })).toEqual([
      { phrase: "abcd", reason: expect.stringContaining("languages included") },
    ]);
  });

  it("the fake refuses what X refuses", () => {
    expect(invalidRuleReason("(bieber")).toMatch(/mismatched parentheses/);
    expect(invalidRuleReason("foo:bar")).toMatch(/invalid operator 'foo'/);
    expect(invalidRuleReason("twitter api")).toBeUndefined();
  });
});

describe("reconnect policies", () => {
  const sequence = (cause: Parameters<typeof reconnectDelay>[0], count: number): number[] =>
    Array.from({ length: count }, (_, attempt) => reconnectDelay(cause, attempt, X_RECONNECT_POLICIES));

  it("follow X's documentation", () => {
    expect(sequence("network", 3)).toEqual([250, 500, 750]);
    expect(reconnectDelay("network", 200, X_RECONNECT_POLICIES)).toBe(16_000);
    expect(sequence("http", 8)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000]);
    expect(sequence("rate-limited", 3)).toEqual([60_000, 120_000, 240_000]);
  });

  it("reconnect at once after a disconnect, then back off, until a connection delivers", () => {
    const schedule = new ReconnectSchedule(X_RECONNECT_POLICIES);
    expect(
      ["dropped", "dropped", "network", "http", "http", "rate-limited"].map((cause) =>
        schedule.next(cause as "dropped"),
      ),
    ).toEqual([0, 250, 500, 5_000, 10_000, 60_000]);
    schedule.held();
    expect(["stalled", "operational-disconnect"].map((cause) => schedule.next(cause as "stalled"))).toEqual([0, 250]);
  });
});

describe("the buffer between the stream and the consumer", () => {
  const item = (id: string): SourceItem => ({ kind: "tweet", tweet: { id } as Tweet });

  it("refuses items beyond its capacity, and hands them over in order", async () => {
    const buffer = new TweetBuffer(2);
    expect([buffer.offer(item("1")), buffer.offer(item("2")), buffer.offer(item("3"))]).toEqual([true, true, false]);
    const signal = new AbortController().signal;
    expect([(await buffer.take(signal))?.kind, buffer.size]).toEqual(["tweet", 1]);
  });

  it("wakes a waiting consumer, and throws the closing error once drained", async () => {
    const buffer = new TweetBuffer(5);
    const signal = new AbortController().signal;
    const waiting = buffer.take(signal);
    buffer.offer(item("1"));
    expect(await waiting).toEqual(item("1"));
    buffer.offer(item("2"));
    buffer.close(new Error("gone"));
    expect(await buffer.take(signal)).toEqual(item("2"));
    await expect(buffer.take(signal)).rejects.toThrow("gone");
  });

  it("answers undefined at once when aborted", async () => {
    const abort = new AbortController();
    const waiting = new TweetBuffer(1).take(abort.signal);
    abort.abort();
    expect(await waiting).toBeUndefined();
  });
});

describe("rules sync against the fake X API", () => {
  let fake: FakeXApi;
  const keeper = (token = TOKEN, baseUrl = fake.url) =>
    new XRuleKeeper(
      new XRulesApi({ bearerToken: token, baseUrl, requestTimeoutMs: 2000 }),
      X_RULE_LIMITS,
      new MeshRuleBudget(new MemoryXState(), 100),
      "tweetmesh",
      new RecordingLogger(),
    );
  const launch = async (track: string[], runId: string) => (await keeper().check(settings(track))).apply(runId);

  beforeEach(async () => {
    fake = await FakeXApi.start({ token: TOKEN });
  });
  afterEach(() => fake.close());

  it("keeps the rules equal to the active run's, deleting earlier runs' and foreign ones", async () => {
    fake.seedRules([{ value: "left over", tag: "old-run" }]);
    await launch(["bieber", "twitter api"], "run-1");
    expect(fake.rules.map(({ value, tag }) => ({ value, tag }))).toEqual([
      { value: "bieber", tag: "tweetmesh" },
      { value: "twitter api", tag: "tweetmesh" },
    ]);
    await launch(["twitter api", "cats"], "run-2");
    expect(fake.rules.map(({ value, tag }) => ({ value, tag })).sort((a, b) => a.value.localeCompare(b.value))).toEqual(
      [
        { value: "cats", tag: "tweetmesh" },
        { value: "twitter api", tag: "tweetmesh" },
      ],
    );
    const posts = fake.requests.filter((request) => request.method === "POST");
    expect(posts[0]?.query).toEqual({ dry_run: "true" });
    expect(fake.requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("refuses an invalid phrase with X's reason, changing nothing", async () => {
    fake.seedRules([{ value: "bieber", tag: "tweetmesh" }]);
    const error = await keeper()
      .check(settings(["bieber", "(bieber"]))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XRulesRejectedError);
    expect(error).toMatchObject({
      code: 422,
      type: "INVALID_RULES",
      data: { rules: [{ phrase: "(bieber", reason: expect.stringMatching(/mismatched parentheses/) }] },
    });
    expect(fake.rules.map((rule) => rule.value)).toEqual(["bieber"]);
  });

  it("refuses a phrase over the length limit without asking X", async () => {
    await expect(keeper().check(settings(["y".repeat(1025)]))).rejects.toMatchObject({
      code: 422,
      message: expect.stringContaining("X_MAX_RULE_LENGTH"),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("answers 502 for a refused token and 503 for an unreachable API, never naming the token", async () => {
    const refused = await keeper("wrong-token-value")
      .check(settings(["bieber"]))
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(XApiUnavailableError);
    expect(refused).toMatchObject({ code: 502, message: expect.stringContaining("X_BEARER_TOKEN") });
    expect(JSON.stringify(refused)).not.toContain("wrong-token-value");
    const port = await closedPort();
    const unreachable = await keeper(TOKEN, `http://127.0.0.1:${port}`)
      .check(settings(["bieber"]))
      .catch((caught: unknown) => caught);
    expect(unreachable).toMatchObject({
      code: 503,
      type: "X_API_UNAVAILABLE",
      message: expect.stringContaining("cannot be reached"),
    });
    expect(String((unreachable as Error).message)).not.toContain(TOKEN);
  });
});

const describeWithData = v2StreamCapturePresent() && v1CapturesPresent() ? describe : describe.skip;
if (!v2StreamCapturePresent() || !v1CapturesPresent())
  console.warn(`X stream tests skipped: no captures in ${v1CaptureDir}/.. (set SHARED_DATA)`);

describeWithData("the X stream source against the fake X API", () => {
  let fake: FakeXApi;
  let logger: RecordingLogger;
  let abort: AbortController;
  const converted =
    v2StreamCapturePresent() && v1CapturesPresent()
      ? v1CaptureAsV2("sample-2017-01-26T1600Z.jsonl.gz", 300)
      : { messages: [], tweets: [] };

  const source = (options: Partial<XStreamOptions> = {}) =>
    new XStreamSource({
      api: { bearerToken: TOKEN, baseUrl: fake.url, requestTimeoutMs: 2000 },
      bufferSize: DEFAULTS.X_STREAM_BUFFER,
      policies: FAST_POLICIES,
      stallTimeoutMs: 1000,
      logger,
      ...options,
    });

  /** Pulls tweets in the background; `until(n)` waits until n were taken, and fails if the source failed first. */
  function consume(from: XStreamSource) {
    const taken: Tweet[] = [];
    let failure: unknown;
    const done = (async () => {
      try {
        for await (const item of from.items({ signal: abort.signal }))
          if (item.kind === "tweet") taken.push(item.tweet);
      } catch (error) {
        failure = error;
      }
    })();
    const until = async (count: number): Promise<void> => {
      await waitUntil(() => taken.length >= count || failure !== undefined, `${count} tweets to be taken`);
      if (taken.length < count)
        throw new Error(`the source failed after ${taken.length} tweets, waited for ${count}: ${String(failure)}`);
    };
    return { taken, until, done, failure: () => failure };
  }

  beforeEach(async () => {
    fake = await FakeXApi.start({ token: TOKEN, keepAliveMs: 50 });
    logger = new RecordingLogger();
    abort = new AbortController();
  });
  afterEach(async () => {
    abort.abort();
    await fake.close();
  });

  it("streams every tweet of the real v2 messages and converted v1.1 ones, once, with the documented query", async () => {
    const real = readV2StreamCapture();
    const x = source();
    const run = consume(x);
    // A last message of the test's own: once it is taken, whatever the stream held before it was too.
    const endOfStream = {
      data: { id: "1", text: "the end of the test's stream", author_id: "1", created_at: "2021-04-01T00:00:00.000Z" },
      includes: { users: [{ id: "1", username: "marker" }] },
    };
    fake.feed([...real, ...converted.messages, endOfStream]);
    const expected =
      real.filter((message) => typeof message === "object" && message !== null && "data" in message).length +
      converted.messages.length;
    await run.until(expected + 1);
    expect(run.taken.at(-1)?.text).toBe(endOfStream.data.text);
    const streamed = run.taken.slice(0, -1);
    expect(streamed).toHaveLength(expected);
    expect(streamed.slice(8).map((tweet) => tweet.id)).toEqual(converted.tweets.map((tweet) => tweet.id));
    expect(streamed.slice(8).map((tweet) => tweet.text)).toEqual(converted.tweets.map((tweet) => tweet.text));
    // The real capture holds an operational disconnect: the source reconnected at once.
    expect(x.reconnectHistory.map(({ cause, delayMs }) => [cause, delayMs])).toEqual([["operational-disconnect", 0]]);
    const stream = fake.requests.find((request) => request.path === "/2/tweets/search/stream");
    expect(stream?.query).toEqual({
      "tweet.fields":
        "created_at,lang,author_id,entities,referenced_tweets,note_tweet,conversation_id,in_reply_to_user_id,geo,attachments,edit_history_tweet_ids",
      expansions: "author_id,referenced_tweets.id,in_reply_to_user_id,attachments.media_keys,geo.place_id",
      "user.fields": "username,name,verified",
      "media.fields": "type",
      "place.fields": "country_code",
    });
    expect(logger.lines.join("\n")).not.toContain(TOKEN);
  });

  it("survives a dropped connection, a stall and an operational disconnect, reconnecting at once each time", async () => {
    const x = source();
    const run = consume(x);
    const phases: (() => void)[] = [
      () => fake.dropStream(),
      () => fake.stallStream(),
      () => fake.operationalDisconnect(),
    ];
    let fed = 0;
    for (const fault of phases) {
      fake.feed(converted.messages.slice(fed, fed + 50));
      fed += 50;
      await run.until(fed);
      fault();
      await waitUntil(
        () => fake.streaming && x.reconnects === phases.indexOf(fault) + 1,
        `reconnect #${phases.indexOf(fault) + 1}`,
      );
    }
    fake.feed(converted.messages.slice(fed, fed + 50));
    await run.until(fed + 50);
    expect(run.taken.map((tweet) => tweet.id)).toEqual(converted.tweets.slice(0, fed + 50).map((tweet) => tweet.id));
    expect(x.reconnectHistory.map(({ cause, delayMs }) => [cause, delayMs])).toEqual([
      ["dropped", 0],
      ["stalled", 0],
      ["operational-disconnect", 0],
    ]);
    expect(logger.lines.filter((line) => line.startsWith("warn X stream: reconnect #"))).toHaveLength(3);
  });

  it("backs off exponentially on HTTP errors, after the immediate reconnect", async () => {
    const x = source();
    const run = consume(x);
    fake.feed(converted.messages.slice(0, 10));
    await run.until(10);
    fake.failNextConnects(503, 3);
    fake.dropStream();
    fake.feed(converted.messages.slice(10, 20));
    await run.until(20);
    expect(x.reconnectHistory.map(({ cause, delayMs }) => [cause, delayMs])).toEqual([
      ["dropped", 0],
      ["http", 20],
      ["http", 40],
      ["http", 80],
    ]);
    expect(x.reconnectHistory[1]?.detail).toContain("HTTP 503");
  });

  it("backs off linearly on network errors", async () => {
    const port = await closedPort();
    const x = source({ api: { bearerToken: TOKEN, baseUrl: `http://127.0.0.1:${port}`, requestTimeoutMs: 2000 } });
    const run = consume(x);
    await waitUntil(() => x.reconnects >= 5, "5 reconnects");
    abort.abort();
    await run.done;
    expect(x.reconnectHistory.slice(0, 5).map(({ cause, delayMs }) => [cause, delayMs])).toEqual([
      ["network", 10],
      ["network", 20],
      ["network", 30],
      ["network", 40],
      ["network", 40],
    ]);
  });

  it("waits out 429 TooManyConnections while another connection holds the app's one", async () => {
    const other = await holdStream(fake.url);
    const x = source();
    const run = consume(x);
    await waitUntil(() => x.reconnects >= 3, "3 reconnects");
    other.destroy();
    // Fed once the source holds the connection, not into the one being closed.
    await waitUntil(() => fake.streamsAccepted === 2, "the source's stream to be accepted");
    fake.feed(converted.messages.slice(0, 5));
    await run.until(5);
    const history = x.reconnectHistory;
    expect(history.every(({ cause }) => cause === "rate-limited")).toBe(true);
    expect(history.map(({ delayMs }) => delayMs)).toEqual(
      history.map((_, attempt) => reconnectDelay("rate-limited", attempt, FAST_POLICIES)),
    );
    expect(history[0]?.detail).toContain("TooManyConnections");
  });

  it("ends with a clear error, without the token, when X refuses the token", async () => {
    const wrong = "wrong-but-secret-token-42";
    const x = source({ api: { bearerToken: wrong, baseUrl: fake.url, requestTimeoutMs: 2000 } });
    const run = consume(x);
    await run.done;
    const failure = run.failure();
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/refused the filtered stream \(HTTP 401.*check X_BEARER_TOKEN/);
    expect(
      JSON.stringify({ message: (failure as Error).message, stack: (failure as Error).stack, logs: logger.lines }),
    ).not.toContain(wrong);
    expect(x.reconnects).toBe(0);
  });

  it("ends with that error on a 401 at a reconnect, after handing over what it had", async () => {
    const x = source();
    const run = consume(x);
    fake.feed(converted.messages.slice(0, 20));
    await run.until(20);
    fake.failNextConnects(401, 1);
    fake.dropStream();
    await run.done;
    expect(run.taken).toHaveLength(20);
    expect(String(run.failure())).toContain("HTTP 401");
  });

  it("keeps characters whole when a chunk ends inside one", async () => {
    const multibyte = converted.messages
      .filter((message) => /[^\p{ASCII}]/u.test(JSON.stringify(message).replace(/\\u[0-9a-f]{4}/g, "")))
      .slice(0, 5);
    expect(multibyte.length).toBeGreaterThan(0);
    const ids = new Set(multibyte.map((message) => (message.data as { id: string }).id));
    fake.splitWrites = true;
    const run = consume(source());
    fake.feed(multibyte);
    await run.until(multibyte.length);
    expect(run.taken.map((tweet) => tweet.text)).toEqual(
      converted.tweets.filter((tweet) => ids.has(tweet.id)).map((tweet) => tweet.text),
    );
    expect(run.taken.some((tweet) => tweet.text.includes("\ufffd"))).toBe(false);
  });

  it("drops and counts tweets beyond its buffer while the consumer does not pull, and says so", async () => {
    const x = source({ bufferSize: 5 });
    const iterator = x.items({ signal: abort.signal })[Symbol.asyncIterator]();
    fake.feed(converted.messages.slice(0, 1));
    expect((await iterator.next()).done).toBe(false);
    fake.feed(converted.messages.slice(1, 21));
    await waitUntil(() => x.stats.received === 21, "21 tweets to be received");
    const pulled: string[] = [];
    for (let i = 0; i < 5; i++) pulled.push(((await iterator.next()).value as SourceItem & { kind: "tweet" }).tweet.id);
    expect(pulled).toEqual(converted.tweets.slice(1, 6).map((tweet) => tweet.id));
    expect(x.dropped).toBe(15);
    expect(logger.lines.some((line) => /^warn X stream: dropped \d+ tweets/.test(line))).toBe(true);
    await iterator.return?.(undefined);
  });

  it("closes its connection promptly when the signal aborts", async () => {
    const run = consume(source());
    await waitUntil(() => fake.streaming, "the source to connect");
    abort.abort();
    await run.done;
    await waitUntil(() => !fake.streaming, "the fake to see the connection closed", 2000);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Another client holding the app's one stream connection. */
function holdStream(url: string): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${url}/2/tweets/search/stream`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
      (response) => {
        response.resume();
        resolve(request);
      },
    );
    request.on("error", (error) => (request.destroyed ? undefined : reject(error)));
  });
}

describe("streaming with the run's rules", () => {
  const items = (count: number): TweetSource => ({
    name: "x",
    async *items() {
      for (let i = 0; i < count; i++) yield { kind: "delete", notice: { tweet_id: String(i) } };
    },
  });
  const drain = async (source: TweetSource) => {
    const seen: string[] = [];
    for await (const item of source.items({ signal: new AbortController().signal }))
      if (item.kind === "delete") seen.push(item.notice.tweet_id);
    return seen;
  };

  it("puts the rules right before the stream's first item", async () => {
    const order: string[] = [];
    const source = streamWithRunRules(
      {
        name: "x",
        async *items() {
          order.push("connected");
          yield { kind: "delete", notice: { tweet_id: "1" } };
        },
      },
      async () => void order.push("rules"),
      { warn: () => {} },
    );
    await drain(source);
    expect(order).toEqual(["rules", "connected"]);
  });

  it("streams with the rules as they are when X cannot be reached to check them", async () => {
    const warnings: string[] = [];
    const source = streamWithRunRules(
      items(3),
      async () => {
        throw new Error("the X API is unreachable");
      },
      { warn: (line: string) => void warnings.push(line) },
    );
    expect(await drain(source)).toEqual(["0", "1", "2"]);
    expect(warnings).toEqual([
      expect.stringMatching(/could not be checked before streaming \(the X API is unreachable\)/),
    ]);
  });
});
