import { existsSync, statSync } from "node:fs";
import { TweetGenerator } from "./generator/generator";
import { ReplaySource } from "./capture/replay";
import type { TweetSource } from "./source";
import { X_API_DEFAULTS, type XApiConfig } from "./x/api";
import { XStreamSource, type SourceLogger } from "./x/stream";

/** Resolves the configured source, as Moleculer resolves its transporter from the config. */

export type { SourceOptions, TweetSource } from "./source";
export { TweetGenerator, type GeneratorOptions } from "./generator/generator";
export { ReplaySource, type ReplayOptions, type ReplayStats } from "./capture/replay";
export { XStreamSource, type XStreamOptions, type XStreamStats } from "./x/stream";

export const SOURCE_NAMES = ["generator", "replay", "x"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface SourceConfig {
  source: SourceName;
  /** Tweets per second of the generator. */
  generatorRate: number;
  generatorSeed: number;
  /** The run's start: generated ids then depend only on the seed, the start and the position. */
  generatorEpoch?: number;
  /** The capture to replay (REPLAY_FILE); required for the replay source. */
  replayFile?: string;
  /** Tweets per second of the replay; 0: as fast as the consumer pulls. */
  replayRate: number;
  /** The X API (X_BEARER_TOKEN, X_API_BASE_URL); required for the x source. */
  xApi?: Omit<XApiConfig, "requestTimeoutMs"> & Partial<Pick<XApiConfig, "requestTimeoutMs">>;
  /** Tweets the x source buffers while the pipeline is behind (X_STREAM_BUFFER). */
  xStreamBuffer?: number;
  /** Where the x source reports reconnects and dropped tweets. */
  logger?: SourceLogger;
}

export class SourceConfigError extends Error {
  override name = "SourceConfigError";
}

/** The configured source; throws at once (not at the first item) when it cannot be opened. */
export function createSource(config: SourceConfig): TweetSource {
  switch (config.source) {
    case "generator":
      return new TweetGenerator({ rate: config.generatorRate, seed: config.generatorSeed, epoch: config.generatorEpoch });
    case "replay":
      return new ReplaySource({ file: replayFile(config.replayFile), rate: config.replayRate });
    case "x":
      return new XStreamSource({ api: xApi(config.xApi), bufferSize: config.xStreamBuffer, logger: config.logger });
    default:
      throw new SourceConfigError(`unknown source ${String(config.source)}: expected one of ${SOURCE_NAMES.join(", ")}`);
  }
}

function xApi(api: SourceConfig["xApi"]): XApiConfig {
  if (!api?.bearerToken) throw new SourceConfigError("the x source needs the X app's bearer token: set X_BEARER_TOKEN");
  return { ...X_API_DEFAULTS, ...api };
}

function replayFile(file: string | undefined): string {
  if (file === undefined || file.trim() === "") {
    throw new SourceConfigError("the replay source needs a capture to replay: set REPLAY_FILE to a file of JSON lines (plain or gzip)");
  }
  if (!existsSync(file)) throw new SourceConfigError(`REPLAY_FILE ${file} does not exist`);
  if (!statSync(file).isFile()) throw new SourceConfigError(`REPLAY_FILE ${file} is not a file`);
  return file;
}
