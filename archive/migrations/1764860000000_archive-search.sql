-- Up Migration

-- The words a tweet is searched by (matching/search/words.ts splits them; PostgreSQL's `simple`
-- configuration keeps each as written, in any language). Empty for a tombstone.
ALTER TABLE archived_tweets ADD COLUMN search tsvector;

-- The indexes of the archive's reads; docs/archive.md shows the plan of each.
-- `q`: the words' inverted index.
CREATE INDEX archived_tweets_search ON archived_tweets USING gin (search);
-- Newest first across runs: search pages, and the time window of `from`/`to`.
CREATE INDEX archived_tweets_newest ON archived_tweets (created_at DESC, tweet_id DESC, run_id DESC);
-- Newest first within a run (`run_id=`); the primary key serves the export, in tweet id order.
CREATE INDEX archived_tweets_run_newest ON archived_tweets (run_id, created_at DESC, tweet_id DESC);
-- `author=`: by screen name (case-insensitive) or by user id.
CREATE INDEX archived_tweets_author_name ON archived_tweets (lower(author_username), created_at DESC);
CREATE INDEX archived_tweets_author_id ON archived_tweets (author_id, created_at DESC);

-- The upkeep's sweep of recent delete notices (archive-store.ts tombstoneRecentDeletes).
CREATE INDEX deleted_tweets_recent ON deleted_tweets (deleted_at);

-- Down Migration
DROP INDEX deleted_tweets_recent;
DROP INDEX archived_tweets_author_id;
DROP INDEX archived_tweets_author_name;
DROP INDEX archived_tweets_run_newest;
DROP INDEX archived_tweets_newest;
DROP INDEX archived_tweets_search;
ALTER TABLE archived_tweets DROP COLUMN search;
