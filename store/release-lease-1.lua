--[[
  Gives a lease up, only if the caller still holds it.

  KEYS[1] the lease
  ARGV[1] holder id

  Returns 1 released, 0 not the caller's
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
