--[[
  Admits a batch's matched tweets to their run: each tweet once per run, and no more than the run's
  max_tweets; the tweet that reaches max_tweets ends the run. What a batch admitted is recorded, so
  a redelivered batch is admitted the same way again and the filter republishes the same message.
  Both proofs are kept for the run's de-duplication window only (dedup-window.lib.lua): tweets in
  buckets of their snowflake time, batch records in buckets of their source range, aged by the second
  the batch was sent.

  KEYS[1] the run's hash (`admitted`: tweets admitted in buckets; `late_tweets`)
  KEYS[2] set of tweet ids admitted for good: ids that are no snowflakes, and every id 0.2 workers admitted
  KEYS[3] hash of batch id -> JSON list of admitted indexes, as 0.2 workers recorded them (read only)
  KEYS[4] hash of the summed figures of every ended run, which a run ended here joins (see ended-runs.lib.lua)
  KEYS[5] sorted set: the index of the tweet buckets
  KEYS[6] the prefix of the tweet buckets (sets of tweet ids), not a key: the bucket's number follows
  KEYS[7] sorted set: the index of the batch-record buckets
  KEYS[8] the prefix of the batch-record buckets (hashes of batch -> bitmap of admitted indexes)

  ARGV[1] the batch's field in its bucket (its id without the run's)
  ARGV[2] now, ms since the epoch
  ARGV[3] JSON list of the batch's matched tweets' ids, in batch order: an edit's is its original's
  ARGV[4] JSON list of each id's bucket (its snowflake time in quarter seconds); -1: not a snowflake
  ARGV[5] the batch's bucket: of its source range (a batch cut again after a takeover keeps its id and range, not its send time)
  ARGV[6] the window in tweet buckets
  ARGV[7] the window in seconds
  ARGV[8] seconds the state outlives its last write
  ARGV[9] the batch id, as 0.2 workers recorded it
  ARGV[10] the second the batch was sent: the batch-record buckets' clock

  Returns RUN_MISSING when the run does not exist; LATE when the batch was sent more than the window
  before the run's newest batch; else a list: the tweets found too old to tell (not admitted), then the admitted
  indexes (0-based) into ARGV[3]
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return RUN_MISSING
end
local legacy = redis.call("HGET", KEYS[3], ARGV[9])
if legacy then
  local reply = { 0 }
  for _, index in ipairs(cjson.decode(legacy)) do reply[#reply + 1] = index end
  return reply
end

local batch_bucket = ARGV[5]
local batch_second = tonumber(ARGV[10])
local batch_key = KEYS[8] .. batch_bucket
local oldest_batch = advance_window(KEYS[7], KEYS[8], { batch_second }, tonumber(ARGV[7]))
-- Older than the window, a batch is refused whether or not its record is still kept: one rule, whatever
-- its bucket's other batches did.
if batch_second < oldest_batch then
  return LATE
end
local recorded = redis.call("HGET", batch_key, ARGV[1])
if recorded then
  local reply = { 0 }
  for position = 1, #recorded do
    local byte = string.byte(recorded, position)
    for bit = 0, 7 do
      if byte % 2 == 1 then reply[#reply + 1] = (position - 1) * 8 + bit end
      byte = math.floor(byte / 2)
    end
  end
  return reply
end

local ids = cjson.decode(ARGV[3])
local buckets = cjson.decode(ARGV[4])
local snowflake_buckets = {}
for _, bucket in ipairs(buckets) do
  if bucket >= 0 then snowflake_buckets[#snowflake_buckets + 1] = bucket end
end
local oldest_tweet = advance_window(KEYS[5], KEYS[6], snowflake_buckets, tonumber(ARGV[6]))
local legacy_tweets = redis.call("EXISTS", KEYS[2]) == 1

local limit = tonumber(redis.call("HGET", KEYS[1], "max_tweets") or "")
local count = tonumber(redis.call("HGET", KEYS[1], "admitted") or "0") + redis.call("SCARD", KEYS[2])
local admitted, late, bucketed, written = {}, 0, 0, {}
for index, tweet_id in ipairs(ids) do
  if limit ~= nil and count >= limit then
    break
  end
  local bucket = buckets[index]
  if bucket < 0 then
    if redis.call("SADD", KEYS[2], tweet_id) == 1 then
      admitted[#admitted + 1] = index - 1
      count = count + 1
    end
  elseif bucket < oldest_tweet then
    late = late + 1
  elseif not (legacy_tweets and redis.call("SISMEMBER", KEYS[2], tweet_id) == 1) then
    if redis.call("SADD", KEYS[6] .. bucket, tweet_id) == 1 then
      admitted[#admitted + 1] = index - 1
      count = count + 1
      bucketed = bucketed + 1
      written[bucket] = true
    end
  end
end
for bucket in pairs(written) do
  note_bucket(KEYS[5], KEYS[6], bucket, bucket, ARGV[8])
end
if redis.call("EXISTS", KEYS[2]) == 1 then redis.call("EXPIRE", KEYS[2], ARGV[8]) end
if bucketed > 0 then redis.call("HINCRBY", KEYS[1], "admitted", bucketed) end
if late > 0 then redis.call("HINCRBY", KEYS[1], "late_tweets", late) end
if limit ~= nil and count >= limit and redis.call("HEXISTS", KEYS[1], "ended_at") == 0 then
  redis.call("HSET", KEYS[1], "ended_at", ARGV[2], "end_reason", "max_tweets")
  join_ended_runs(KEYS[4], KEYS[1], ARGV[2])
end

-- The record is a bitmap of the admitted indexes: an eighth of a byte per matched tweet.
local bytes = {}
for position = 1, math.ceil(#ids / 8) do bytes[position] = 0 end
for _, index in ipairs(admitted) do
  local position = math.floor(index / 8) + 1
  bytes[position] = bytes[position] + 2 ^ (index % 8)
end
redis.call("HSET", batch_key, ARGV[1], string.char(unpack(bytes)))
note_bucket(KEYS[7], KEYS[8], batch_bucket, batch_second, ARGV[8])

local reply = { late }
for _, index in ipairs(admitted) do reply[#reply + 1] = index end
return reply
