import type { Environment } from "../config/environment";
import type { Run } from "../contracts/run";
import type { Logger } from "../core/logger";
import type { RunPreparation } from "../runs/launcher";
import { createSource } from "./index";
import type { TweetSource } from "./source";
import type { XApiConfig } from "./x/api";
import { streamWithRunRules, XRuleKeeper, XRulesApi } from "./x/rules";

/** What the launcher needs of sources, from the validated environment: the environment is read here, nowhere else in sources/. */
export interface RunSources {
  /** A run's source, opened as its settings say: a generator carries on the run's seed from the run's start. */
  open(run: Pick<Run, "source" | "seed" | "started_at">): TweetSource;
  /** What the streaming worker reads: the run's source, its X rules put right before it connects. */
  stream: (run: Run) => TweetSource;
  /** The x source's rules, set to each launch's track before /launch answers; undefined for the other sources. */
  preparation: RunPreparation | undefined;
}

/** Throws a SourceConfigError when the configured source cannot be opened: at start-up, not at the first launch. */
export function runSources(env: Environment, logger: Logger): RunSources {
  const xApi: XApiConfig | undefined = env.X_BEARER_TOKEN
    ? { bearerToken: env.X_BEARER_TOKEN, baseUrl: env.X_API_BASE_URL }
    : undefined;
  const open = (run: Pick<Run, "source" | "seed" | "started_at">): TweetSource =>
    createSource({
      source: run.source,
      generatorRate: env.GENERATOR_RATE,
      generatorSeed: run.seed ?? 0,
      generatorEpoch: run.started_at,
      replayFile: env.REPLAY_FILE,
      replayRate: env.REPLAY_RATE,
      xStream: xApi ? { api: xApi, bufferSize: env.X_STREAM_BUFFER, logger } : undefined,
    });
  open({ source: env.STREAM_SOURCE, seed: 0, started_at: Date.now() });
  const rules =
    env.STREAM_SOURCE === "x" && xApi
      ? new XRuleKeeper(
          new XRulesApi(xApi),
          { maxRules: env.X_MAX_RULES, maxRuleLength: env.X_MAX_RULE_LENGTH },
          logger,
        )
      : undefined;
  const stream = (run: Run): TweetSource =>
    rules && run.source === "x"
      ? streamWithRunRules(open(run), () => rules.apply(run.id, run.track), logger)
      : open(run);
  return { open, stream, preparation: rules };
}
