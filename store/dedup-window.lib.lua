--[[
  A Lua library for the scripts that keep a run's exactly-once state in a window (loaded in front of
  them by store/scripts.ts; docs/decisions/0033). What proves a tweet or a batch was seen is kept in
  buckets: a bucket is the key `<prefix><name>`, listed in an index (a sorted set scored by the newest
  time written to it, on its kind's clock). Once the newest time seen is `window` past a bucket's, the
  bucket is deleted whole: the state of a run is bounded by its window, not by its length. Something
  dated that old and not found was seen too long ago to be told apart from new: it is late.
]]

-- Moves the window to the newest of `scores` (times on the bucket kind's clock) and deletes the
-- buckets it left behind: those whose newest write is older than the window. Returns the oldest time
-- still in the window.
local function advance_window(index, prefix, scores, window)
  local newest = redis.call("ZREVRANGE", index, 0, 0, "WITHSCORES")[2]
  newest = newest and tonumber(newest) or nil
  for _, score in ipairs(scores) do
    if not newest or score > newest then newest = score end
  end
  if not newest then return 0 end
  local oldest = newest - window
  local gone = redis.call("ZRANGEBYSCORE", index, "-inf", "(" .. oldest)
  for _, bucket in ipairs(gone) do
    redis.call("DEL", prefix .. bucket)
  end
  if #gone > 0 then redis.call("ZREMRANGEBYSCORE", index, "-inf", "(" .. oldest) end
  return oldest
end

-- Notes a bucket just written to at `score` (a time): its index entry keeps the newest time written.
-- The bucket outlives its last write, and the index its bucket's, by `ttl` seconds: an ended run's
-- last window does not stay for good.
local function note_bucket(index, prefix, bucket, score, ttl)
  local known = redis.call("ZSCORE", index, bucket)
  if not known or score > tonumber(known) then redis.call("ZADD", index, score, bucket) end
  redis.call("EXPIRE", prefix .. bucket, ttl)
  redis.call("EXPIRE", index, ttl)
end
