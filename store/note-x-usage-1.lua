--[[
  Records a reading of the app's post usage and says which thresholds it newly passed in the cap's
  period, mesh-wide: the first reading past 80% (or 95%) of the cap warns, later ones do not, until
  the period ends. A usage lower than the last reading, or another cap, starts a new period (X reset
  the cap, or the plan changed).

  KEYS[1] hash: `cap` and `usage` of the last reading; one field per threshold said in this period

  ARGV[1] the cap, as X reports it
  ARGV[2] the usage, as X reports it
  ARGV[3..] the thresholds (percent) the usage has reached

  Returns the thresholds of ARGV[3..] to warn of now (a list, maybe empty)
]]
local cap, usage = unpack(redis.call("HMGET", KEYS[1], "cap", "usage"))
if cap ~= ARGV[1] or tonumber(usage or "0") > tonumber(ARGV[2]) then
  redis.call("DEL", KEYS[1])
end
redis.call("HSET", KEYS[1], "cap", ARGV[1], "usage", ARGV[2])
local newly = {}
for index = 3, #ARGV do
  if redis.call("HSETNX", KEYS[1], ARGV[index], 1) == 1 then
    table.insert(newly, ARGV[index])
  end
end
return newly
