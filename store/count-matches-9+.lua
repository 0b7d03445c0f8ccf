--[[
  Counts one batch of admitted matches, once however often it is delivered: the batch id guards
  every figure it adds to, the per-bucket series, the top values and the run's peak second included,
  so that a run's buckets always sum to its amount. Which batches were counted is kept for the run's
  de-duplication window only (dedup-window.lib.lua), in buckets of their source range, aged by the
  second a batch was sent.

  KEYS[1] the run's hash
  KEYS[2] set of batch ids 0.2 workers counted (read only)
  KEYS[3] hash of matched tweets per track phrase
  KEYS[4] hash of the run's series on the event clock (fields `<resolution>:<start>[:<phrase>]`, `first`, `last`)
  KEYS[5] hash of the run's series on the ingest clock, the same way
  KEYS[6] hash of the summed figures of every ended run: a batch counted after its run ended joins them
  KEYS[7] hash of matched tweets per rule of the run
  KEYS[8] sorted set: the index of the counted-batch buckets
  KEYS[9] the prefix of the counted-batch buckets (hashes of counted batches), not a key: the bucket's number follows
  KEYS[10..] sorted sets of top values: the run's for each field, and the window bucket of each field
             the batch's ingest second falls in, in ARGV[8]'s order

  ARGV[1] batch id, as 0.2 workers recorded it
  ARGV[2] tweets the filter examined in the batch
  ARGV[3] JSON list of the matched phrases of each admitted match (a list of lists)
  ARGV[4] seconds the counted-batch buckets outlive their last write
  ARGV[5] the batch's ingest second (epoch seconds): every item of a batch was pulled in one second; the
          counted-batch buckets' clock
  ARGV[6] JSON list of each admitted match's event second (epoch seconds), in ARGV[3]'s order
  ARGV[7] JSON list of the resolutions kept, [name, seconds], finest (1 s) first; empty: no series
          and no peak second (STATISTICS_STATE=off, for the bench only)
  ARGV[8] JSON list, one per KEYS[8..]: [capacity, run hash field noting a trim, expiry (epoch seconds, 0: none),
          {value: count}]; a set past its capacity by a tenth loses its least counted values down to it
  ARGV[9] JSON list of the matched rules of each admitted match, in ARGV[3]'s order
  ARGV[10] edited versions among the examined tweets
  ARGV[11] the batch's field in its bucket (its id without the run's)
  ARGV[12] the window in seconds
  ARGV[13] the batch's bucket: of its source range (a batch cut again after a takeover keeps its id and range, not its send time)

  Returns the run's amount after the batch; RUN_MISSING when the run does not exist; LATE when the
  batch was sent more than the window before the run's newest batch
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return RUN_MISSING
end
local second = tonumber(ARGV[5])
local bucket = ARGV[13]
local oldest = advance_window(KEYS[8], KEYS[9], { second }, tonumber(ARGV[12]))
local counted = redis.call("SISMEMBER", KEYS[2], ARGV[1]) == 1
-- Older than the window, a batch is refused whether or not its record is still kept: one rule.
if not counted and second < oldest then
  return LATE
end
counted = counted or redis.call("HEXISTS", KEYS[9] .. bucket, ARGV[11]) == 1
if not counted then
  redis.call("HSET", KEYS[9] .. bucket, ARGV[11], "")
  note_bucket(KEYS[8], KEYS[9], bucket, second, ARGV[4])
  local matches = cjson.decode(ARGV[3])
  local events = cjson.decode(ARGV[6])
  local resolutions = cjson.decode(ARGV[7])
  local rules = cjson.decode(ARGV[9])
  local ingest = tonumber(ARGV[5])
  redis.call("HINCRBY", KEYS[1], "examined", ARGV[2])
  if ARGV[10] ~= "0" then redis.call("HINCRBY", KEYS[1], "edits", ARGV[10]) end
  redis.call("HINCRBY", KEYS[1], "amount", #matches)
  if redis.call("HEXISTS", KEYS[1], "ended_at") == 1 then
    redis.call("HINCRBY", KEYS[6], "amount", #matches)
    redis.call("HINCRBY", KEYS[6], "examined", ARGV[2])
  end

  -- Summed per field first: a batch's matches mostly share their seconds.
  local sums = { {}, {} }
  local function count(sum, second, phrases)
    for _, resolution in ipairs(resolutions) do
      local field = resolution[1] .. ":" .. (second - second % resolution[2])
      sum[field] = (sum[field] or 0) + 1
      for _, phrase in ipairs(phrases) do
        sum[field .. ":" .. phrase] = (sum[field .. ":" .. phrase] or 0) + 1
      end
    end
  end
  local earliest, latest
  for index, phrases in ipairs(matches) do
    for _, phrase in ipairs(phrases) do
      redis.call("HINCRBY", KEYS[3], phrase, 1)
    end
    for _, rule in ipairs(rules[index]) do
      redis.call("HINCRBY", KEYS[7], rule, 1)
    end
    local event = events[index]
    count(sums[1], event, phrases)
    count(sums[2], ingest, phrases)
    if not earliest or event < earliest then earliest = event end
    if not latest or event > latest then latest = event end
  end
  for which, sum in ipairs(sums) do
    for field, amount in pairs(sum) do
      redis.call("HINCRBY", KEYS[3 + which], field, amount)
    end
  end

  for index, top in ipairs(cjson.decode(ARGV[8])) do
    local key = KEYS[9 + index]
    local capacity, trimmedField, expireAt, counts = top[1], top[2], top[3], top[4]
    local added = false
    for value, amount in pairs(counts) do
      redis.call("ZINCRBY", key, amount, value)
      added = true
    end
    if added then
      if expireAt > 0 then redis.call("EXPIREAT", key, expireAt) end
      local size = redis.call("ZCARD", key)
      if size > capacity + math.floor(capacity / 10) then
        redis.call("ZREMRANGEBYRANK", key, 0, size - capacity - 1)
        redis.call("HSET", KEYS[1], trimmedField, ingest)
      end
    end
  end

  local function span(key, first, last)
    local known = tonumber(redis.call("HGET", key, "first"))
    if not known or first < known then redis.call("HSET", key, "first", first) end
    known = tonumber(redis.call("HGET", key, "last"))
    if not known or last > known then redis.call("HSET", key, "last", last) end
  end
  if #matches > 0 and #resolutions > 0 then
    span(KEYS[4], earliest, latest)
    span(KEYS[5], ingest, ingest)
    -- The peak is the fullest 1 s bucket on the ingest clock.
    local second = tonumber(redis.call("HGET", KEYS[5], resolutions[1][1] .. ":" .. ingest))
    if second > tonumber(redis.call("HGET", KEYS[1], "peak_speed") or "0") then
      redis.call("HSET", KEYS[1], "peak_speed", second, "peak_at", ingest)
    end
  end
end
return tonumber(redis.call("HGET", KEYS[1], "amount") or "0")
