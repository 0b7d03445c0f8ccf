import { aRun, RULE_LIMITS } from "../../support/runs";
import type { EndReason, Run } from "../../../contracts/run";
import type { Logger } from "../../../core/logger";
import { trackWarnings } from "../../../matching/track";
import {
  Launcher,
  type LaunchDefaults,
  type PreparedRun,
  type RunPreparation,
  type RunSourceSettings,
} from "../../../runs/launcher";
import type { RunSettings, RunStore } from "../../../store/run-store";

/** What the launcher uses of the run store. */
type LauncherRuns = Pick<RunStore, "launch" | "end" | "current">;

/** The run store in memory, as far as the launcher uses it: one current run, every change recorded. */
class FakeRuns implements LauncherRuns {
  run: Run | null = null;
  readonly launched: RunSettings[] = [];
  readonly ended: Array<{ runId: string; reason: EndReason }> = [];

  async launch(settings: RunSettings) {
    const replacedRunId = this.run && this.run.ended_at === null ? this.run.id : null;
    this.launched.push(settings);
    this.run = aRun({ ...settings, id: `run-${this.launched.length}` });
    return { run: { ...this.run }, replacedRunId };
  }

  async end(runId: string, reason: EndReason) {
    if (!this.run || this.run.id !== runId || this.run.ended_at !== null) return false;
    this.run = { ...this.run, ended_at: 2_000_000, end_reason: reason };
    this.ended.push({ runId, reason });
    return true;
  }

  async current() {
    return this.run && { ...this.run };
  }
}

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  info = (...args: unknown[]): void => void this.lines.push(`info ${args.join(" ")}`);
  warn = (...args: unknown[]): void => void this.lines.push(`warn ${args.join(" ")}`);
  error = (...args: unknown[]): void => void this.lines.push(`error ${args.join(" ")}`);
  debug = (...args: unknown[]): void => void this.lines.push(`debug ${args.join(" ")}`);
}

/** A source preparation that records its calls, and fails where the test says. */
class RecordingPreparation implements RunPreparation {
  readonly calls: string[] = [];
  constructor(private readonly failures: { check?: Error; apply?: Error } = {}) {}

  async check({ track, languages }: RunSourceSettings): Promise<PreparedRun> {
    const settings = `${track.join(",")}${languages.length > 0 ? ` in ${languages.join(",")}` : ""}`;
    this.calls.push(`check ${settings}`);
    if (this.failures.check) throw this.failures.check;
    return {
      apply: async (runId) => {
        this.calls.push(`apply ${runId} ${settings}`);
        if (this.failures.apply) throw this.failures.apply;
      },
    };
  }
}

const GENERATOR: LaunchDefaults = { source: "generator", generatorSeed: 42, ruleLimits: RULE_LIMITS };

function launcherOver(
  runs: LauncherRuns,
  logger: Logger,
  defaults = GENERATOR,
  preparation?: RunPreparation,
): Launcher {
  // The one cast: the launcher is typed with the whole store, of which the fake has what it uses.
  return new Launcher(runs as ConstructorParameters<typeof Launcher>[0], defaults, logger, preparation);
}

