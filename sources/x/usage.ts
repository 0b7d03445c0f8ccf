import { Errors } from "moleculer";
import type { TwitterApi } from "twitter-api-v2";
import { z } from "zod";
import { XUsage } from "../../contracts/x-usage";
import { errorText } from "../../core/error-text";
import type { Logger } from "../../core/logger";
import { sleep } from "../../core/sleep";
import type { SourceOptions, TweetSource } from "../source";
import { xClient, xFailure, type XApiConfig, type XFailure } from "./api";
import { XApiUnavailableError } from "./rules";

/**
 * The app's post usage against its monthly cap (`GET /2/usage/tweets`). X is asked at most once a
 * minute, by one worker of the mesh at a time: the reading is kept in Redis (store/x-api-store.ts)
 * for every worker to answer `GET /x/usage` and the launch guard from. The worker that streams reads
 * it every minute, and the first reading past 80% and past 95% of the cap in a period logs a warning,
 * once for the whole mesh.
 */

/** X's usage endpoint allows 50 requests per 15 minutes; once a minute keeps well under it. */
export const USAGE_MAX_AGE_MS = 60_000;

/** Percentages of the cap that are warned of, once each per cap period. */
export const USAGE_WARNINGS = [80, 95] as const;

/** Where the mesh keeps the latest reading; Redis in the mesh, memory in unit tests. */
export interface UsageStore {
  latest(): Promise<XUsage | null>;
  save(usage: XUsage): Promise<void>;
  /** Claims the next read from X for `ttlMs`: false while another worker holds the claim. */
  claimRead(ttlMs: number): Promise<boolean>;
  /** Records a reading; answers which of `reached` (percentages) no reading of this cap period reached before. */
  newlyReached(usage: XUsage, reached: readonly number[]): Promise<number[]>;
}

/** X sends the figures as numbers or as strings of digits, depending on the endpoint's version. */
const Count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const UsageAnswer = z.looseObject({
  data: z.looseObject({
    project_cap: Count,
    project_usage: Count.nullish(),
    cap_reset_day: z.number().int().nullish(),
  }),
});

/** Only the three figures: the daily breakdowns would make every reading larger for nothing. */
const USAGE_FIELDS = ["project_cap", "project_usage", "cap_reset_day"] as const;

/** The wire: one call, through the twitter-api-v2 client. */
export class XUsageApi {
  private readonly client: TwitterApi;

  constructor(private readonly config: XApiConfig) {
    this.client = xClient(config);
  }

  async read(now = Date.now()): Promise<XUsage> {
    let answer: unknown;
    try {
      answer = await this.client.v2.usage({ "usage.fields": [...USAGE_FIELDS] });
    } catch (error) {
      throw usageUnavailable(xFailure(error, this.config.bearerToken));
    }
    const { data } = UsageAnswer.parse(answer);
    return usageOf(data.project_cap, data.project_usage ?? 0, data.cap_reset_day ?? null, now);
  }
}

export function usageOf(cap: number, used: number, resetDay: number | null, readAt: number): XUsage {
  return {
    project_cap: cap,
    project_usage: used,
    cap_reset_day: resetDay,
    percent_used: cap > 0 ? Math.round((used / cap) * 1000) / 10 : 0,
    read_at: new Date(readAt).toISOString(),
  };
}

function usageUnavailable(failure: XFailure): XApiUnavailableError {
  if (failure.kind === "network")
    return new XApiUnavailableError(`the X API cannot be reached: ${failure.detail}`, 503, { status: null });
  const { status, detail } = failure;
  if (status === 401 || status === 403) {
    return new XApiUnavailableError(
      `the X API refused the usage request (${detail}): check X_BEARER_TOKEN and the app's access level`,
      502,
      { status },
    );
  }
  return new XApiUnavailableError(`the X API cannot report the usage now (${detail})`, 503, { status });
}

/** 429: the app used its monthly post cap, and X_POST_CAP_GUARD refuses launches until it resets. */
export class XPostCapReachedError extends Errors.MoleculerClientError {
  override name = "MoleculerClientError";

