import { randomInt } from "node:crypto";
import type { LaunchParams, LaunchResponse, StopResponse } from "../contracts/actions";
import { trackWarnings } from "../matching/track";
import type { Run } from "../contracts/run";
import type { Logger } from "../core/logger";
import type { RunStore } from "../store/run-store";

export interface LaunchDefaults {
  source: Run["source"];
  /** Unset: each run gets a seed of its own, recorded with it. */
  generatorSeed: number | undefined;
}

/**
 * What a source needs done when a run starts, such as the X API's filtered-stream rules. `check`
 * runs before anything changes and throws the caller's 4xx (or a 5xx when it cannot tell);
 * `apply` runs once the run exists, and the run ends as `source_failed` if it throws.
 */
export interface RunPreparation {
  check(track: readonly string[]): Promise<void>;
  apply(runId: string, track: readonly string[]): Promise<void>;
}

/** Starting and stopping runs. Streaming them is the supervisor's work, on whichever worker holds the lease. */
export class Launcher {
  constructor(
    private readonly runs: Pick<RunStore, "launch" | "end" | "current">,
    private readonly defaults: LaunchDefaults,
    private readonly logger: Logger,
    private readonly preparation?: RunPreparation,
  ) {}

  /** Starts a run at once, ending the active one; it does not wait for the first tweet. */
  async launch(params: LaunchParams): Promise<LaunchResponse> {
    await this.preparation?.check(params.track);
    const seed = this.defaults.source === "generator" ? (this.defaults.generatorSeed ?? randomInt(2 ** 31)) : null;
    const { run, replacedRunId } = await this.runs.launch({
      track: params.track,
      languages: params.languages ?? [],
      max_tweets: params.max_tweets ?? null,
      duration: params.duration ?? null,
      source: this.defaults.source,
      seed,
    });
    if (replacedRunId) this.logger.info(`Run ${replacedRunId} ended: replaced by ${run.id}`);
    await this.prepare(run);
    this.logger.info(`Run ${run.id} started: track ${JSON.stringify(run.track)}, source ${run.source}${seed === null ? "" : ` (seed ${seed})`}`);
    return { process_started: true, run_id: run.id, track: run.track, source: run.source, replaced_run_id: replacedRunId, warnings: trackWarnings(run.track) };
  }

  private async prepare(run: Run): Promise<void> {
    try {
      await this.preparation?.apply(run.id, run.track);
    } catch (error) {
      await this.runs.end(run.id, "source_failed");
      this.logger.error(`Run ${run.id} ended: its source could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  /** Ends the active run; tweets already accepted by the pipeline are still counted. */
  async stop(): Promise<StopResponse> {
    const run = await this.runs.current();
    if (!run || run.ended_at !== null) return { process_stopped: false, run_id: run?.id ?? null };
    const stopped = await this.runs.end(run.id, "stopped");
    if (stopped) this.logger.info(`Run ${run.id} ended: stopped, ${run.amount} matched of ${run.examined} examined so far`);
    return { process_stopped: stopped, run_id: run.id };
  }
}
