import { existsSync, statSync } from "node:fs";
import { SourceName } from "../contracts/source";
import { TweetGenerator } from "./generator/generator";
import { ReplaySource } from "./capture/replay";
import type { TweetSource } from "./source";
import { XStreamSource, type XStreamOptions } from "./x/stream";

/** Resolves the configured source, as Moleculer resolves its transporter from the config. */

export type { SourceOptions, TweetSource } from "./source";
export { TweetGenerator, type GeneratorOptions } from "./generator/generator";
export { ReplaySource, type ReplayOptions, type ReplayStats } from "./capture/replay";
export { XStreamSource, type XStreamOptions, type XStreamStats } from "./x/stream";

export interface SourceConfig {
  source: SourceName;
  /** Tweets per second of the generator. */
  generatorRate: number;
  generatorSeed: number;
  /** The share of generated tweets that edit a recent one (GENERATOR_EDIT_SHARE); none when absent. */
  generatorEditShare?: number;
  /** The run's start: generated ids then depend only on the seed, the start and the position. */
  generatorEpoch?: number;
  /** The capture to replay (REPLAY_FILE); required for the replay source. */
  replayFile?: string;
  /** Tweets per second of the replay; 0: as fast as the consumer pulls. */
  replayRate: number;
  /** The X stream (X_BEARER_TOKEN, X_API_BASE_URL, X_STREAM_BUFFER); required for the x source. */
  xStream?: XStreamOptions;
}

export class SourceConfigError extends Error {
  override name = "SourceConfigError";
}

/** The configured source; throws at once (not at the first item) when it cannot be opened. */
export function createSource(config: SourceConfig): TweetSource {
  switch (config.source) {
    case "generator":
      return new TweetGenerator({
        rate: config.generatorRate,
        seed: config.generatorSeed,
        epoch: config.generatorEpoch,
        editShare: config.generatorEditShare,
      });
    case "replay":
      return new ReplaySource({ file: replayFile(config.replayFile), rate: config.replayRate });
    case "x":
      return new XStreamSource(xStream(config.xStream));
    default:
      throw new SourceConfigError(
        `unknown source ${String(config.source)}: expected one of ${SourceName.options.join(", ")}`,
      );
  }
}

function xStream(options: XStreamOptions | undefined): XStreamOptions {
  if (!options?.api.bearerToken)
    throw new SourceConfigError("the x source needs the X app's bearer token: set X_BEARER_TOKEN");
  return options;
}

function replayFile(file: string | undefined): string {
  if (file === undefined || file.trim() === "") {
    throw new SourceConfigError(
      "the replay source needs a capture to replay: set REPLAY_FILE to a file of JSON lines (plain or gzip)",
    );
  }
  if (!existsSync(file)) throw new SourceConfigError(`REPLAY_FILE ${file} does not exist`);
  if (!statSync(file).isFile()) throw new SourceConfigError(`REPLAY_FILE ${file} is not a file`);
  return file;
}
