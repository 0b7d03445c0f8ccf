--[[
  A Lua library for the scripts that end a run (loaded in front of them by store/scripts.ts): the run
  joins the running sums of the ended runs, as /statistics/runs answers its totals.
]]
local function join_ended_runs(totals_key, run_key, ended_at)
  local started, amount, examined = unpack(redis.call("HMGET", run_key, "started_at", "amount", "examined"))
  redis.call("HINCRBY", totals_key, "runs", 1)
  redis.call("HINCRBY", totals_key, "amount", tonumber(amount or "0"))
  redis.call("HINCRBY", totals_key, "examined", tonumber(examined or "0"))
  -- Whole seconds, as runs/figures.ts elapsedSeconds counts a run's.
  redis.call("HINCRBY", totals_key, "elapsed", math.max(0, math.floor((tonumber(ended_at) - tonumber(started)) / 1000)))
end
