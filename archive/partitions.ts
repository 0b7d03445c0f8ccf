import type { Pool } from "pg";
import { inTransaction } from "./database";

/**
 * The archive's partitions, one per UTC day of `created_at`, named `archived_tweets_pYYYYMMDD`:
 * created as the day's first tweet arrives, dropped whole by retention.
 */

const PARTITION_NAME = /^archived_tweets_p(\d{4})(\d{2})(\d{2})$/;
/** Held while a partition is created: two workers creating the same day's would otherwise race. */
const PARTITION_LOCK = 0x7a7c_0001;

/** A second's UTC day, `YYYY-MM-DD`. */
export function dayOf(second: number): string {
  return new Date(second * 1000).toISOString().slice(0, 10);
}

const partitionOf = (day: string): string => `archived_tweets_p${day.replaceAll("-", "")}`;

/** The day after `day`, both `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The days that have a partition, oldest first. */
export async function partitionDays(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits
       JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
     WHERE parent.relname = 'archived_tweets'`,
  );
  return rows
    .flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      return match ? [`${match[1]}-${match[2]}-${match[3]}`] : [];
    })
    .sort();
}

/** The days whose partitions this worker knows exist: each is created once per worker at most. */
export class Partitions {
  private readonly known = new Set<string>();

  constructor(private readonly pool: Pool) {}

  /** Forgets what this worker knew: another worker's retention may have dropped a day it had created. */
  forget(): void {
    this.known.clear();
  }

  async ensure(days: Iterable<string>): Promise<void> {
    for (const day of new Set(days)) {
      if (this.known.has(day)) continue;
      await this.create(day);
      this.known.add(day);
    }
  }

  /**
   * Drops the partitions of the days before `keepFrom` (`YYYY-MM-DD`): whole days, every run's, in
   * one statement each. Answers the days dropped.
   */
  async dropBefore(keepFrom: string): Promise<string[]> {
    const dropped = (await partitionDays(this.pool)).filter((day) => day < keepFrom);
    for (const day of dropped) {
      await this.pool.query(`DROP TABLE IF EXISTS ${partitionOf(day)}`);
      this.known.delete(day);
    }
    return dropped;
  }

  private async create(day: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [PARTITION_LOCK]);
      // Names and bounds come from a validated day, never from input: no injection through them.
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${partitionOf(day)} PARTITION OF archived_tweets
           FOR VALUES FROM ('${day}') TO ('${nextDay(day)}')`,
      );
    });
  }
}
