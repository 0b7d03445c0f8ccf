import type { TweetBatch } from "../contracts/messages";
import type { Run } from "../contracts/run";
import type { DeleteNotice, SourceItem, Tweet } from "../contracts/tweet";
import { errorText } from "../core/error-text";
import type { TweetSource } from "../sources/source";

export interface StreamOptions {
  /** Source items per pipeline message. */
  batchSize: number;
  /** How long a partial batch waits for more items before it is sent anyway. */
  lingerMs: number;
  signal: AbortSignal;
}

export interface StreamSinks {
  /** Sends a batch; resolves once the broker confirmed it. */
  publish(batch: TweetBatch): Promise<void>;
  /**
   * Records that every source item before `position`, `published` tweets among them, is confirmed: a
   * taken-over run resumes there. False when the run is no longer in Redis.
   */
  recordProgress(progress: Pick<Run, "position" | "published">): Promise<boolean>;
}

export type StreamEnd = "exhausted" | "aborted";

/** The run is no longer in Redis (Redis lost its data): streaming it cannot go on, and nothing of it is written again. */
export class RunGone extends Error {
  override name = "RunGone";
  constructor(readonly runId: string) {
    super(`run ${runId} is no longer in Redis`);
  }
}

/**
 * The pipeline or Redis did not take a batch or its progress (a broker or Redis outage): not the
 * source's fault, so the run goes on, from its last confirmed position, once streaming resumes.
 */
export class DeliveryFailed extends Error {
  override name = "DeliveryFailed";
  constructor(readonly failure: unknown) {
    super(`a batch or its progress was not recorded: ${errorText(failure)}`, { cause: failure });
  }
}

/**
 * Streams a run's source into the pipeline, from where an earlier holder of the run left off.
 * One batch is in flight at a time: items pulled meanwhile gather into the next batch, so batches
 * grow with the load, and once a full batch waits for the broker the source is not pulled (the pull
 * is the backpressure).
 */
export async function streamRun(
  run: Run,
  source: TweetSource,
  sinks: StreamSinks,
  options: StreamOptions,
): Promise<StreamEnd> {
  const batcher = new Batcher(run, sinks, options);
  try {
    for await (const item of source.items({ signal: options.signal, skip: run.position })) await batcher.add(item);
    await batcher.finish();
    return options.signal.aborted ? "aborted" : "exhausted";
  } finally {
    batcher.close();
  }
}

/** Gathers source items into batches and sends them one at a time, each after its predecessor is confirmed. */
class Batcher {
  private pending: SourceItem[] = [];
  private firstPulledAt = 0;
  private position: number;
  private published: number;
  private inFlight: Promise<void> | null = null;
  private lingering: NodeJS.Timeout | null = null;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly run: Run,
    private readonly sinks: StreamSinks,
    private readonly options: Pick<StreamOptions, "batchSize" | "lingerMs">,
  ) {
    this.position = run.position;
    this.published = run.published;
  }

  /** Takes an item; resolves when the next one may be pulled. */
  async add(item: SourceItem): Promise<void> {
    this.throwIfFailed();
    const now = Date.now();
    // A batch holds the items of one second of pulling: its first pull's second is every item's
    // ingest second, which the statistics count per second (store/count-matches-7+.lua).
    if (this.pending.length > 0 && Math.floor(now / 1000) !== Math.floor(this.firstPulledAt / 1000)) {
      await this.settle();
      await this.send();
      this.throwIfFailed();
    }
    if (this.pending.length === 0) this.firstPulledAt = now;
    this.pending.push(item);
    this.position++;
    if (this.pending.length < this.options.batchSize) return this.linger();
    await this.settle();
    await this.send();
    this.throwIfFailed();
  }

  /** Sends what is left and waits for every batch to be confirmed. */
  async finish(): Promise<void> {
    await this.settle();
    await this.send();
    this.throwIfFailed();
  }

  close(): void {
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
  }

  private linger(): void {
    if (this.lingering || this.inFlight || this.pending.length === 0) return;
    const waited = Date.now() - this.firstPulledAt;
    this.lingering = setTimeout(() => void this.send(), Math.max(0, this.options.lingerMs - waited));
  }

  private send(): Promise<void> {
    this.close();
    if (this.inFlight || this.pending.length === 0 || this.failure) return this.inFlight ?? Promise.resolve();
    const batch = tweetBatch(this.run.id, this.position - this.pending.length, this.pending, this.firstPulledAt);
    const progress = { position: this.position, published: (this.published += batch.tweets.length) };
    this.pending = [];
    this.inFlight = (async () => {
      await this.sinks.publish(batch);
      if (!(await this.sinks.recordProgress(progress))) throw new RunGone(this.run.id);
    })().then(
      () => {
        this.inFlight = null;
        this.linger();
      },
      (error: unknown) => {
        this.inFlight = null;
        this.failure = { error: error instanceof RunGone ? error : new DeliveryFailed(error) };
      },
    );
    return this.inFlight;
  }

  private async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * A batch's id is its run and the source range it holds, `start-end`: stable across redeliveries,
 * and different for any other content (a worker that takes a run over may cut batches elsewhere).
 */
export function tweetBatch(
  runId: string,
  start: number,
  items: readonly SourceItem[],
  firstPulledAt = Date.now(),
): TweetBatch {
  const tweets: Tweet[] = [];
  const deletes: DeleteNotice[] = [];
  for (const item of items) {
    if (item.kind === "tweet") tweets.push(item.tweet);
    else deletes.push(item.notice);
  }
  return {
    v: 1,
    run_id: runId,
    batch_id: `${runId}:${start}-${start + items.length}`,
    sent_at: firstPulledAt,
    tweets,
    deletes,
  };
}
