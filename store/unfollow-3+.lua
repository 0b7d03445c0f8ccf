--[[
  Stops following authors and phrases for one subscriber, both sides of every follow at once; a
  subscriber left following nothing no longer takes a place under MAX_SUBSCRIBERS.

  KEYS[1] set of every subscriber who follows something
  KEYS[2] set: the authors the subscriber follows
  KEYS[3] set: the phrases the subscriber follows
  KEYS[4..] the follower set of each author of ARGV, then of each phrase, in ARGV's order

  ARGV[1] subscriber id
  ARGV[2] number of authors, A
  ARGV[3..2+A] the authors; ARGV[3+A..] the phrases

  Returns DONE
]]
local subscriber = ARGV[1]
local authorCount = tonumber(ARGV[2])
for index = 1, #ARGV - 2 do
  local own = KEYS[3]
  if index <= authorCount then own = KEYS[2] end
  redis.call("SREM", own, ARGV[2 + index])
  redis.call("SREM", KEYS[3 + index], subscriber)
end
if redis.call("SCARD", KEYS[2]) + redis.call("SCARD", KEYS[3]) == 0 then
  redis.call("SREM", KEYS[1], subscriber)
end
return DONE
