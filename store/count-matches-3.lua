--[[
  Counts one batch of admitted matches, once however often it is delivered: the batch id guards
  every figure it adds to.

  KEYS[1] the run's hash
  KEYS[2] set of counted batch ids
  KEYS[3] hash of matched tweets per track phrase

  ARGV[1] batch id
  ARGV[2] tweets the filter examined in the batch
  ARGV[3] JSON list of the matched phrases of each admitted match (a list of lists)
  ARGV[4] seconds the set of counted batch ids outlives the run's last batch

  Returns the run's amount after the batch; RUN_MISSING when the run does not exist
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return RUN_MISSING
end
if redis.call("SADD", KEYS[2], ARGV[1]) == 1 then
  redis.call("EXPIRE", KEYS[2], ARGV[4])
  local matches = cjson.decode(ARGV[3])
  redis.call("HINCRBY", KEYS[1], "examined", ARGV[2])
  redis.call("HINCRBY", KEYS[1], "amount", #matches)
  for _, phrases in ipairs(matches) do
    for _, phrase in ipairs(phrases) do
      redis.call("HINCRBY", KEYS[3], phrase, 1)
    end
  end
end
return tonumber(redis.call("HGET", KEYS[1], "amount") or "0")
