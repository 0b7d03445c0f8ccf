--[[
  Sums the figures of every ended run into the running sums anew, when they are missing or do not
  account for every run (Redis from before they were kept, or runs ended by an older version during
  a rolling deploy). One step, so that no run ending meanwhile is summed twice or not at all.

  KEYS[1] hash of the summed figures of every ended run (`runs`, `amount`, `examined`, `elapsed`)
  KEYS[2] run index (sorted set)
  KEYS[3..] the hash of every run in the index

  Returns DONE summed, UNCHANGED the index changed since the caller read it: read again and retry
]]
if redis.call("ZCARD", KEYS[2]) ~= #KEYS - 2 then
  return UNCHANGED
end
local runs, amount, examined, elapsed = 0, 0, 0, 0
for index = 3, #KEYS do
  local started, ended, matched, seen = unpack(redis.call("HMGET", KEYS[index], "started_at", "ended_at", "amount", "examined"))
  -- A run whose hash is gone counts as an ended run of no figures, so that the index stays accounted for.
  if ended or not started then
    runs = runs + 1
    amount = amount + tonumber(matched or "0")
    examined = examined + tonumber(seen or "0")
    if ended and started then
      elapsed = elapsed + math.max(0, math.floor((tonumber(ended) - tonumber(started)) / 1000))
    end
  end
end
redis.call("DEL", KEYS[1])
redis.call("HSET", KEYS[1], "runs", runs, "amount", amount, "examined", examined, "elapsed", elapsed)
return DONE
