import type { XUsage } from "../../../../contracts/x-usage";
import {
  streamWatchingUsage,
  usageOf,
  XPostCapReachedError,
  XUsageApi,
  XUsageMeter,
} from "../../../../sources/x/usage";
import { waitUntil } from "../../../support/eventually";
import { FakeXApi } from "../../../support/fake-x-api";
import { MemoryXState } from "../../../support/memory-x-state";

const TOKEN = "AAAAAAAAAAAAAAAAAAAAAusage-test-token-0123456789";

/** X's answers, one reading each, on the test's clock. */
class ScriptedUsageApi {
  reads = 0;
  failure: Error | null = null;
  constructor(
    public cap: number,
    public used: number,
  ) {}

  async read(now: number): Promise<XUsage> {
    this.reads += 1;
    if (this.failure) throw this.failure;
    return usageOf(this.cap, this.used, 14, now);
  }
}

describe("the X app's post usage", () => {
  let clock: number;
  let api: ScriptedUsageApi;
  let state: MemoryXState;
  let warnings: string[];
  const meter = () =>
    new XUsageMeter(api, state, { warn: (line: string) => void warnings.push(line) }, { now: () => clock });

  beforeEach(() => {
    clock = Date.parse("2026-12-01T10:00:00Z");
    api = new ScriptedUsageApi(10_000, 1_000);
    state = new MemoryXState(() => clock);
    warnings = [];
  });

  it("is read from X at most once a minute, whichever worker asks", async () => {
    expect(await meter().current()).toEqual({
      project_cap: 10_000,
      project_usage: 1_000,
      cap_reset_day: 14,
      percent_used: 10,
      read_at: "2026-12-01T10:00:00.000Z",
    });
    clock += 59_000;
    api.used = 2_000;
    expect((await meter().current()).project_usage).toBe(1_000);
    clock += 1_000;
    expect((await meter().current()).project_usage).toBe(2_000);
    expect(api.reads).toBe(2);
  });

  it("warns at 80% and at 95% of the cap, once each per cap period across the mesh", async () => {
    const readings = [7_000, 8_000, 8_500, 9_600, 9_700, 100, 8_100];
    for (const used of readings) {
      api.used = used;
      clock += 60_000;
      // A meter per reading: the warnings are remembered in the shared state, not in one worker.
      await meter().current();
    }
    expect(warnings).toEqual([
      expect.stringContaining("passed 80% of the app's monthly cap: 8000 of 10000 posts (80%)"),
      expect.stringContaining("passed 95% of the app's monthly cap: 9600 of 10000 posts (96%)"),
      expect.stringContaining("passed 80% of the app's monthly cap: 8100 of 10000 posts (81%)"),
    ]);
  });

  it("refuses a launch once the cap is used, naming the setting and the reset day", async () => {
    await expect(meter().assertUnderCap()).resolves.toBeUndefined();
    api.used = 10_000;
    clock += 60_000;
    const refused = await meter()
      .assertUnderCap()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(XPostCapReachedError);
    expect(refused).toMatchObject({
      code: 429,
      type: "X_POST_CAP_REACHED",
      data: { setting: "X_POST_CAP_GUARD", project_cap: 10_000, project_usage: 10_000, cap_reset_day: 14 },
    });
  });

  it("answers the last reading when X cannot, and lets a launch through when there is none", async () => {
    await meter().current();
    clock += 120_000;
    api.failure = new Error("X is down");
    expect((await meter().current()).read_at).toBe("2026-12-01T10:00:00.000Z");
    expect(warnings).toEqual([expect.stringContaining("answering the reading of 2026-12-01T10:00:00.000Z")]);

    state = new MemoryXState(() => clock);
    await expect(meter().current()).rejects.toThrow("X is down");
    clock += 60_000;
    await expect(meter().assertUnderCap()).resolves.toBeUndefined();
  });

  it("is read at the start and every interval while the stream runs, and no more once it ended", async () => {
    let reads = 0;
    const source = streamWatchingUsage(
      {
        name: "x",
        async *items() {
          await waitUntil(() => reads >= 3, "three readings");
          yield { kind: "delete", notice: { tweet_id: "1" } };
        },
      },
      { current: async () => ((reads += 1), usageOf(1, 0, null, 0)) },
      { warn: () => {} },
      20,
    );
    for await (const item of source.items({ signal: new AbortController().signal })) expect(item.kind).toBe("delete");
    const atEnd = reads;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads).toBe(atEnd);
  });
});

describe("the usage endpoint, against the fake X API", () => {
  let fake: FakeXApi;
  beforeEach(async () => {
    fake = await FakeXApi.start({ token: TOKEN });
  });
  afterEach(() => fake.close());

  it("reads the figures X sends as strings", async () => {
    fake.usage = { cap: 2_000_000, used: 1_650_000, resetDay: 9 };
    const usage = await new XUsageApi({ bearerToken: TOKEN, baseUrl: fake.url }).read(0);
    expect(usage).toMatchObject({
      project_cap: 2_000_000,
      project_usage: 1_650_000,
      cap_reset_day: 9,
      percent_used: 82.5,
    });
    expect(fake.requests.at(-1)?.query).toEqual({ "usage.fields": "project_cap,project_usage,cap_reset_day" });
  });

  it("answers 502 naming X_BEARER_TOKEN, not the token, when X refuses it", async () => {
    const wrong = "wrong-usage-token-value";
    const refused = await new XUsageApi({ bearerToken: wrong, baseUrl: fake.url })
      .read()
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 502,
      type: "X_API_REFUSED",
      message: expect.stringContaining("X_BEARER_TOKEN"),
    });
    expect(JSON.stringify(refused)).not.toContain(wrong);
  });
});
