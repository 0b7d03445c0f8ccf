import { hostname } from "node:os";
import { Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import type { Environment } from "../config/environment";
import { LaunchMeta, LaunchParams } from "../contracts/actions";
import type { XUsage } from "../contracts/x-usage";
import { parseParams } from "../contracts/validation";
import { WorkerClients } from "../workers/worker-clients";
import { Launcher } from "../runs/launcher";
import { StreamSupervisor } from "../runs/supervisor";
import { runSources, type RunSources } from "../sources/run-sources";
import { XApiStore } from "../store/x-api-store";

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
  let sources: RunSources;

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
          const response = await launcher.launchOnce(
            parseParams(LaunchParams, ctx.params),
            LaunchMeta.parse(ctx.meta).idempotencyKey,
          );
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
      /** The X app's post usage against its monthly cap, read from X at most once a minute. */
      xUsage: {
        handler(): Promise<XUsage> {
          if (!sources.usage) throw xNotConfigured();
          return sources.usage.current();
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
      worker = WorkerClients.open(env, this.logger, this.broker.metrics);
      // Throws now, rather than at the first launch, when the configured source cannot be opened.
      sources = runSources(env, this.logger, new XApiStore(worker.redis, worker.keys));
      const runs = worker.runs;
      const tweets = worker.publisher("tweetsExchange");
      launcher = new Launcher(
        runs,
        {
          source: env.STREAM_SOURCE,
          generatorSeed: env.GENERATOR_SEED,
          ruleLimits: { maxRules: env.X_MAX_RULES, maxRuleLength: env.X_MAX_RULE_LENGTH },
        },
        this.logger,
        sources.preparation,
      );
      supervisor = new StreamSupervisor(
        runs,
        sources.stream,
        (run) => ({
          publish: (batch) => tweets.publish(batch, batch.batch_id),
          recordProgress: (progress) => runs.recordPublished(run.id, progress),
        }),
        {
          holder: `${this.broker.nodeID}@${hostname()}:${process.pid}`,
          leaseTtlMs: this.settings.leaseTtlMs,
          checkIntervalMs: this.settings.checkIntervalMs,
          stopGraceMs: this.settings.stopGraceMs,
          orphanTimeoutMs: env.ORPHAN_TIMEOUT * 1000,
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

/** 404: the usage is the X app's, and this mesh has none. */
function xNotConfigured(): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(
    "no X app is configured: set X_BEARER_TOKEN to read its post usage",
    404,
    "X_NOT_CONFIGURED",
    { setting: "X_BEARER_TOKEN" },
  );
}
