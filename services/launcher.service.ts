import { hostname } from "node:os";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { LaunchParams } from "../contracts/actions";
import type { Run } from "../contracts/run";
import { parseParams } from "../contracts/validation";
import { WorkerClients } from "../workers/worker-clients";
import { Launcher } from "../runs/launcher";
import { StreamSupervisor } from "../runs/supervisor";
import { createSource } from "../sources";
import { streamWithRunRules, xRuleKeeper } from "../sources/x/rules";

interface LauncherSettings extends ServiceSettingSchema {
  leaseTtlMs: number;
  checkIntervalMs: number;
  stopGraceMs: number;
}

/** Starts and stops runs, and streams the current run's source into the pipeline on one worker at a time. */
export function launcherService(env: Environment): ServiceSchema<LauncherSettings> {
  let worker: WorkerClients;
  let launcher: Launcher;
  let supervisor: StreamSupervisor;

  return {
    name: "launcher",

    settings: {
      /** A streaming worker that stops renewing its lease is replaced after this long. */
      leaseTtlMs: 5000,
      /** How often each worker checks the current run and the lease. */
      checkIntervalMs: 1000,
      /** On shutdown, how long the stream may take to send what it pulled. */
      stopGraceMs: 5000,
    },

    actions: {
      /** Starts a run with track phrases; the active run, if any, ends first. */
      launch: {
        async handler(ctx) {
          const response = await launcher.launch(parseParams(LaunchParams, ctx.params));
          await ctx.broadcast("launcher.runChanged", { run_id: response.run_id });
          return response;
        },
      },
      /** Ends the active run. */
      stop: {
        async handler(ctx) {
          const response = await launcher.stop();
          await ctx.broadcast("launcher.runChanged", { run_id: response.run_id });
          return response;
        },
      },
    },

    events: {
      /** Any worker's launch or stop: the streaming worker reacts now rather than at its next check. */
      "launcher.runChanged"() {
        void supervisor?.check();
      },
    },

    async started() {
      const openSource = (run: Pick<Run, "source" | "seed" | "started_at">) =>
        createSource({
          source: run.source,
          generatorRate: env.GENERATOR_RATE,
          generatorSeed: run.seed ?? 0,
          generatorEpoch: run.started_at,
          replayFile: env.REPLAY_FILE,
          replayRate: env.REPLAY_RATE,
          xApi: env.X_BEARER_TOKEN ? { bearerToken: env.X_BEARER_TOKEN, baseUrl: env.X_API_BASE_URL } : undefined,
          xStreamBuffer: env.X_STREAM_BUFFER,
          logger: this.logger,
        });
      // Fail at start-up, not at the first launch, when the configured source cannot be opened.
      openSource({ source: env.STREAM_SOURCE, seed: 0, started_at: Date.now() });
      // The x source's rules follow each launch's track before /launch answers, and are checked
      // again by the worker that streams the run.
      const rules = env.STREAM_SOURCE === "x" ? xRuleKeeper(env, this.logger) : undefined;
      const streamSource = (run: Run) =>
        rules && run.source === "x" ? streamWithRunRules(openSource(run), () => rules.apply(run.id, run.track), this.logger) : openSource(run);
      worker = WorkerClients.open(env, this.logger, this.broker.metrics);
      const runs = worker.runs;
      const tweets = worker.publisher("tweetsExchange");
      launcher = new Launcher(runs, { source: env.STREAM_SOURCE, generatorSeed: env.GENERATOR_SEED }, this.logger, rules);
      supervisor = new StreamSupervisor(
        runs,
        streamSource,
        (run) => ({
          publish: (batch) => tweets.publish(batch, batch.batch_id),
          recordProgress: (progress) => runs.recordPublished(run.id, progress),
        }),
        {
          holder: `${this.broker.nodeID}@${hostname()}:${process.pid}`,
          leaseTtlMs: this.settings.leaseTtlMs,
          checkIntervalMs: this.settings.checkIntervalMs,
          stopGraceMs: this.settings.stopGraceMs,
          batchSize: env.BATCH_SIZE,
          lingerMs: env.BATCH_LINGER_MS,
        },
        this.logger,
      );
      await worker.start();
      supervisor.start();
    },

    async stopped() {
      // What the stream pulled is sent before the connections close.
      await supervisor?.stop();
      await worker?.stop();
    },
  };
}
