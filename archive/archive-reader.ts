import type { Pool } from "pg";
import {
  type ArchivedTweet,
  type ExportPage,
  type ExportParams,
  type SearchPage,
  type SearchParams,
  searchCursor,
} from "../contracts/archive";
import type { TimelineEntry } from "../store/timeline-store";
import { Tweet } from "../contracts/tweet";
import type { SearchQuery } from "../matching/search/query";
import { dayOf, nextDay, partitionDays } from "./partitions";

/** A row as the reads select it. */
interface ArchivedRow {
  run_id: string;
  id: string;
  created_at: Date;
  phrases: string[];
  rules: string[];
  author_id: string;
  author_username: string;
  lang: string | null;
  text: string | null;
  hashtags: string[];
  mentions: string[];
  domains: string[];
  deleted_at: Date | null;
  /** What archive-store.ts wrote: a Tweet of contracts/tweet.ts, null once deleted. */
  original: Tweet | null;
}

const COLUMNS = `run_id, tweet_id::text AS id, created_at, phrases, rules, author_id, author_username, lang, text,
  hashtags, mentions, domains, deleted_at, original`;

function archivedTweet(row: ArchivedRow): ArchivedTweet {
  return {
    run_id: row.run_id,
    id: row.id,
    created_at: row.created_at.toISOString(),
    phrases: row.phrases,
    rules: row.rules,
    author: { id: row.author_id, username: row.author_username },
    lang: row.lang,
    text: row.text,
    hashtags: row.hashtags,
    mentions: row.mentions,
    domains: row.domains,
    deleted_at: row.deleted_at?.toISOString() ?? null,
    tweet: row.original,
  };
}

/** A WHERE clause built term by term, every value a bind parameter. */
class Conditions {
  readonly values: unknown[] = [];
  private readonly clauses: string[] = [];

  /** The placeholder of a new bind parameter. */
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  get sql(): string {
    return this.clauses.join(" AND ");
  }
}

/**
 * A query's terms as one tsquery: each term the phrase of its words (`<->`), all joined by `&&`, the
 * excluded ones negated. The words go in as parameters; only operators are written into the SQL.
 */
function searchClause(where: Conditions, query: SearchQuery): string {
  const parts = query.terms.map((term) => {
    const phrase = `phraseto_tsquery('simple', ${where.bind(term.words.join(" "))})`;
    return term.exclude ? `!! ${phrase}` : phrase;
  });
  return `search @@ (${parts.join(" && ")})`;
}

/**
 * The archive's reads: search newest first with keyset pages, a run's export in id order, and the
 * bodies timelines no longer find in Redis. Each is an indexed query, a search's words one per day
 * (docs/archive.md shows the plans).
 */
export class ArchiveReader {
  constructor(private readonly pool: Pool) {}

  /** A page of the tweets a search finds, newest first; `query` is `params.q` as read. */
  async search(params: SearchParams, query: SearchQuery | null): Promise<SearchPage> {
    const rows = query ? await this.searchDayByDay(params, query) : await this.searchRows(params, null, null);
    const page = rows.slice(0, params.limit);
    const last = page.at(-1);
    return {
      q: query?.text ?? null,
      tweets: page.map(archivedTweet),
      next_cursor:
        rows.length > params.limit && last
          ? searchCursor({ createdAt: last.created_at.getTime(), tweetId: last.id, runId: last.run_id })
          : null,
    };
  }

  /**
   * A search's words one day's partition at a time, newest first, until the page is full: each day is
   * planned with its own partition's statistics. Planned over every day at once, a word that only older
   * days hold walks the newest-first index through all the newer days' rows (docs/archive.md).
   */
  private async searchDayByDay(params: SearchParams, query: SearchQuery): Promise<ArchivedRow[]> {
    const rows: ArchivedRow[] = [];
    for (const day of await this.daysToSearch(params)) {
      rows.push(...(await this.searchRows(params, query, day, params.limit + 1 - rows.length)));
      if (rows.length > params.limit) break;
    }
    return rows;
  }

