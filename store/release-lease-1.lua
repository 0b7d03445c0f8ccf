--[[
  Gives a lease up, only if the caller still holds it.

  KEYS[1] the lease
  ARGV[1] holder id

  Returns DONE released, UNCHANGED not the caller's (or already gone)
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("DEL", KEYS[1])
  return DONE
end
return UNCHANGED
