import type { Pool, PoolClient } from "pg";
import type { Match, MatchBatch } from "../contracts/messages";
import { eventSecond } from "../contracts/series";
import { originalIdOf } from "../contracts/tweet";
import { topValuesOf } from "../store/top-values";
import { inTransaction } from "./database";
import { dayOf, Partitions } from "./partitions";
import { searchWords } from "../matching/search/words";

/**
 * One archived tweet as the insert takes it (the columns of archive/migrations). The text goes once, in
 * `original`: a profile showed the worker's time mostly in sending the insert's bytes to PostgreSQL.
 */
interface ArchiveRow {
  run_id: string;
  tweet_id: string;
  created_at: string;
  phrases: string[];
  rules: string[];
  author_id: string;
  author_username: string;
  lang: string | null;
  hashtags: string[];
  mentions: string[];
  domains: string[];
  original: Match["tweet"];
  /** The text's words as search reads them (matching/search/words.ts), space-separated. */
  words: string;
}

/** The last second a timestamp column takes as a day of ours (9999-12-31T23:59:59Z). */
const LAST_SECOND = 253_402_300_799;

/** A tweet's second of `created_at` as the partitions take it: the batch's when it has none of ours. */
function createdSecond(createdAt: string, fallbackSecond: number): number {
  const second = eventSecond(createdAt, fallbackSecond);
  return second >= 0 && second <= LAST_SECOND ? second : fallbackSecond;
}

/** A match as its row: the post's id (an edit's original's), its time as a second the partitions know. */
function rowOf(runId: string, match: Match, second: number): ArchiveRow {
  const { tweet } = match;
  const values = topValuesOf(match);
  return {
    run_id: runId,
    tweet_id: originalIdOf(tweet),
    created_at: new Date(second * 1000).toISOString(),
    phrases: match.phrases,
    rules: match.rules ?? [],
    author_id: tweet.author.id,
    author_username: tweet.author.username,
    lang: tweet.lang,
    hashtags: values.hashtags,
    mentions: values.mentions,
    domains: values.domains,
    original: tweet,
    words: searchWords(tweet.text).join(" "),
  };
}

/**
 * A batch's rows in one statement. A tweet whose delete notice is already recorded is inserted as its
 * tombstone: the row keeps that the tweet existed, without its content, as TOMBSTONE leaves one.
 */
const INSERT_ROWS = `
  INSERT INTO archived_tweets (run_id, tweet_id, created_at, phrases, rules, author_id, author_username,
                               lang, text, hashtags, mentions, domains, original, search, deleted_at)
  SELECT row.run_id, row.tweet_id, row.created_at, row.phrases, row.rules, row.author_id, row.author_username,
         row.lang,
         CASE WHEN deleted.tweet_id IS NULL THEN row.original->>'text' END,
         CASE WHEN deleted.tweet_id IS NULL THEN row.hashtags ELSE '{}' END,
         CASE WHEN deleted.tweet_id IS NULL THEN row.mentions ELSE '{}' END,
         CASE WHEN deleted.tweet_id IS NULL THEN row.domains ELSE '{}' END,
         CASE WHEN deleted.tweet_id IS NULL THEN row.original END,
         CASE WHEN deleted.tweet_id IS NULL THEN to_tsvector('simple', row.words) END,
         deleted.deleted_at
  FROM jsonb_to_recordset($1::jsonb) AS row(run_id text, tweet_id bigint, created_at timestamptz,
       phrases text[], rules text[], author_id text, author_username text, lang text,
       hashtags text[], mentions text[], domains text[], original jsonb, words text)
  LEFT JOIN deleted_tweets AS deleted ON deleted.tweet_id = row.tweet_id
  ON CONFLICT DO NOTHING`;

/** Retention forgets the notices recorded before its first kept day in slices, each a short transaction. */
const FORGET_DELETES_SLICE = 10_000;
const FORGET_DELETES = `
  DELETE FROM deleted_tweets WHERE tweet_id IN (
    SELECT tweet_id FROM deleted_tweets WHERE deleted_at < $1::date LIMIT ${FORGET_DELETES_SLICE})`;

const RECORD_DELETES = `
  INSERT INTO deleted_tweets (tweet_id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING`;

/** Empties the archived rows of recorded deletes that `which` picks, in every run; each row keeps that the tweet existed. */
const emptyDeletedRows = (which: string): string => `
  UPDATE archived_tweets AS archived
     SET text = NULL, original = NULL, search = NULL, hashtags = '{}', mentions = '{}', domains = '{}',
         deleted_at = deleted.deleted_at
    FROM deleted_tweets AS deleted
   WHERE archived.tweet_id = deleted.tweet_id AND archived.deleted_at IS NULL AND ${which}`;

/** The rows of a batch's own deletes, already archived. */
const TOMBSTONE = emptyDeletedRows("deleted.tweet_id = ANY($1::bigint[])");
/** The rows of every delete recorded in the last $1 seconds. */
const SWEEP_DELETES = emptyDeletedRows("deleted.deleted_at > now() - make_interval(secs => $1)");

