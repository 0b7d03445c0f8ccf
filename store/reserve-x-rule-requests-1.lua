--[[
  Reserves requests in the mesh's sliding 15-minute window of POSTs to X's rules endpoint: all that a
  launch (or a streaming worker's rule check) will make, or none, so that two workers racing cannot
  both take the last ones. The window runs on Redis's clock, the one clock every worker shares.

  KEYS[1] sorted set of the window's requests: member `<reservation id>:<n>`, score its time (ms)

  ARGV[1] requests to reserve, 1 or more
  ARGV[2] requests allowed in the window (X_RULE_REQUESTS_PER_15MIN)
  ARGV[3] the window, ms
  ARGV[4] the reservation's id, unique to the call

  Returns {DONE, requests in the window now}
          {BUDGET_SPENT, seconds until enough requests have left the window for this reservation}
]]
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local asked, allowed, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - window)
local held = redis.call("ZCARD", KEYS[1])
local excess = held + asked - allowed
if excess > 0 then
  -- Room comes when the excess-th oldest request leaves the window.
  local leaving = redis.call("ZRANGE", KEYS[1], excess - 1, excess - 1, "WITHSCORES")
  if leaving[2] == nil then
    return {BUDGET_SPENT, math.ceil(window / 1000)}
  end
  return {BUDGET_SPENT, math.max(1, math.ceil((tonumber(leaving[2]) + window - now) / 1000))}
end
for n = 1, asked do
  redis.call("ZADD", KEYS[1], now, ARGV[4] .. ":" .. n)
end
redis.call("PEXPIRE", KEYS[1], window)
return {DONE, held + asked}
