--[[
  Takes or renews a lease: succeeds when the lease is free or already the caller's.

  KEYS[1] the lease
  ARGV[1] holder id
  ARGV[2] time to live, ms

  Returns DONE held by the caller for another ARGV[2] ms, UNCHANGED held by another
]]
local holder = redis.call("GET", KEYS[1])
if holder and holder ~= ARGV[1] then
  return UNCHANGED
end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return DONE
