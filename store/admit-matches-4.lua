--[[
  Admits a batch's matched tweets to their run: each tweet once per run, and no more than the run's
  max_tweets; the tweet that reaches max_tweets ends the run. What a batch admitted is recorded, so
  a redelivered batch is admitted the same way again and the filter republishes the same message.

  KEYS[1] the run's hash
  KEYS[2] set of tweet ids admitted to the run
  KEYS[3] hash of batch id -> JSON list of the batch's admitted match indexes
  KEYS[4] hash of the summed figures of every ended run, which a run ended here joins (see ended-runs.lib.lua)

  ARGV[1] batch id
  ARGV[2] now, ms since the epoch
  ARGV[3] JSON list of the batch's matched tweets' ids, in batch order: an edit's is its original's
  ARGV[4] seconds the de-duplication state outlives the run's last batch

  Returns the JSON list of admitted indexes (0-based) into ARGV[3]; RUN_MISSING when the run does not exist
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return RUN_MISSING
end
local recorded = redis.call("HGET", KEYS[3], ARGV[1])
if recorded then
  return recorded
end

local limit = tonumber(redis.call("HGET", KEYS[1], "max_tweets") or "")
local admitted = {}
for index, tweet_id in ipairs(cjson.decode(ARGV[3])) do
  if limit ~= nil and redis.call("SCARD", KEYS[2]) >= limit then
    break
  end
  if redis.call("SADD", KEYS[2], tweet_id) == 1 then
    admitted[#admitted + 1] = index - 1
  end
end
if limit ~= nil and redis.call("SCARD", KEYS[2]) >= limit and redis.call("HEXISTS", KEYS[1], "ended_at") == 0 then
  redis.call("HSET", KEYS[1], "ended_at", ARGV[2], "end_reason", "max_tweets")
  join_ended_runs(KEYS[4], KEYS[1], ARGV[2])
end

-- cjson encodes an empty table as an object: write the empty list by hand.
local encoded = #admitted == 0 and "[]" or cjson.encode(admitted)
redis.call("HSET", KEYS[3], ARGV[1], encoded)
redis.call("EXPIRE", KEYS[2], ARGV[4])
redis.call("EXPIRE", KEYS[3], ARGV[4])
return encoded
