-- Up Migration

-- Every matched tweet of every run, once per run and post (an edit is archived as its original's id),
-- partitioned by the day of `created_at` so that retention drops whole days (archive/partitions.ts
-- creates each day's partition as its first tweet arrives). The primary key must hold the partition
-- key; a post's `created_at` never changes, so it is unique per run and post all the same. A deleted
-- tweet's row keeps its ids, run and time, and loses its content.
CREATE TABLE archived_tweets (
  run_id text NOT NULL,
  tweet_id bigint NOT NULL,
  created_at timestamptz NOT NULL,
  phrases text[] NOT NULL DEFAULT '{}',
  rules text[] NOT NULL DEFAULT '{}',
  author_id text NOT NULL,
  author_username text NOT NULL,
  lang text,
  text text,
  hashtags text[] NOT NULL DEFAULT '{}',
  mentions text[] NOT NULL DEFAULT '{}',
  domains text[] NOT NULL DEFAULT '{}',
  -- The tweet as the pipeline carried it (contracts/tweet.ts), the version shown.
  original jsonb,
  deleted_at timestamptz,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, tweet_id, created_at)
) PARTITION BY RANGE (created_at);

-- A delete notice finds every run's row of the tweet.
CREATE INDEX archived_tweets_by_tweet ON archived_tweets (tweet_id);

-- Delete notices, kept whether or not their tweet is archived yet: one archived after its notice
-- is stored as a tombstone at once.
CREATE TABLE deleted_tweets (
  tweet_id bigint PRIMARY KEY,
  deleted_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE deleted_tweets;
DROP TABLE archived_tweets;