  constructor(usage: XUsage) {
    const reset = usage.cap_reset_day === null ? "" : `; X gives its reset day as ${usage.cap_reset_day}`;
    super(
      `the X app used its monthly post cap (${usage.project_usage} of ${usage.project_cap} posts${reset}): X_POST_CAP_GUARD refuses launches on the x source until it resets`,
      429,
      "X_POST_CAP_REACHED",
      {
        setting: "X_POST_CAP_GUARD",
        project_cap: usage.project_cap,
        project_usage: usage.project_usage,
        cap_reset_day: usage.cap_reset_day,
      },
    );
  }
}

export interface UsageMeterOptions {
  maxAgeMs?: number;
  /** How long a worker that lost the claim waits for the claimant's first reading. */
  claimWaitMs?: number;
  now?: () => number;
}

/** The usage, from the mesh's latest reading or, when it is older than a minute, from X. */
export class XUsageMeter {
  private readonly maxAgeMs: number;
  private readonly claimWaitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly api: Pick<XUsageApi, "read">,
    private readonly store: UsageStore,
    private readonly logger: Pick<Logger, "warn">,
    options: UsageMeterOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? USAGE_MAX_AGE_MS;
    this.claimWaitMs = options.claimWaitMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** Throws a 502/503 only when X cannot answer and the mesh holds no earlier reading. */
  async current(): Promise<XUsage> {
    const stored = await this.store.latest();
    if (stored && !this.isStale(stored)) return stored;
    if (!(await this.store.claimRead(this.maxAgeMs))) return stored ?? this.claimantsReading();
    try {
      return await this.readFromX();
    } catch (error) {
      if (!stored) throw error;
      this.logger.warn(
        `X post usage could not be read (${errorText(error)}); answering the reading of ${stored.read_at}`,
      );
      return stored;
    }
  }

  /** X_POST_CAP_GUARD: a 429 once the cap is used. A usage X cannot tell does not stop the launch: its rules check will say whether X answers. */
  async assertUnderCap(): Promise<void> {
    let usage: XUsage;
    try {
      usage = await this.current();
    } catch (error) {
      this.logger.warn(`X post usage could not be read before a launch (${errorText(error)}); launching unchecked`);
      return;
    }
    if (usage.project_cap > 0 && usage.project_usage >= usage.project_cap) throw new XPostCapReachedError(usage);
  }

  private isStale(usage: XUsage): boolean {
    return this.now() - Date.parse(usage.read_at) >= this.maxAgeMs;
  }

  private async readFromX(): Promise<XUsage> {
    const usage = await this.api.read(this.now());
    await this.store.save(usage);
    await this.warnOfThresholds(usage);
    return usage;
  }

  /** Another worker reads X now: its reading lands in Redis in a moment. */
  private async claimantsReading(): Promise<XUsage> {
    const deadline = this.now() + this.claimWaitMs;
    while (this.now() < deadline) {
      await sleep(100);
      const usage = await this.store.latest();
      if (usage) return usage;
    }
    throw new XApiUnavailableError("the X post usage is being read by another worker; retry in a moment", 503, {
      status: null,
    });
  }

  private async warnOfThresholds(usage: XUsage): Promise<void> {
    const reached = USAGE_WARNINGS.filter((percent) => usage.percent_used >= percent);
    for (const percent of await this.store.newlyReached(usage, reached)) {
      this.logger.warn(
        `X post usage passed ${percent}% of the app's monthly cap: ${usage.project_usage} of ${usage.project_cap} posts (${usage.percent_used}%), cap_reset_day ${usage.cap_reset_day ?? "unknown"}; at the cap X stops delivering${percent >= 95 ? " and launches are refused (X_POST_CAP_GUARD)" : ""}`,
      );
    }
  }
}

/**
 * The stream, reading the usage every minute while it runs (the mesh's reading, refreshed from X
 * when older than a minute): the warnings come while posts are billed. A failed reading is logged
 * and does not stop the stream.
 */
export function streamWatchingUsage(
  source: TweetSource,
  meter: Pick<XUsageMeter, "current">,
  logger: Pick<Logger, "warn">,
  intervalMs = USAGE_MAX_AGE_MS,
): TweetSource {
  const read = (): void =>
    void meter.current().catch((error: unknown) => logger.warn(`X post usage could not be read: ${errorText(error)}`));
  return {
    name: source.name,
    health: source.health?.bind(source),
    async *items(options: SourceOptions) {
      read();
      // Unref'd: a reading never keeps a stopping process alive.
      const timer = setInterval(read, intervalMs).unref();
      try {
        yield* source.items(options);
      } finally {
        clearInterval(timer);
      }
    },
  };
}
