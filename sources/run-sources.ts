import type { Environment } from "../config/environment";
import type { Run } from "../contracts/run";
import type { Logger } from "../core/logger";
import type { RunPreparation } from "../runs/launcher";
import { createSource } from "./index";
import type { TweetSource } from "./source";
import type { XApiConfig } from "./x/api";
import { MeshRuleBudget, type RuleRequestLedger } from "./x/rule-budget";
import { ruleTag, streamWithRunRules, XRuleKeeper, XRulesApi } from "./x/rules";
import { streamWatchingUsage, XUsageApi, XUsageMeter, type UsageStore } from "./x/usage";

/** What the mesh's workers share about the X API, in Redis (store/x-api-store.ts): the rule budget and the usage. */
export type XSharedState = RuleRequestLedger & UsageStore;

/** What the launcher needs of sources, from the validated environment: the environment is read here, nowhere else in sources/. */
export interface RunSources {
  /** A run's source, opened as its settings say: a generator carries on the run's seed from the run's start. */
  open(run: Pick<Run, "source" | "seed" | "started_at">): TweetSource;
  /** What the streaming worker reads: the run's source; for x, its rules put right before it connects and the usage read while it streams. */
  stream: (run: Run) => TweetSource;
  /** The x source's post-cap guard and rules, set to each launch's settings before /launch answers; undefined for the other sources. */
  preparation: RunPreparation | undefined;
  /** The X app's post usage; undefined without X_BEARER_TOKEN. */
  usage: XUsageMeter | undefined;
}

/** Throws a SourceConfigError when the configured source cannot be opened: at start-up, not at the first launch. */
export function runSources(env: Environment, logger: Logger, shared: XSharedState): RunSources {
  const xApi: XApiConfig | undefined = env.X_BEARER_TOKEN
    ? { bearerToken: env.X_BEARER_TOKEN, baseUrl: env.X_API_BASE_URL }
    : undefined;
  const open = (run: Pick<Run, "source" | "seed" | "started_at">): TweetSource =>
    createSource({
      source: run.source,
      generatorRate: env.GENERATOR_RATE,
      generatorEditShare: env.GENERATOR_EDIT_SHARE,
      generatorSeed: run.seed ?? 0,
      generatorEpoch: run.started_at,
      replayFile: env.REPLAY_FILE,
      replayRate: env.REPLAY_RATE,
      xStream: xApi
        ? { api: xApi, bufferSize: env.X_STREAM_BUFFER, backfillMinutes: env.X_BACKFILL_MINUTES, logger }
        : undefined,
    });
  open({ source: env.STREAM_SOURCE, seed: 0, started_at: Date.now() });
  const usage = xApi ? new XUsageMeter(new XUsageApi(xApi), shared, logger) : undefined;
  const rules =
    env.STREAM_SOURCE === "x" && xApi
      ? new XRuleKeeper(
          new XRulesApi(xApi),
          { maxRules: env.X_MAX_RULES, maxRuleLength: env.X_MAX_RULE_LENGTH },
          new MeshRuleBudget(shared, env.X_RULE_REQUESTS_PER_15MIN),
          ruleTag(env.NAMESPACE),
          logger,
        )
      : undefined;
  const preparation: RunPreparation | undefined = rules && {
    async check(settings) {
      if (env.X_POST_CAP_GUARD) await usage?.assertUnderCap();
      return rules.check(settings);
    },
  };
  const stream = (run: Run): TweetSource =>
    rules && usage && run.source === "x"
      ? streamWatchingUsage(
          streamWithRunRules(open(run), () => rules.sync(run.id, run), logger),
          usage,
          logger,
        )
      : open(run);
  return { open, stream, preparation, usage };
}