describe("launching a run", () => {
  it("starts a generator run with the configured seed and the optional settings at their defaults", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    const answer = await launcherOver(runs, logger).launch({ track: ["bieber", "love"] });
    expect(runs.launched).toEqual([
      {
        track: ["bieber", "love"],
        rules: [],
        languages: [],
        max_tweets: null,
        duration: null,
        source: "generator",
        seed: 42,
      },
    ]);
    expect(answer).toEqual({
      process_started: true,
      run_id: "run-1",
      track: ["bieber", "love"],
      rules: [],
      source: "generator",
      replaced_run_id: null,
      warnings: [],
    });
    expect(logger.lines).toEqual(['info Run run-1 started: track ["bieber","love"], source generator (seed 42)']);
  });

  it("takes rules beside or instead of track, and refuses bad ones by index before anything changes", async () => {
    const runs = new FakeRuns();
    const launcher = launcherOver(runs, new RecordingLogger());
    const answer = await launcher.launch({ rules: ["#nba lang:en", "from:nasa -is:retweet"] });
    expect(answer).toMatchObject({ track: [], rules: ["#nba lang:en", "from:nasa -is:retweet"] });
    expect(runs.launched[0]).toMatchObject({ track: [], rules: ["#nba lang:en", "from:nasa -is:retweet"] });

    const refused = launcher.launch({ track: ["love"], rules: ["ok", "cats (dogs", "lang:en"] });
    await expect(refused).rejects.toMatchObject({
      code: 422,
      data: [
        { field: "rules[1]", rule: "invalid_rule", message: expect.stringMatching(/position \d+/) },
        { field: "rules[2]", rule: "invalid_rule" },
      ],
    });
    const tooMany = launcherOver(runs, new RecordingLogger(), {
      ...GENERATOR,
      ruleLimits: { maxRules: 2, maxRuleLength: 10 },
    }).launch({ rules: ["a", "b", "c"] });
    await expect(tooMany).rejects.toMatchObject({ code: 422, data: [{ field: "rules", rule: "too_many_rules" }] });
    expect(runs.launched).toHaveLength(1);
  });

  it("passes the caller's languages, max_tweets and duration on", async () => {
    const runs = new FakeRuns();
    await launcherOver(runs, new RecordingLogger()).launch({
      track: ["bieber"],
      languages: ["en", "fr"],
      max_tweets: 5,
      duration: 60,
    });
    expect(runs.launched[0]).toMatchObject({ languages: ["en", "fr"], max_tweets: 5, duration: 60 });
  });

  it("gives a generator run a seed of its own when none is configured, and records it", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    await launcherOver(runs, logger, { ...GENERATOR, generatorSeed: undefined }).launch({ track: ["bieber"] });
    const seed = runs.launched[0]?.seed;
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 31);
    expect(logger.lines).toEqual([`info Run run-1 started: track ["bieber"], source generator (seed ${seed})`]);
  });

  it("gives a run of another source no seed", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    const answer = await launcherOver(runs, logger, { ...GENERATOR, source: "replay" }).launch({
      track: ["bieber"],
    });
    expect(runs.launched[0]).toMatchObject({ source: "replay", seed: null });
    expect(answer.source).toBe("replay");
    expect(logger.lines).toEqual(['info Run run-1 started: track ["bieber"], source replay']);
  });

  it("names and logs the run it replaced", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    const launcher = launcherOver(runs, logger);
    await launcher.launch({ track: ["bieber"] });
    const answer = await launcher.launch({ track: ["love"] });
    expect(answer).toMatchObject({ run_id: "run-2", replaced_run_id: "run-1" });
    expect(logger.lines.slice(1)).toEqual([
      "info Run run-1 ended: replaced by run-2",
      'info Run run-2 started: track ["love"], source generator (seed 42)',
    ]);
  });

  it("answers the track's warnings", async () => {
    const answer = await launcherOver(new FakeRuns(), new RecordingLogger()).launch({ track: ["#bieber", "love"] });
    expect(answer.warnings).toEqual(trackWarnings(["#bieber", "love"]));
    expect(answer.warnings).toHaveLength(1);
  });

  it("checks the source, then starts the run, then applies the source's preparation to it", async () => {
    const runs = new FakeRuns();
    const preparation = new RecordingPreparation();
    await launcherOver(runs, new RecordingLogger(), GENERATOR, preparation).launch({
      track: ["bieber", "love"],
      languages: ["en", "es"],
    });
    expect(preparation.calls).toEqual(["check bieber,love in en,es", "apply run-1 bieber,love in en,es"]);
    expect(runs.run).toMatchObject({ id: "run-1", ended_at: null });
  });

  it("changes nothing when the check fails: the active run goes on", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    await launcherOver(runs, logger).launch({ track: ["bieber"] });
    const refused = new Error("the phrase (bieber has mismatched parentheses");
    const preparation = new RecordingPreparation({ check: refused });
    await expect(launcherOver(runs, logger, GENERATOR, preparation).launch({ track: ["(bieber"] })).rejects.toBe(
      refused,
    );
    expect(preparation.calls).toEqual(["check (bieber"]);
    expect(runs.launched).toHaveLength(1);
    expect(runs.run).toMatchObject({ id: "run-1", ended_at: null });
    expect(logger.lines).toHaveLength(1);
  });

  it("ends the run as source_failed and throws when the preparation cannot be applied", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    const unreachable = new Error("the X API cannot be reached");
    const launching = launcherOver(runs, logger, GENERATOR, new RecordingPreparation({ apply: unreachable })).launch({
      track: ["bieber"],
    });
    await expect(launching).rejects.toBe(unreachable);
    expect(runs.ended).toEqual([{ runId: "run-1", reason: "source_failed" }]);
    expect(logger.lines).toEqual([
      "error Run run-1 ended: its source could not be prepared: the X API cannot be reached",
    ]);
  });
});

describe("stopping the run", () => {
  it("stops nothing before the first run", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    expect(await launcherOver(runs, logger).stop()).toEqual({ process_stopped: false, run_id: null });
    expect(runs.ended).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it("stops nothing once the run ended, and names it", async () => {
    const runs = new FakeRuns();
    runs.run = aRun({ id: "run-9", ended_at: 1_500_000, end_reason: "max_tweets" });
    expect(await launcherOver(runs, new RecordingLogger()).stop()).toEqual({ process_stopped: false, run_id: "run-9" });
    expect(runs.ended).toEqual([]);
  });

  it("ends a running run as stopped, and logs its figures so far", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    runs.run = aRun({ id: "run-9", examined: 120, amount: 7 });
    expect(await launcherOver(runs, logger).stop()).toEqual({ process_stopped: true, run_id: "run-9" });
    expect(runs.ended).toEqual([{ runId: "run-9", reason: "stopped" }]);
    expect(logger.lines).toEqual(["info Run run-9 ended: stopped, 7 matched of 120 examined so far"]);
  });

  it("answers false when the run ended between reading and ending it (another launcher won)", async () => {
    const runs = new FakeRuns();
    const logger = new RecordingLogger();
    runs.run = aRun({ id: "run-9" });
    const raced: LauncherRuns = {
      launch: (settings) => runs.launch(settings),
      current: () => runs.current(),
      end: async () => false,
    };
    expect(await launcherOver(raced, logger).stop()).toEqual({ process_stopped: false, run_id: "run-9" });
    expect(logger.lines).toEqual([]);
  });
});