  /** The days with a partition that `from`, `to` and the cursor leave to search, newest first. */
  private async daysToSearch(params: SearchParams): Promise<string[]> {
    const dayAt = (ms: number): string => dayOf(Math.floor(ms / 1000));
    const first = params.from === undefined ? null : dayAt(params.from);
    const ends = [params.to === undefined ? undefined : params.to - 1, params.cursor?.createdAt];
    const latest = ends.filter((ms): ms is number => ms !== undefined);
    const last = latest.length === 0 ? null : dayAt(Math.min(...latest));
    const days = await partitionDays(this.pool);
    return days.filter((day) => (first === null || day >= first) && (last === null || day <= last)).reverse();
  }

  /** The rows of one statement, newest first: at most `limit` + 1 (of `day` alone when given). */
  private async searchRows(
    params: SearchParams,
    query: SearchQuery | null,
    day: string | null,
    limit = params.limit + 1,
  ): Promise<ArchivedRow[]> {
    const where = new Conditions();
    where.add("deleted_at IS NULL");
    if (query) where.add(searchClause(where, query));
    if (params.run_id !== undefined) where.add(`run_id = ${where.bind(params.run_id)}`);
    if (params.phrase !== undefined) where.add(`${where.bind(params.phrase)} = ANY(phrases)`);
    if (params.lang !== undefined) where.add(`lang = ${where.bind(params.lang)}`);
    if (params.author?.startsWith("@")) where.add(`lower(author_username) = ${where.bind(params.author.slice(1))}`);
    else if (params.author !== undefined) where.add(`author_id = ${where.bind(params.author)}`);
    if (params.from !== undefined) where.add(`created_at >= ${where.bind(new Date(params.from))}`);
    if (params.to !== undefined) where.add(`created_at < ${where.bind(new Date(params.to))}`);
    if (day !== null) {
      where.add(`created_at >= ${where.bind(`${day}T00:00:00Z`)}`);
      where.add(`created_at < ${where.bind(`${nextDay(day)}T00:00:00Z`)}`);
    }
    const place = params.cursor;
    const at = place && where.bind(new Date(place.createdAt));
    // Within one run a tweet's place is (created_at, tweet_id): the run's own index serves it.
    if (place && params.run_id !== undefined)
      where.add(`(created_at, tweet_id) < (${at}, ${where.bind(place.tweetId)})`);
    else if (place)
      where.add(`(created_at, tweet_id, run_id) < (${at}, ${where.bind(place.tweetId)}, ${where.bind(place.runId)})`);
    const { rows } = await this.pool.query<ArchivedRow>(
      `SELECT ${COLUMNS} FROM archived_tweets WHERE ${where.sql}
        ORDER BY created_at DESC, tweet_id DESC, run_id DESC LIMIT ${where.bind(limit)}`,
      where.values,
    );
    return rows;
  }

  /** A page of a run's archived tweets, tombstones included, in tweet id order after `after`. */
  async exportPage(params: ExportParams): Promise<ExportPage> {
    const { rows } = await this.pool.query<ArchivedRow>(
      `SELECT ${COLUMNS} FROM archived_tweets WHERE run_id = $1 AND tweet_id > $2 ORDER BY tweet_id LIMIT $3`,
      [params.run_id, params.after ?? "0", params.limit],
    );
    return {
      run_id: params.run_id,
      tweets: rows.map(archivedTweet),
      next_after: rows.length === params.limit ? (rows.at(-1)?.id ?? null) : null,
    };
  }

  /**
   * The archived bodies of these tweets, not deleted, as timelines show them (a tweet archived in
   * several runs: its newest row).
   */
  async timelineEntries(tweetIds: readonly string[]): Promise<Map<string, TimelineEntry>> {
    if (tweetIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; original: unknown; phrases: string[] }>(
      `SELECT DISTINCT ON (tweet_id) tweet_id::text AS id, original, phrases FROM archived_tweets
        WHERE tweet_id = ANY($1::bigint[]) AND deleted_at IS NULL ORDER BY tweet_id, archived_at DESC`,
      [tweetIds],
    );
    const entries = new Map<string, TimelineEntry>();
    for (const row of rows) {
      const tweet = Tweet.safeParse(row.original);
      if (tweet.success) entries.set(row.id, { tweet: tweet.data, phrases: row.phrases });
    }
    return entries;
  }
}
