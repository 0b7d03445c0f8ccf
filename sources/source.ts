import type { SourceItem } from "../contracts/tweet";

/**
 * A source of tweets: a family of plugins (like Moleculer's transporters) with one file per
 * implementation and a resolver in `index.ts`.
 *
 * Sources are pull based: the consumer awaits each item, so a slow consumer slows the source
 * (that is the backpressure). An iteration ends when the source is exhausted or when `signal`
 * aborts; it must then end promptly, leaving no timer or stream behind.
 */
export interface SourceOptions {
  signal: AbortSignal;
  /**
   * Items already consumed in an earlier session of the same run (a worker took the run over):
   * the source yields the same sequence minus its first `skip` items.
   */
  skip?: number;
}

/** What a live source went through, for the run's figures. */
export interface SourceHealth {
  reconnects: number;
  /** Tweets dropped because the consumer was behind. */
  dropped: number;
}

export interface TweetSource {
  readonly name: string;
  items(options: SourceOptions): AsyncIterable<SourceItem>;
  /** Live sources only: reconnects and drops so far. */
  health?(): SourceHealth;
}

/** A rate of items per second: 0 or Infinity mean as fast as the consumer pulls. */
export function assertRate(rate: number, what: string): void {
  if (Number.isNaN(rate) || rate < 0) throw new RangeError(`${what} must be 0 or more items per second, got ${rate}`);
}

export function assertSkip(skip: number): void {
  if (!Number.isSafeInteger(skip) || skip < 0)
    throw new RangeError(`skip must be a whole number of 0 or more, got ${skip}`);
}
