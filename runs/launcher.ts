import { randomInt, randomUUID } from "node:crypto";
import { Errors } from "moleculer";
import { type LaunchParams, LaunchResponse, type StopResponse } from "../contracts/actions";
import { ruleProblems, type RuleLimits } from "../matching/rules";
import { trackWarnings } from "../matching/track";
import type { Run } from "../contracts/run";
import { throwFieldErrors } from "../contracts/validation";
import type { Logger } from "../core/logger";
import type { RunStore } from "../store/run-store";

export interface LaunchDefaults {
  source: Run["source"];
  /** Unset: each run gets a seed of its own, recorded with it. */
  generatorSeed: number | undefined;
  /** What a run's rules are held to, on every source (X_MAX_RULES, X_MAX_RULE_LENGTH). */
  ruleLimits: RuleLimits;
}

/** The settings of a run that a source prepares for: what the X API's rules are built from. */
export type RunSourceSettings = Pick<Run, "track" | "languages"> & { rules?: readonly string[] };

/**
 * What a source needs done when a run starts, such as the X API's filtered-stream rules. `check`
 * runs before anything changes and throws the caller's 4xx (or a 5xx when it cannot tell); the
 * `apply` it answers runs once the run exists, and the run ends as `source_failed` if it throws.
 */
export interface RunPreparation {
  check(settings: RunSourceSettings): Promise<PreparedRun>;
}

export interface PreparedRun {
  apply(runId: string): Promise<void>;
}

/** A 422 naming each rule that does not parse or breaks a limit, thrown before anything changes. */
function checkRules(rules: readonly string[], limits: RuleLimits): void {
  const problems = ruleProblems(rules, limits);
  if (problems.length > 0) throwFieldErrors(problems);
}

/** How long a launch's answer is kept for the retries of its idempotency key. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** 409: a retry arrived while the first launch of its key still runs. */
function launchInProgress(key: string): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    `a launch with this Idempotency-Key is still in progress; retry in a moment`,
    409,
    "LAUNCH_IN_PROGRESS",
    { field: "Idempotency-Key", key },
  );
}

/** Starting and stopping runs. Streaming them is the supervisor's work, on whichever worker holds the lease. */
export class Launcher {
  constructor(
    private readonly runs: Pick<
      RunStore,
      "launch" | "end" | "current" | "claimLaunchKey" | "recordLaunchAnswer" | "releaseLaunchKey"
    >,
    private readonly defaults: LaunchDefaults,
    private readonly logger: Logger,
    private readonly preparation?: RunPreparation,
  ) {}

  /**
   * Starts a run once per idempotency key: a retry of a launch (the client's `Idempotency-Key`)
   * answers what the first attempt answered, and never starts a second run.
   */
  async launchOnce(params: LaunchParams, idempotencyKey: string | undefined): Promise<LaunchResponse> {
    if (idempotencyKey === undefined) return this.launch(params);
    const attempt = randomUUID();
    const claim = await this.runs.claimLaunchKey(idempotencyKey, attempt).catch(async (error: unknown) => {
      // The claim may still reach Redis after its timeout: free it then, so that a retry can launch.
      await this.runs.releaseLaunchKey(idempotencyKey, attempt).catch(() => undefined);
      throw error;
    });
    if (!claim.claimed) {
      if (claim.answer === null) throw launchInProgress(idempotencyKey);
      return LaunchResponse.parse(JSON.parse(claim.answer));
    }
    try {
      const response = await this.launch(params);
      await this.runs.recordLaunchAnswer(idempotencyKey, JSON.stringify(response), IDEMPOTENCY_TTL_SECONDS);
      return response;
    } catch (error) {
      await this.runs.releaseLaunchKey(idempotencyKey, attempt).catch(() => undefined);
      throw error;
    }
  }

  /** Starts a run at once, ending the active one; it does not wait for the first tweet. */
  async launch(params: LaunchParams): Promise<LaunchResponse> {
    const rules = params.rules ?? [];
    checkRules(rules, this.defaults.ruleLimits);
    const settings = { track: params.track ?? [], rules, languages: params.languages ?? [] };
    const prepared = await this.preparation?.check(settings);
    const seed = this.defaults.source === "generator" ? (this.defaults.generatorSeed ?? randomInt(2 ** 31)) : null;
    const { run, replacedRunId } = await this.runs.launch({
      ...settings,
      max_tweets: params.max_tweets ?? null,
      duration: params.duration ?? null,
      source: this.defaults.source,
      seed,
    });
    if (replacedRunId) this.logger.info(`Run ${replacedRunId} ended: replaced by ${run.id}`);
    if (prepared) await this.prepare(run, prepared);
    this.logger.info(
      `Run ${run.id} started: track ${JSON.stringify(run.track)}${run.rules.length > 0 ? `, ${run.rules.length} rules` : ""}, source ${run.source}${seed === null ? "" : ` (seed ${seed})`}`,
    );
    return {
      process_started: true,
      run_id: run.id,
      track: run.track,
      rules: run.rules,
      source: run.source,
      replaced_run_id: replacedRunId,
      warnings: trackWarnings(run.track),
    };
  }

  private async prepare(run: Run, prepared: PreparedRun): Promise<void> {
    try {
      await prepared.apply(run.id);
    } catch (error) {
      await this.runs.end(run.id, "source_failed");
      this.logger.error(
        `Run ${run.id} ended: its source could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw error;
    }
  }

  /** Ends the active run; tweets already accepted by the pipeline are still counted. */
  async stop(): Promise<StopResponse> {
    const run = await this.runs.current();
    if (!run || run.ended_at !== null) return { process_stopped: false, run_id: run?.id ?? null };
    const stopped = await this.runs.end(run.id, "stopped");
    if (stopped)
      this.logger.info(`Run ${run.id} ended: stopped, ${run.amount} matched of ${run.examined} examined so far`);
    return { process_stopped: stopped, run_id: run.id };
  }
}
