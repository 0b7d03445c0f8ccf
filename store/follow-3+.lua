--[[
  Follows authors and phrases for one subscriber within the mesh's caps, writing both sides of every
  follow (the subscriber's lists and each author's or phrase's followers) at once, so that they never
  disagree and two concurrent follows cannot both take the last place.

  KEYS[1] set of every subscriber who follows something
  KEYS[2] set: the authors the subscriber follows
  KEYS[3] set: the phrases the subscriber follows
  KEYS[4..] the follower set of each author of ARGV, then of each phrase, in ARGV's order

  ARGV[1] subscriber id
  ARGV[2] most subscribers of the mesh (MAX_SUBSCRIBERS)
  ARGV[3] most follows of one subscriber, authors and phrases together (MAX_FOLLOWS_PER_SUBSCRIBER)
  ARGV[4] number of authors, A
  ARGV[5..4+A] the authors; ARGV[5+A..] the phrases

  Returns {DONE, follows after}; {SUBSCRIBER_LIMIT, subscribers} when the subscriber is new and the
  mesh has its most; {FOLLOW_LIMIT, follows now} when the new follows would pass the cap
]]
local subscriber = ARGV[1]
local authorCount = tonumber(ARGV[4])
local asked = #ARGV - 4
local held = redis.call("SCARD", KEYS[2]) + redis.call("SCARD", KEYS[3])
-- A subscriber followed something before the subscriber set existed when its lists are not empty.
if held == 0 and redis.call("SISMEMBER", KEYS[1], subscriber) == 0 then
  local subscribers = redis.call("SCARD", KEYS[1])
  if subscribers >= tonumber(ARGV[2]) then
    return {SUBSCRIBER_LIMIT, subscribers}
  end
end
local function ownSet(index)
  if index <= authorCount then return KEYS[2] end
  return KEYS[3]
end
local new, counted = 0, {}
for index = 1, asked do
  local own, item = ownSet(index), ARGV[4 + index]
  if not counted[own .. "\0" .. item] and redis.call("SISMEMBER", own, item) == 0 then
    new = new + 1
  end
  counted[own .. "\0" .. item] = true
end
if held + new > tonumber(ARGV[3]) then
  return {FOLLOW_LIMIT, held}
end
for index = 1, asked do
  redis.call("SADD", ownSet(index), ARGV[4 + index])
  redis.call("SADD", KEYS[3 + index], subscriber)
end
redis.call("SADD", KEYS[1], subscriber)
return {DONE, held + new}
