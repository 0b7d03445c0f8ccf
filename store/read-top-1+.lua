--[[
  Reads the most counted values of a sorted set, highest count first and ties by value (ZREVRANGE
  alone orders ties backwards), optionally of several buckets summed first.

  KEYS[1] the sorted set to read; with more keys, a scratch key the buckets are summed into, deleted after
  KEYS[2..] the buckets of a window to sum

  ARGV[1] how many values

  Returns a flat list: value, count, value, count, ...
]]
local source = KEYS[1]
if #KEYS > 1 then
  local buckets = {}
  for index = 2, #KEYS do buckets[#buckets + 1] = KEYS[index] end
  redis.call("ZUNIONSTORE", source, #buckets, unpack(buckets))
end
local limit = tonumber(ARGV[1])
local top = redis.call("ZREVRANGE", source, 0, limit - 1, "WITHSCORES")
local result, taken, previous = {}, 0, nil
for index = 2, #top, 2 do
  local count = top[index]
  if count ~= previous and taken < limit then
    previous = count
    -- Members of one score come in lexical order from ZRANGEBYSCORE.
    local tied = redis.call("ZRANGEBYSCORE", source, count, count, "LIMIT", 0, limit - taken)
    for _, value in ipairs(tied) do
      result[#result + 1] = value
      result[#result + 1] = count
      taken = taken + 1
    end
  end
end
if #KEYS > 1 then redis.call("DEL", source) end
return result
