/**
 * Twitter's snowflake ids: (ms since the Twitter epoch) << 22 | worker << 12 | sequence. Ids sort
 * by creation time, which is why generated ids follow the same layout.
 */
export const TWITTER_EPOCH_MS = 1288834974657;

const WORKER_BITS = 10;
const SEQUENCE_BITS = 12;
const MAX_WORKER = (1 << WORKER_BITS) - 1;
const MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;
/** The last id before Twitter switched to snowflakes (November 2010). */
const LAST_SEQUENTIAL_ID = 29_700_859_247n;

/** Creation time (ms since the Unix epoch) of a snowflake id; undefined for older ids or non-ids. */
export function snowflakeTime(id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const value = BigInt(id);
  if (value <= LAST_SEQUENTIAL_ID) return undefined;
  return Number(value >> BigInt(WORKER_BITS + SEQUENCE_BITS)) + TWITTER_EPOCH_MS;
}

export interface SnowflakeId {
  id: string;
  /** The ms encoded in the id, ms since the Unix epoch. */
  ms: number;
}

/**
 * Hands out snowflake ids that strictly increase and never repeat, even at thousands per ms or
 * when the clock steps back (the last ms is then reused, and the next one borrowed when a ms runs
 * out of sequence numbers).
 */
export class SnowflakeIds {
  private lastMs = -1;
  private sequence = 0;
  private msBits = 0n;
  private readonly workerBits: number;

  constructor(
    worker: number,
    private readonly now: () => number = Date.now,
  ) {
    this.workerBits = (worker & MAX_WORKER) << SEQUENCE_BITS;
  }

  next(): SnowflakeId {
    let ms = Math.max(Math.floor(this.now()), TWITTER_EPOCH_MS);
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.sequence += 1;
      if (this.sequence > MAX_SEQUENCE) {
        ms += 1;
        this.sequence = 0;
      }
    } else {
      this.sequence = 0;
    }
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.msBits = BigInt(ms - TWITTER_EPOCH_MS) << BigInt(WORKER_BITS + SEQUENCE_BITS);
    }
    return { id: (this.msBits | BigInt(this.workerBits | this.sequence)).toString(), ms };
  }
}

/** The snowflake id of (ms, worker, sequence), for ids that no clock hands out. */
export function snowflakeAt(ms: number, worker: number, sequence: number): string {
  const msBits = BigInt(Math.max(0, Math.floor(ms) - TWITTER_EPOCH_MS)) << BigInt(WORKER_BITS + SEQUENCE_BITS);
  return (msBits | BigInt(((worker & MAX_WORKER) << SEQUENCE_BITS) | (sequence & MAX_SEQUENCE))).toString();
}