/** A newer version of a post takes its row's place, never an older one (snowflake ids grow with time). */
const SHOW_EDIT = `
  UPDATE archived_tweets
     SET text = $3, original = $4::jsonb, phrases = $5::text[], rules = $6::text[], search = to_tsvector('simple', $8)
   WHERE run_id = $1 AND tweet_id = $2 AND deleted_at IS NULL AND (original->>'id')::numeric < $7::numeric`;

async function insertRows(database: Pool | PoolClient, rows: readonly ArchiveRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return (await database.query(INSERT_ROWS, [JSON.stringify(rows)])).rowCount ?? 0;
}

type ArchivedBatch = Pick<MatchBatch, "run_id" | "sent_at" | "matches" | "edits" | "deletes">;

/** PostgreSQL's answer to a row of a range no partition holds (23514, check_violation). */
function isMissingPartition(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "23514" && /no partition/.test(error.message);
}

/**
 * The tweet archive in PostgreSQL: every matched tweet of a batch written in one transaction, once
 * per run and post however often the batch is delivered (its key is the run and the post's id), its
 * delete notices applied and its edits shown. A batch is acked only after `archive` resolved, so a
 * failure leaves it to be delivered again.
 */
export class ArchiveStore {
  private readonly partitions: Partitions;

  constructor(private readonly pool: Pool) {
    this.partitions = new Partitions(pool);
  }

  /**
   * Writes a batch; answers how many rows it added (0 for a batch delivered again). A row of a day
   * whose partition another worker's retention dropped is written again once that day is created anew.
   */
  archive(batch: ArchivedBatch): Promise<number> {
    return this.archiveAll([batch]);
  }

  /**
   * Writes batches together, as one statement (or one transaction when they carry deletes or edits),
   * all or none: several batches in hand cost one commit. Answers the rows added.
   */
  async archiveAll(batches: readonly ArchivedBatch[]): Promise<number> {
    try {
      return await this.write(batches);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      this.partitions.forget();
      return this.write(batches);
    }
  }

  /**
   * Tombstones the rows of tweets deleted in the last `seconds`: a batch committed while a delete
   * notice of one of its tweets was being recorded by another worker saw neither the other's rows nor
   * its notice. Run every minute by the archive's upkeep; answers the rows it emptied.
   */
  async tombstoneRecentDeletes(seconds: number): Promise<number> {
    const { rowCount } = await this.pool.query(SWEEP_DELETES, [seconds]);
    return rowCount ?? 0;
  }

  private async write(batches: readonly ArchivedBatch[]): Promise<number> {
    const seconds: number[] = [];
    const rows: ArchiveRow[] = [];
    const edits: { runId: string; edit: Match }[] = [];
    for (const batch of batches) {
      const fallback = Math.floor(batch.sent_at / 1000);
      for (const match of batch.matches) {
        const second = createdSecond(match.tweet.created_at, fallback);
        seconds.push(second);
        rows.push(rowOf(batch.run_id, match, second));
      }
      for (const edit of batch.edits ?? []) edits.push({ runId: batch.run_id, edit });
    }
    const deleted = batches.flatMap((batch) => batch.deletes.map((notice) => notice.tweet_id));
    if (rows.length === 0 && deleted.length === 0 && edits.length === 0) return 0;
    await this.partitions.ensure(seconds.map(dayOf));
    // Most batches only add rows: one statement, atomic by itself, is one round trip where a transaction is four.
    if (deleted.length === 0 && edits.length === 0) return insertRows(this.pool, rows);
    return inTransaction(this.pool, async (client) => {
      // Deletes first: the insert that follows makes these batches' deleted tweets tombstones at once.
      if (deleted.length > 0) await client.query(RECORD_DELETES, [deleted]);
      const inserted = await insertRows(client, rows);
      for (const { runId, edit } of edits) await this.showEdit(client, runId, edit);
      if (deleted.length > 0) await client.query(TOMBSTONE, [deleted]);
      return inserted;
    });
  }

  /** Drops the partitions of the days before `keepFrom` (`YYYY-MM-DD`); answers the days dropped. */
  dropDaysBefore(keepFrom: string): Promise<string[]> {
    return this.partitions.dropBefore(keepFrom);
  }

  /**
   * Forgets the delete notices recorded before `keepFrom` (`YYYY-MM-DD`); answers how many. A notice comes
   * after its tweet was posted, so its tweet's day is before `keepFrom` too: retention dropped that row.
   */
  async forgetDeletesBefore(keepFrom: string): Promise<number> {
    let forgotten = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(FORGET_DELETES, [keepFrom]);
      forgotten += rowCount ?? 0;
      if ((rowCount ?? 0) < FORGET_DELETES_SLICE) return forgotten;
    }
  }

  private async showEdit(client: PoolClient, runId: string, edit: Match): Promise<void> {
    const { tweet } = edit;
    await client.query(SHOW_EDIT, [
      runId,
      originalIdOf(tweet),
      tweet.text,
      JSON.stringify(tweet),
      edit.phrases,
      edit.rules ?? [],
      tweet.id,
      searchWords(tweet.text).join(" "),
    ]);
  }
}
