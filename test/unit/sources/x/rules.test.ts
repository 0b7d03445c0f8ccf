import { withoutSecret } from "../../../../sources/x/api";
import { MeshRuleBudget, XRuleBudgetError } from "../../../../sources/x/rule-budget";
import {
  requestsOf,
  rulesDiff,
  ruleTag,
  streamWithRunRules,
  xRulesFor,
  XRuleKeeper,
  XRulesApi,
  XRulesRejectedError,
} from "../../../../sources/x/rules";
import { FakeXApi } from "../../../support/fake-x-api";
import { MemoryXState } from "../../../support/memory-x-state";

const TOKEN = "AAAAAAAAAAAAAAAAAAAAArules-test-token-0123456789";
const LIMITS = { maxRules: 1000, maxRuleLength: 1024 };
const settings = (track: string[], languages: string[] = []) => ({ track, languages });

describe("the rules a run sends X", () => {
  it("carry the run's languages, so that X delivers and bills only those", () => {
    expect(xRulesFor(settings(["bieber", "twitter api"], ["en", "es"]), "tweetmesh").map((rule) => rule.value)).toEqual(
      ["(bieber) (lang:en OR lang:es)", "(twitter api) (lang:en OR lang:es)"],
    );
    expect(xRulesFor(settings(["bieber"], ["ja", "ja"]), "tweetmesh")).toEqual([
      { phrase: "bieber", value: "(bieber) lang:ja", tag: "tweetmesh" },
    ]);
  });

  it("are tagged per mesh, not per run", () => {
    expect([ruleTag(""), ruleTag("blue")]).toEqual(["tweetmesh", "tweetmesh:blue"]);
  });

  it("cost a dry run and an add for new values and a delete for old ones, nothing when unchanged", () => {
    const active = [{ id: "1", value: "bieber", tag: "tweetmesh" }];
    const diffTo = (track: string[]) => rulesDiff(active, xRulesFor(settings(track), "tweetmesh"));
    expect(requestsOf(diffTo(["bieber"]), true)).toBe(0);
    expect(requestsOf(diffTo(["bieber", "cats"]), true)).toBe(2);
    expect(requestsOf(diffTo(["cats"]), true)).toBe(3);
    expect(requestsOf(diffTo(["cats"]), false)).toBe(2);
  });

  it("never hold the token in a message taken from elsewhere", () => {
    expect(withoutSecret(`echoed ${TOKEN} back`, TOKEN)).toBe("echoed *** back");
    expect(withoutSecret("short tokens are not cut: abc", "abc")).toBe("short tokens are not cut: abc");
  });
});

describe("the rules kept within the mesh's budget, against the fake X API", () => {
  let fake: FakeXApi;
  let state: MemoryXState;
  const keeper = (allowed = 100) =>
    new XRuleKeeper(
      new XRulesApi({ bearerToken: TOKEN, baseUrl: fake.url, requestTimeoutMs: 2000 }),
      LIMITS,
      new MeshRuleBudget(state, allowed),
      "tweetmesh",
      { info: () => {} },
    );
  const launch = async (track: string[], allowed = 100, languages: string[] = []) =>
    (await keeper(allowed).check(settings(track, languages))).apply("run");

  beforeEach(async () => {
    fake = await FakeXApi.start({ token: TOKEN });
    state = new MemoryXState();
  });
  afterEach(() => fake.close());

  it("send X the languages with every rule", async () => {
    await launch(["bieber"], 100, ["en", "es"]);
    expect(fake.rules.map((rule) => rule.value)).toEqual(["(bieber) (lang:en OR lang:es)"]);
  });

  it("re-send nothing for unchanged rules, and dry-run only the values X does not hold", async () => {
    await launch(["bieber", "cats"]);
    expect(fake.rulesPosts).toBe(2);
    await launch(["cats", "bieber"]);
    expect(fake.rulesPosts).toBe(2);
    await launch(["cats", "dogs"]);
    const dryRun = fake.requests.filter((request) => request.query.dry_run === "true").at(-1);
    expect(dryRun?.body).toEqual({ add: [{ value: "dogs", tag: "tweetmesh" }] });
    expect(fake.rulesPosts).toBe(5);
    expect(state.requests).toHaveLength(5);
  });

  it("refuse a change the budget has no room for with 429 and the seconds to wait, before any POST", async () => {
    await launch(["bieber"], 4);
    expect(state.requests).toHaveLength(2);
    const refused = await keeper(4)
      .check(settings(["cats"]))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(XRuleBudgetError);
    expect(refused).toMatchObject({
      code: 429,
      type: "X_RULE_BUDGET",
      data: { setting: "X_RULE_REQUESTS_PER_15MIN", retry_after: 900 },
    });
    expect(fake.rulesPosts).toBe(2);
    // A change that fits still goes through.
    await launch(["bieber", "cats"], 4);
    expect(fake.rulesPosts).toBe(4);
  });

  it("give back what a refused dry run will not send", async () => {
    fake.seedRules([{ value: "bieber", tag: "tweetmesh" }]);
    await expect(keeper().check(settings(["(cats"]))).rejects.toBeInstanceOf(XRulesRejectedError);
    expect(fake.rulesPosts).toBe(1);
    expect(state.requests).toHaveLength(1);
  });

  it("answer X's own 429 on rules as X_RULE_BUDGET, waiting until its x-rate-limit-reset", async () => {
    await fake.close();
    fake = await FakeXApi.start({ token: TOKEN, ruleRequestsPer15Min: 1 });
    const refused = await keeper()
      .check(settings(["cats"]))
      .then((prepared) => prepared.apply("run"))
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 429, type: "X_RULE_BUDGET" });
    const wait = (refused as XRuleBudgetError).data as { retry_after: number };
    expect(wait.retry_after).toBeGreaterThan(890);
    // x-rate-limit-reset is in whole seconds, rounded up.
    expect(wait.retry_after).toBeLessThanOrEqual(901);
  });

  it("let the streaming worker stream with the rules as they are, with one warning, when the budget is spent", async () => {
    await launch(["bieber"], 3);
    const warnings: string[] = [];
    const source = streamWithRunRules(
      {
        name: "x",
        async *items() {
          yield { kind: "delete", notice: { tweet_id: "1" } };
        },
      },
      () => keeper(3).sync("run-2", settings(["cats"])),
      { warn: (line: string) => void warnings.push(line) },
    );
    const items = [];
    for await (const item of source.items({ signal: new AbortController().signal })) items.push(item);
    expect(items).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/streaming with the rules as they are$/)]);
    expect(warnings[0]).toContain("X_RULE_REQUESTS_PER_15MIN");
    expect(fake.rules.map((rule) => rule.value)).toEqual(["bieber"]);
  });
});
