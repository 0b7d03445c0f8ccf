--[[
  A Lua library for the scripts that keep a run's exactly-once state in a window (loaded in front of
  them by store/scripts.ts; docs/decisions/0033). What proves a tweet or a batch was seen is kept in
  buckets of its own clock: a bucket is the key `<prefix><number>`, listed in an index (a sorted set
  of bucket numbers). Once the newest bucket seen is `window` buckets past an older one, the older one
  is deleted whole: the state of a run is bounded by its window, not by its length. Something whose
  bucket is that old and not found was seen too long ago to be told apart from new: it is late.
]]

-- Moves the window to the newest of `buckets` (numbers) and deletes the buckets it left behind.
-- Returns the oldest bucket number still in the window.
local function advance_window(index, prefix, buckets, window)
  local newest = redis.call("ZREVRANGE", index, 0, 0, "WITHSCORES")[2]
  newest = newest and tonumber(newest) or nil
  for _, bucket in ipairs(buckets) do
    if not newest or bucket > newest then newest = bucket end
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

-- Notes a bucket just written to. It outlives its last write, and the index its bucket's, by `ttl`
-- seconds: an ended run's last window does not stay for good.
local function note_bucket(index, prefix, bucket, ttl)
  redis.call("ZADD", index, bucket, bucket)
  redis.call("EXPIRE", prefix .. bucket, ttl)
  redis.call("EXPIRE", index, ttl)
end
