--[[
  Ends a run once: the first reason wins, later calls change nothing. The run's figures join the
  running sums of ended runs in the same step, so that totals across runs are never recomputed.

  KEYS[1] the run's hash
  KEYS[2] hash of the summed figures of every ended run (`runs`, `amount`, `examined`, `elapsed`)
  ARGV[1] now, ms since the epoch
  ARGV[2] end reason
  ARGV[3] why, in words ("" for none)

  Returns DONE ended now, UNCHANGED already ended, RUN_MISSING no such run
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return RUN_MISSING
end
if redis.call("HEXISTS", KEYS[1], "ended_at") == 1 then
  return UNCHANGED
end
redis.call("HSET", KEYS[1], "ended_at", ARGV[1], "end_reason", ARGV[2])
join_ended_runs(KEYS[2], KEYS[1], ARGV[1])
if ARGV[3] ~= "" then
  redis.call("HSET", KEYS[1], "end_detail", ARGV[3])
end
return DONE
