import type { TweetBatch } from "../contracts/messages";
import type { Run } from "../contracts/run";
import type { DeleteNotice, SourceItem, Tweet } from "../contracts/tweet";
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
  /** Records that every source item before `position`, `published` tweets among them, is confirmed: a taken-over run resumes there. */
  recordProgress(progress: Pick<Run, "position" | "published">): Promise<void>;
}

export type StreamEnd = "exhausted" | "aborted";

/**
 * Streams a run's source into the pipeline, from where an earlier holder of the run left off.
 * Batches are sent one at a time and the next items are pulled only once the previous full batch is
 * confirmed: a slow pipeline slows the source down (the pull is the backpressure).
 */
export async function streamRun(run: Run, source: TweetSource, sinks: StreamSinks, options: StreamOptions): Promise<StreamEnd> {
  let position = run.position;
  let published = run.published;
  let pending: SourceItem[] = [];
  let sending: Promise<void> = Promise.resolve();
  let lingering: NodeJS.Timeout | null = null;

  const send = (): Promise<void> => {
    if (lingering) clearTimeout(lingering);
    lingering = null;
    if (pending.length === 0) return sending;
    const batch = tweetBatch(run.id, position - pending.length, pending);
    const progress = { position, published: (published += batch.tweets.length) };
    pending = [];
    sending = sending.then(async () => {
      await sinks.publish(batch);
      await sinks.recordProgress(progress);
    });
    return sending;
  };

  try {
    for await (const item of source.items({ signal: options.signal, skip: run.position })) {
      pending.push(item);
      position++;
      if (pending.length >= options.batchSize) await send();
      else if (!lingering) lingering = setTimeout(() => void send().catch(() => undefined), options.lingerMs);
    }
    await send();
    return options.signal.aborted ? "aborted" : "exhausted";
  } finally {
    if (lingering) clearTimeout(lingering);
    await sending.catch(() => undefined);
  }
}

/**
 * A batch's id is its run and the source range it holds, `start-end`: stable across redeliveries,
 * and different for any other content (a worker that takes a run over may cut batches elsewhere).
 */
export function tweetBatch(runId: string, start: number, items: readonly SourceItem[]): TweetBatch {
  const tweets: Tweet[] = [];
  const deletes: DeleteNotice[] = [];
  for (const item of items) {
    if (item.kind === "tweet") tweets.push(item.tweet);
    else deletes.push(item.notice);
  }
  return { v: 1, run_id: runId, batch_id: `${runId}:${start}-${start + items.length}`, sent_at: Date.now(), tweets, deletes };
}
